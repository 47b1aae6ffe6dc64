//! Reads the browser tests' screenshots: 8-bit RGB or RGBA PNGs, not interlaced (what Chromium's
//! `Page.captureScreenshot` writes), inflated with flate2 and unfiltered row by row.

use std::io::Read;

/// A decoded image: pixels row by row, each `[r, g, b, a]`.
pub struct Image {
    pub width: usize,
    pub height: usize,
    pixels: Vec<[u8; 4]>,
}

impl Image {
    /// The pixel at (`x`, `y`), if inside.
    pub fn pixel(&self, x: usize, y: usize) -> Option<[u8; 4]> {
        (x < self.width && y < self.height).then(|| self.pixels[y * self.width + x])
    }
}

/// Decodes `png`, or says why not.
pub fn decode(png: &[u8]) -> Result<Image, String> {
    let mut rest = png.strip_prefix(b"\x89PNG\r\n\x1a\n").ok_or("not a PNG")?;
    let (mut width, mut height, mut channels) = (0, 0, 0);
    let mut data = Vec::new();
    while rest.len() >= 12 {
        let len = u32::from_be_bytes(rest[..4].try_into().expect("4 bytes")) as usize;
        let (kind, body) = (&rest[4..8], rest.get(8..8 + len).ok_or("a cut chunk")?);
        match kind {
            b"IHDR" => {
                width = u32::from_be_bytes(body[..4].try_into().expect("4 bytes")) as usize;
                height = u32::from_be_bytes(body[4..8].try_into().expect("4 bytes")) as usize;
                channels = match (body[8], body[9], body[12]) {
                    (8, 2, 0) => 3,
                    (8, 6, 0) => 4,
                    other => return Err(format!("(depth, colour type, interlace) {other:?}")),
                };
            }
            b"IDAT" => data.extend_from_slice(body),
            b"IEND" => break,
            _ => {}
        }
        rest = &rest[12 + len..];
    }
    let mut raw = Vec::new();
    flate2::read::ZlibDecoder::new(&data[..])
        .read_to_end(&mut raw)
        .map_err(|e| format!("inflate: {e}"))?;
    let stride = width * channels;
    if raw.len() != height * (stride + 1) {
        return Err(format!("{} bytes for {width}x{height}", raw.len()));
    }
    let mut rows: Vec<u8> = Vec::with_capacity(height * stride);
    for y in 0..height {
        let filter = raw[y * (stride + 1)];
        let line = &raw[y * (stride + 1) + 1..(y + 1) * (stride + 1)];
        for i in 0..stride {
            let a = if i >= channels {
                rows[y * stride + i - channels]
            } else {
                0
            };
            let b = if y > 0 { rows[(y - 1) * stride + i] } else { 0 };
            let c = if y > 0 && i >= channels {
                rows[(y - 1) * stride + i - channels]
            } else {
                0
            };
            let add = match filter {
                0 => 0,
                1 => a,
                2 => b,
                3 => ((u16::from(a) + u16::from(b)) / 2) as u8,
                4 => paeth(a, b, c),
                f => return Err(format!("filter {f}")),
            };
            rows.push(line[i].wrapping_add(add));
        }
    }
    let pixels = rows
        .chunks(channels)
        .map(|p| [p[0], p[1], p[2], if channels == 4 { p[3] } else { 255 }])
        .collect();
    Ok(Image {
        width,
        height,
        pixels,
    })
}

fn paeth(a: u8, b: u8, c: u8) -> u8 {
    let p = i16::from(a) + i16::from(b) - i16::from(c);
    let (pa, pb, pc) = (
        (p - i16::from(a)).abs(),
        (p - i16::from(b)).abs(),
        (p - i16::from(c)).abs(),
    );
    if pa <= pb && pa <= pc {
        a
    } else if pb <= pc {
        b
    } else {
        c
    }
}
