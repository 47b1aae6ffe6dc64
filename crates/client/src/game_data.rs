//! What a client reads and writes by the schema besides the world: its inputs (records of the
//! schema's input fields), the game's events, the scoreboard's columns and the map's features.
//! Each works on a [`Schema`] alone (the one in the server's `Welcome`), with no code of the
//! game's; [`GameClient`](crate::GameClient) offers them on its own schema.

use tickwire_protocol::{
    Baselines, GameEventMsg, Input, KindDesc, MapInfo, Record, RecordView, Schema, World,
    apply_delta, read_record, write_record,
};

use crate::ClientError;

/// Input `seq` holding `record` (written by the schema's input fields), sampled while the
/// client showed the world of `view_tick` (0: unknown).
pub fn input(schema: &Schema, seq: u32, view_tick: u32, record: &Record) -> Input {
    let mut data = Vec::new();
    write_record(schema.input(), record, &mut data);
    Input {
        seq,
        view_tick,
        data,
    }
}

/// A game event read by its kind in the schema.
#[derive(Clone, Debug, PartialEq)]
pub struct Event<'s> {
    /// Its kind's declaration (the name, `kill`, and the fields).
    pub kind: &'s KindDesc,
    /// Its values; read them as a Rust type with [`Record::read`], or by name with
    /// [`Event::fields`].
    pub record: Record,
}

impl Event<'_> {
    /// The kind's name.
    pub fn name(&self) -> &str {
        &self.kind.name
    }

    /// The values, read by field name.
    pub fn fields(&self) -> RecordView<'_> {
        RecordView::new(&self.kind.fields, &self.record)
    }
}

/// Reads `msg` by its kind in `schema`; an error for a kind the schema lacks or a record that
/// does not decode.
pub fn event<'s>(schema: &'s Schema, msg: &GameEventMsg) -> Result<Event<'s>, ClientError> {
    let unknown = || ClientError::Unexpected(format!("an event of kind {}", msg.kind));
    let kind = schema
        .desc()
        .events
        .get(usize::from(msg.kind))
        .ok_or_else(unknown)?;
    let layout = schema.event_layout(msg.kind).ok_or_else(unknown)?;
    Ok(Event {
        kind,
        record: read_record(layout, &msg.data)?,
    })
}

/// The value of the score column called `column` in a scoreboard line's (or a match line's)
/// `columns`, if the schema has it.
pub fn score(schema: &Schema, columns: &[i32], column: &str) -> Option<i32> {
    columns.get(schema.score_column(column)?).copied()
}

/// The map's features as a world of the schema's kinds (empty when the map has none).
pub fn map_features(schema: &Schema, map: &MapInfo) -> Result<World, ClientError> {
    let mut world = World::default();
    if !map.features.is_empty() {
        apply_delta(schema, &map.features, Baselines::default(), &mut world)?;
    }
    Ok(world)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tickwire_protocol::{
        FieldDesc, KindDesc, SchemaDesc, ScoreColumn, WireType, replication::InputDesc,
        replication::Intent,
    };

    fn schema() -> Schema {
        Schema::new(SchemaDesc {
            game: "g".into(),
            version: 1,
            kinds: vec![KindDesc::new(
                "wall",
                vec![FieldDesc::new("at", WireType::Vec2 { step: 1.0 })],
            )],
            input: InputDesc {
                fields: vec![FieldDesc::new("jump", WireType::Bool)],
                intent: vec![Intent::Always],
            },
            events: vec![KindDesc::new(
                "kill",
                vec![FieldDesc::new("victim", WireType::Int { min: 0, max: 99 })],
            )],
            scores: vec![ScoreColumn::new("kills", 1), ScoreColumn::new("deaths", -1)],
        })
        .expect("valid")
    }

    #[test]
    fn inputs_events_scores_and_features_go_by_the_schema() {
        let s = schema();
        let jump = Record::build(|w| {
            w.value(1);
        });
        let i = input(&s, 7, 3, &jump);
        assert_eq!((i.seq, i.view_tick, i.data.as_slice()), (7, 3, &[1][..]));

        let mut data = Vec::new();
        let victim = Record::build(|w| {
            w.value(42);
        });
        write_record(s.event_layout(0).expect("kill"), &victim, &mut data);
        let e = event(&s, &GameEventMsg { kind: 0, data }).expect("reads");
        assert_eq!(
            (e.name(), e.fields().number("victim")),
            ("kill", Some(42.0))
        );
        assert!(
            event(
                &s,
                &GameEventMsg {
                    kind: 1,
                    data: vec![]
                }
            )
            .is_err()
        );
        assert!(
            event(
                &s,
                &GameEventMsg {
                    kind: 0,
                    data: vec![0xff; 3]
                }
            )
            .is_err()
        );

        assert_eq!(score(&s, &[3, 4], "deaths"), Some(4));
        assert_eq!(score(&s, &[3, 4], "laps"), None);

        let none = MapInfo::default();
        assert!(map_features(&s, &none).expect("empty").is_empty());
    }
}
