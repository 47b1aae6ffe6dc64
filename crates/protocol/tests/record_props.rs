//! Property tests of records: for arbitrary field lists and values, reading what was written
//! gives the values back (texts cut to their length); no byte string makes the reader panic, and
//! every byte string it accepts is the one the writer writes for what it read.

use proptest::prelude::*;
use tickwire_protocol::replication::{
    FieldDesc, Record, RecordLayout, WireType, read_record, write_record,
};

fn wire_type() -> impl Strategy<Value = WireType> {
    prop_oneof![
        (1u8..4).prop_map(|s| WireType::Fixed {
            step: 1.0 / f32::from(s)
        }),
        (1u8..4).prop_map(|s| WireType::Vec2 {
            step: 1.0 / f32::from(s)
        }),
        (1u8..=16).prop_map(|bits| WireType::Angle { bits }),
        (any::<i32>(), any::<u32>()).prop_map(|(min, span)| WireType::Int {
            min,
            max: (i64::from(min) + i64::from(span)).min(i64::from(i32::MAX)) as i32,
        }),
        (-3i32..3, 0i32..4).prop_map(|(min, span)| WireType::Int {
            min,
            max: min + span
        }),
        Just(WireType::Bool),
        (2usize..9).prop_map(|n| WireType::Enum {
            variants: (0..n).map(|i| format!("v{i}")).collect()
        }),
        Just(WireType::Color),
        (1u16..12).prop_map(|max_bytes| WireType::Text { max_bytes }),
    ]
}

fn layout() -> impl Strategy<Value = RecordLayout> {
    prop::collection::vec(wire_type(), 0..12).prop_map(|types| {
        let fields: Vec<FieldDesc> = types
            .into_iter()
            .enumerate()
            .map(|(i, ty)| FieldDesc::new(format!("f{i}"), ty))
            .collect();
        RecordLayout::new(&fields).expect("generated fields are valid")
    })
}

const WORDS: [&str; 7] = ["", "ada", "bo", "céline", "zz", "flag!", "a longer text"];

/// A record of `layout` from random numbers: every slot in its range, texts of any length.
fn record(layout: &RecordLayout, seeds: &[u64]) -> Record {
    let mut s = seeds.iter().cycle();
    Record::build(|w| {
        for f in layout.fields() {
            for _ in 0..f.ty.slots() {
                let r = *s.next().unwrap_or(&3);
                match &f.ty {
                    WireType::Text { .. } => {
                        w.text(WORDS[(r % WORDS.len() as u64) as usize]);
                    }
                    ty => {
                        let (min, max) = ty.range();
                        let span = (i64::from(max) - i64::from(min) + 1) as u64;
                        w.value((i64::from(min) + (r % span) as i64) as i32);
                    }
                }
            }
        }
    })
}

/// `text` cut at a character boundary to `max` bytes, as a reader receives it.
fn cut(text: &str, max: usize) -> &str {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn records_round_trip(layout in layout(), seeds in prop::collection::vec(any::<u64>(), 1..30)) {
        let r = record(&layout, &seeds);
        let mut bytes = Vec::new();
        write_record(&layout, &r, &mut bytes);
        let back = read_record(&layout, &bytes).expect("a written record reads");
        prop_assert_eq!(back.slots(), r.slots());
        let mut k = 0;
        for f in layout.fields() {
            if let WireType::Text { max_bytes } = f.ty {
                prop_assert_eq!(back.text(k), cut(r.text(k), usize::from(max_bytes)));
                k += 1;
            }
        }
        let mut again = Vec::new();
        write_record(&layout, &back, &mut again);
        prop_assert_eq!(again, bytes);
    }

    #[test]
    fn no_bytes_make_the_reader_panic(layout in layout(), bytes in prop::collection::vec(any::<u8>(), 0..40)) {
        if let Ok(r) = read_record(&layout, &bytes) {
            let mut again = Vec::new();
            write_record(&layout, &r, &mut again);
            prop_assert_eq!(again, bytes, "an accepted record is the one the writer writes");
        }
    }

    #[test]
    fn damaged_records_never_panic(
        layout in layout(),
        seeds in prop::collection::vec(any::<u64>(), 1..30),
        flip in any::<usize>(),
        cut_at in any::<usize>(),
    ) {
        let mut bytes = Vec::new();
        write_record(&layout, &record(&layout, &seeds), &mut bytes);
        if !bytes.is_empty() {
            let mut flipped = bytes.clone();
            let bit = flip % (bytes.len() * 8);
            flipped[bit / 8] ^= 1 << (bit % 8);
            let _ = read_record(&layout, &flipped);
            let cut = cut_at % bytes.len();
            prop_assert!(read_record(&layout, &bytes[..cut]).is_err(), "a record cut short");
        }
    }
}
