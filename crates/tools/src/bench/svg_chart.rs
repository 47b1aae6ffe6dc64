//! A line chart as plain SVG text: axes from zero with round ticks, labels, a line with markers
//! per series (dashed for a previous run's), and a legend. Written by hand: no plotting library.

use std::fmt::Write as _;

/// Width of the whole picture.
const WIDTH: f64 = 780.0;
/// Height of the whole picture.
const HEIGHT: f64 = 420.0;
/// The plot area's edges inside the picture.
const LEFT: f64 = 80.0;
const RIGHT: f64 = 540.0;
const TOP: f64 = 50.0;
const BOTTOM: f64 = 360.0;

/// Line colours, one per scenario, in order.
const COLOURS: [&str; 6] = [
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf",
];

/// One line.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// Its name in the legend.
    pub name: String,
    /// Its points, `(x, y)`, in x order; non-finite values are left out.
    pub points: Vec<(f64, f64)>,
    /// Dashed (a previous run's figures).
    pub dashed: bool,
    /// Which colour: series of one scenario share it.
    pub colour: usize,
}

/// The chart: a title, the axes' names and the series.
#[derive(Clone, Debug, PartialEq)]
pub struct Chart {
    /// Title, above the plot.
    pub title: String,
    /// The x axis's name.
    pub x_label: String,
    /// The y axis's name.
    pub y_label: String,
    /// The lines.
    pub series: Vec<Series>,
}

/// A round step for an axis from 0 to `max` with about five ticks: 1, 2 or 5 times a power of
/// ten.
pub fn tick_step(max: f64) -> f64 {
    if !(max.is_finite() && max > 0.0) {
        return 1.0;
    }
    let raw = max / 5.0;
    let power = 10f64.powf(raw.log10().floor());
    let m = raw / power;
    let nice = if m <= 1.0 {
        1.0
    } else if m <= 2.0 {
        2.0
    } else if m <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * power
}

/// A tick's label: no more digits than the step needs.
fn tick_label(v: f64, step: f64) -> String {
    let decimals = if step >= 1.0 {
        0
    } else {
        (-step.log10().floor()) as usize
    };
    format!("{v:.decimals$}")
}

/// Text made safe inside an SVG element or attribute.
pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

impl Chart {
    /// The chart as a standalone SVG document.
    pub fn to_svg(&self) -> String {
        let finite = |&(x, y): &(f64, f64)| x.is_finite() && y.is_finite();
        let all: Vec<(f64, f64)> = self
            .series
            .iter()
            .flat_map(|s| s.points.iter().copied().filter(finite))
            .collect();
        let x_max = all.iter().map(|p| p.0).fold(0.0, f64::max);
        let y_max = all.iter().map(|p| p.1).fold(0.0, f64::max);
        let (x_step, y_step) = (tick_step(x_max), tick_step(y_max));
        // The axes end on the first tick at or past the largest value.
        let x_end = ((x_max / x_step).ceil() * x_step).max(x_step);
        let y_end = ((y_max / y_step).ceil() * y_step).max(y_step);
        let px = |x: f64| LEFT + (x / x_end).clamp(0.0, 1.0) * (RIGHT - LEFT);
        let py = |y: f64| BOTTOM - (y / y_end).clamp(0.0, 1.0) * (BOTTOM - TOP);

        let mut s = String::new();
        let _ = writeln!(
            s,
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" font-family="sans-serif" font-size="12">"#
        );
        let _ = writeln!(
            s,
            r#"<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="white"/>"#
        );
        let _ = writeln!(
            s,
            r#"<text x="{}" y="25" text-anchor="middle" font-size="15">{}</text>"#,
            (LEFT + RIGHT) / 2.0,
            escape(&self.title)
        );
        // Grid and ticks.
        let mut v = 0.0;
        while v <= y_end + y_step * 1e-9 {
            let y = py(v);
            let _ = writeln!(
                s,
                r##"<line x1="{LEFT}" y1="{y:.1}" x2="{RIGHT}" y2="{y:.1}" stroke="#e0e0e0"/>"##
            );
            let _ = writeln!(
                s,
                r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
                LEFT - 6.0,
                y + 4.0,
                tick_label(v, y_step)
            );
            v += y_step;
        }
        let mut v = 0.0;
        while v <= x_end + x_step * 1e-9 {
            let x = px(v);
            let _ = writeln!(
                s,
                r##"<line x1="{x:.1}" y1="{BOTTOM}" x2="{x:.1}" y2="{:.1}" stroke="#333"/>"##,
                BOTTOM + 5.0
            );
            let _ = writeln!(
                s,
                r#"<text x="{x:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
                BOTTOM + 20.0,
                tick_label(v, x_step)
            );
            v += x_step;
        }
        // Axes and their names.
        let _ = writeln!(
            s,
            r##"<line x1="{LEFT}" y1="{BOTTOM}" x2="{RIGHT}" y2="{BOTTOM}" stroke="#333"/>"##
        );
        let _ = writeln!(
            s,
            r##"<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{BOTTOM}" stroke="#333"/>"##
        );
        let _ = writeln!(
            s,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            (LEFT + RIGHT) / 2.0,
            BOTTOM + 45.0,
            escape(&self.x_label)
        );
        let (yx, yy) = (20.0, (TOP + BOTTOM) / 2.0);
        let _ = writeln!(
            s,
            r#"<text x="{yx}" y="{yy:.1}" text-anchor="middle" transform="rotate(-90 {yx} {yy:.1})">{}</text>"#,
            escape(&self.y_label)
        );
        // Lines, markers and the legend.
        for (i, series) in self.series.iter().enumerate() {
            let colour = COLOURS[series.colour % COLOURS.len()];
            let dash = if series.dashed {
                r#" stroke-dasharray="6 4""#
            } else {
                ""
            };
            let points: Vec<String> = series
                .points
                .iter()
                .filter(|p| finite(p))
                .map(|&(x, y)| format!("{:.1},{:.1}", px(x), py(y)))
                .collect();
            if !points.is_empty() {
                let _ = writeln!(
                    s,
                    r#"<polyline fill="none" stroke="{colour}" stroke-width="2"{dash} points="{}"/>"#,
                    points.join(" ")
                );
            }
            for &(x, y) in series.points.iter().filter(|p| finite(p)) {
                let _ = writeln!(
                    s,
                    r#"<circle cx="{:.1}" cy="{:.1}" r="3" fill="{colour}"/>"#,
                    px(x),
                    py(y)
                );
            }
            let ly = TOP + 10.0 + 20.0 * i as f64;
            let _ = writeln!(
                s,
                r#"<line x1="{:.1}" y1="{ly:.1}" x2="{:.1}" y2="{ly:.1}" stroke="{colour}" stroke-width="2"{dash}/>"#,
                RIGHT + 20.0,
                RIGHT + 45.0
            );
            let _ = writeln!(
                s,
                r#"<text x="{:.1}" y="{:.1}">{}</text>"#,
                RIGHT + 50.0,
                ly + 4.0,
                escape(&series.name)
            );
        }
        s.push_str("</svg>\n");
        s
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Checks that `svg` is well formed enough for a browser: every tag closed in order, every
    /// attribute quoted, and every coordinate a number inside the viewBox. Returns the element
    /// names in document order.
    pub(crate) fn check_svg(svg: &str) -> Vec<String> {
        let (w, h) = (WIDTH, HEIGHT);
        assert!(
            svg.starts_with("<svg ") && svg.contains(&format!(r#"viewBox="0 0 {w} {h}""#)),
            "{svg}"
        );
        let mut stack: Vec<String> = Vec::new();
        let mut names = Vec::new();
        let mut rest = svg;
        while let Some(open) = rest.find('<') {
            let close = rest[open..].find('>').expect("a tag ends") + open;
            let tag = &rest[open + 1..close];
            assert!(!tag.contains('<'), "a tag inside a tag: {tag}");
            // Text between tags holds no raw '&' that is not an entity.
            let text = &rest[..open];
            for (i, _) in text.match_indices('&') {
                assert!(
                    ["&amp;", "&lt;", "&gt;", "&quot;"]
                        .iter()
                        .any(|e| text[i..].starts_with(e)),
                    "raw & in {text:?}"
                );
            }
            if let Some(name) = tag.strip_prefix('/') {
                assert_eq!(stack.pop().as_deref(), Some(name.trim()), "closing {name}");
            } else {
                let self_closing = tag.ends_with('/');
                let body = tag.trim_end_matches('/');
                let name = body.split_whitespace().next().expect("a name").to_owned();
                check_attributes(body, w, h);
                names.push(name.clone());
                if !self_closing {
                    stack.push(name);
                }
            }
            rest = &rest[close + 1..];
        }
        assert!(stack.is_empty(), "unclosed: {stack:?}");
        names
    }

    /// Every attribute `k="v"`; coordinates numeric and inside `0..=w`, `0..=h`.
    fn check_attributes(tag: &str, w: f64, h: f64) {
        let mut rest = tag.split_once(char::is_whitespace).map_or("", |p| p.1);
        while let Some(eq) = rest.find('=') {
            let key = rest[..eq].trim();
            let after = &rest[eq + 1..];
            assert!(after.starts_with('"'), "unquoted {key} in {tag}");
            let end = after[1..].find('"').expect("a closing quote") + 1;
            let value = &after[1..end];
            let within = |v: &str, max: f64| {
                let n: f64 = v.parse().unwrap_or_else(|_| panic!("{key}={v:?} in {tag}"));
                assert!(
                    n.is_finite() && (0.0..=max).contains(&n),
                    "{key}={n} in {tag}"
                );
            };
            match key {
                "x" | "x1" | "x2" | "cx" => within(value, w),
                "y" | "y1" | "y2" | "cy" => within(value, h),
                "points" => {
                    for pair in value.split_whitespace() {
                        let (x, y) = pair.split_once(',').expect("x,y");
                        within(x, w);
                        within(y, h);
                    }
                }
                _ => {}
            }
            rest = &after[end + 1..];
        }
    }

    #[test]
    fn steps_are_round() {
        assert_eq!(tick_step(500.0), 100.0);
        assert_eq!(tick_step(7.0), 2.0);
        assert_eq!(tick_step(0.3), 0.1);
        assert_eq!(tick_step(0.0), 1.0);
        assert_eq!(tick_step(f64::NAN), 1.0);
        assert_eq!(tick_label(0.25, 0.05), "0.25");
        assert_eq!(tick_label(200.0, 100.0), "200");
    }

    #[test]
    fn a_chart_is_well_formed_svg() {
        let chart = Chart {
            title: "CPU per tick <server> & more".into(),
            x_label: "clients".into(),
            y_label: "ms".into(),
            series: vec![
                Series {
                    name: "random-walk".into(),
                    points: vec![(50.0, 1.2), (100.0, 2.5), (200.0, 3.9), (500.0, 9.3)],
                    dashed: false,
                    colour: 0,
                },
                Series {
                    name: "random-walk (before)".into(),
                    points: vec![(50.0, 1.0), (100.0, f64::NAN), (500.0, 12.0)],
                    dashed: true,
                    colour: 0,
                },
                Series {
                    name: "empty".into(),
                    points: vec![],
                    dashed: false,
                    colour: 1,
                },
            ],
        };
        let svg = chart.to_svg();
        let names = check_svg(&svg);
        assert_eq!(names.iter().filter(|n| *n == "polyline").count(), 2);
        assert_eq!(names.iter().filter(|n| *n == "circle").count(), 6);
        assert!(svg.contains("stroke-dasharray"), "{svg}");
        assert!(
            svg.contains("CPU per tick &lt;server&gt; &amp; more"),
            "{svg}"
        );
        // Ticks reach the largest value or past it: 0 to 500 clients, 0 to 15 ms (for 12).
        assert!(
            svg.contains(">500</text>") && svg.contains(">15</text>"),
            "{svg}"
        );
    }

    #[test]
    fn a_chart_of_nothing_is_still_well_formed() {
        let chart = Chart {
            title: "nothing".into(),
            x_label: "x".into(),
            y_label: "y".into(),
            series: vec![],
        };
        check_svg(&chart.to_svg());
    }
}
