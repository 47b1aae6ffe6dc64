//! Wire test vectors of records (inputs and events travel as records), shared with the browser's
//! netcode package: `tests/vectors/replication/records.json` at the workspace root.
//!
//! The file is a list of cases, each `{"name", "note", "value", "hex"}` as the other vector files
//! are: `hex` is the record's bytes; `value` holds the field list (`fields`, each `FieldDesc` as
//! serde JSON), the record as it reads back (`slots`, quantized, and `texts`, in text-field
//! order), its values by field name in the game's units (`values`: a number, a vector as `[x, y]`,
//! a flag as a boolean, an enum by its variant's name, a text), the record given to the writer when
//! it is not the one read back (`written`: a text over its length, cut), and how the reader
//! treats damaged copies: `flips` has a `1` for each bit whose flip gives bytes the reader accepts
//! (`0` where it refuses), `cuts` a `1` for each shorter length it accepts (none: a record is
//! never cut short and valid).
//!
//! Checked byte for byte on every run, rewritten only when `TICKWIRE_WRITE_VECTORS=1`.

use std::path::PathBuf;

use serde_json::{Map, Value, json};
use tickwire_protocol::replication::{
    FieldDesc, Record, RecordLayout, WireType, read_record, write_record,
};

struct Case {
    name: &'static str,
    note: &'static str,
    fields: Vec<FieldDesc>,
    /// What the writer is given.
    written: Record,
}

fn f(name: &str, ty: WireType) -> FieldDesc {
    FieldDesc::new(name, ty)
}

fn team() -> WireType {
    WireType::Enum {
        variants: vec!["red".into(), "blue".into(), "green".into()],
    }
}

fn cases() -> Vec<Case> {
    let every = vec![
        f("at", WireType::Vec2 { step: 0.25 }),
        f("speed", WireType::Fixed { step: 0.5 }),
        f("facing", WireType::Angle { bits: 12 }),
        f("gear", WireType::Int { min: -2, max: 5 }),
        f("sneak", WireType::Bool),
        f("team", team()),
        f("colour", WireType::Color),
        f("say", WireType::Text { max_bytes: 6 }),
    ];
    let many: Vec<String> = (0..256).map(|i| format!("v{i}")).collect();
    vec![
        Case {
            name: "record_empty",
            note: "An empty field list: the empty record, no bytes at all.",
            fields: Vec::new(),
            written: Record::new(),
        },
        Case {
            name: "record_arena_input",
            note: "The arena's input: move_x 1 and move_y -1 (offsets 2 and 0 from -1, 2 bits each), aim -2.5 rad (39460 of 65536 in 16 bits), fire (1 bit), then zero padding.",
            fields: vec![
                f("move_x", WireType::Int { min: -1, max: 1 }),
                f("move_y", WireType::Int { min: -1, max: 1 }),
                f("aim", WireType::Angle { bits: 16 }),
                f("fire", WireType::Bool),
            ],
            written: Record::build(|w| {
                w.values(&[1, -1, 39460, 1]);
            }),
        },
        Case {
            name: "record_kill",
            note: "The arena's kill event: killer 1 and victim 2, each an Int 0..=2147483647 (31 bits from 0).",
            fields: vec![
                f(
                    "killer",
                    WireType::Int {
                        min: 0,
                        max: i32::MAX,
                    },
                ),
                f(
                    "victim",
                    WireType::Int {
                        min: 0,
                        max: i32::MAX,
                    },
                ),
            ],
            written: Record::build(|w| {
                w.values(&[1, 2]);
            }),
        },
        Case {
            name: "record_every",
            note: "A field of every wire type: a vector and a fixed number as varbits of their zigzagged steps, an angle in 12 bits, an int as its offset from -2 in 3 bits, a flag, an enum of three in 2 bits, a colour in 24 bits, a text of four bytes (a two-byte character inside).",
            fields: every.clone(),
            written: Record::build(|w| {
                w.values(&[-6, 9, -3, 4000, -2, 1, 2, 0x12_3456])
                    .text("añb");
            }),
        },
        Case {
            name: "record_every_zero",
            note: "The same fields at their defaults: zeros (gear 0 is offset 2), the first variant, black, an empty text.",
            fields: every.clone(),
            written: RecordLayout::new(&every).expect("valid").default_record(),
        },
        Case {
            name: "record_text_cut",
            note: "A text longer than its 4 bytes is cut at a character boundary before it is written: \"añbc\" (5 bytes) travels as \"añb\".",
            fields: vec![
                f("name", WireType::Text { max_bytes: 4 }),
                f("it", WireType::Bool),
            ],
            written: Record::build(|w| {
                w.text("añbc").value(1);
            }),
        },
        Case {
            name: "record_extremes",
            note: "Values at the ends of their types: an Int over all of i32 (32 bits), a constant Int (no bits), the most negative fixed number (varbits of 32 bits), a one-bit angle, an enum of 256 variants (8 bits) at its last, the largest colour.",
            fields: vec![
                f(
                    "wide",
                    WireType::Int {
                        min: i32::MIN,
                        max: i32::MAX,
                    },
                ),
                f("seven", WireType::Int { min: 7, max: 7 }),
                f("far", WireType::Fixed { step: 1.0 }),
                f("half", WireType::Angle { bits: 1 }),
                f("pick", WireType::Enum { variants: many }),
                f("white", WireType::Color),
            ],
            written: Record::build(|w| {
                w.values(&[i32::MAX, 7, i32::MIN, 1, 255, 0xff_ffff]);
            }),
        },
        Case {
            name: "record_texts",
            note: "Two texts: an empty one (a zero length) and one of 256 bytes, the longest a text may be.",
            fields: vec![
                f("a", WireType::Text { max_bytes: 8 }),
                f("b", WireType::Text { max_bytes: 256 }),
            ],
            written: Record::build(|w| {
                w.text("").text(&"z".repeat(256));
            }),
        },
    ]
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The texts of `r`, in text-field order.
fn texts<'a>(fields: &[FieldDesc], r: &'a Record) -> Vec<&'a str> {
    let mut at = 0;
    let mut out = Vec::new();
    for f in fields {
        if matches!(f.ty, WireType::Text { .. }) {
            out.push(r.text(r.slots()[at]));
        }
        at += f.ty.slots();
    }
    out
}

/// `r` by field name, in the game's units.
fn values(fields: &[FieldDesc], r: &Record) -> Value {
    let slots = r.slots();
    let mut out = Map::new();
    let mut s = 0;
    for f in fields {
        let q = slots[s];
        let v = match &f.ty {
            WireType::Vec2 { .. } => json!([f.ty.dequantize(q), f.ty.dequantize(slots[s + 1])]),
            WireType::Bool => json!(q != 0),
            WireType::Enum { variants } => json!(variants[q as usize]),
            WireType::Text { .. } => json!(r.text(q)),
            ty => json!(ty.dequantize(q)),
        };
        out.insert(f.name.clone(), v);
        s += f.ty.slots();
    }
    Value::Object(out)
}

fn record_json(fields: &[FieldDesc], r: &Record) -> Value {
    json!({"slots": r.slots(), "texts": texts(fields, r)})
}

fn file(c: &Case) -> Value {
    let layout = RecordLayout::new(&c.fields).expect("valid fields");
    let mut bytes = Vec::new();
    write_record(&layout, &c.written, &mut bytes);
    let read = read_record(&layout, &bytes).expect("a written record reads");
    let mut again = Vec::new();
    write_record(&layout, &read, &mut again);
    assert_eq!(
        again, bytes,
        "{}: what was read writes the same bytes",
        c.name
    );
    let flips: String = (0..bytes.len() * 8)
        .map(|bit| {
            let mut b = bytes.clone();
            b[bit / 8] ^= 1 << (bit % 8);
            if read_record(&layout, &b).is_ok() {
                '1'
            } else {
                '0'
            }
        })
        .collect();
    let cuts: String = (0..bytes.len())
        .map(|n| {
            if read_record(&layout, &bytes[..n]).is_ok() {
                '1'
            } else {
                '0'
            }
        })
        .collect();
    assert!(!cuts.contains('1'), "{}: a record cut short reads", c.name);
    let written = (read != c.written).then(|| record_json(&c.fields, &c.written));
    json!({
        "name": c.name,
        "note": c.note,
        "value": {
            "fields": c.fields,
            "record": record_json(&c.fields, &read),
            "values": values(&c.fields, &read),
            "written": written,
            "flips": flips,
            "cuts": cuts,
        },
        "hex": hex(&bytes),
    })
}

#[test]
fn record_vectors_match_the_file() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/vectors/replication/records.json");
    let all: Vec<Value> = cases().iter().map(file).collect();
    let text = serde_json::to_string_pretty(&all).expect("json") + "\n";
    if std::env::var("TICKWIRE_WRITE_VECTORS").is_ok_and(|v| v == "1") {
        std::fs::write(&path, text).expect("write the vectors");
        return;
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; run with TICKWIRE_WRITE_VECTORS=1 to create it",
            path.display()
        )
    });
    assert!(
        on_disk == text,
        "records.json differs from what the code produces; if the change is intended, rerun with TICKWIRE_WRITE_VECTORS=1"
    );
}

#[test]
fn the_arena_input_vector_is_the_angle_it_says() {
    // -2.5 rad in 65536 steps a turn: the note's 39460.
    assert_eq!(WireType::Angle { bits: 16 }.quantize(-2.5), 39460);
}
