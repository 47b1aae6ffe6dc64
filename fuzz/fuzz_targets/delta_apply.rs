//! Any bytes, as a delta body against a fixed baseline and previous world: reading and applying
//! return a world or an error, never panic, and what decodes applies to a sorted world. The fast
//! reader (`DeltaBody::apply_into`) gives exactly what `Delta::read` + `apply` give.
#![no_main]

use tickwire_protocol::{Baselines, Delta, DeltaBody, EntityId, EntityKind, EntityState, Tick, WorldState};

fn world(tick: u32, shift: i32) -> WorldState {
    WorldState {
        tick: Tick(tick),
        entities: (1..=40)
            .map(|i| EntityState {
                id: EntityId(i * 3),
                kind: EntityKind::Prop,
                x: i as i32 * 100 + shift,
                y: -(i as i32) * 50,
                angle: i as u8,
                hp: 100,
            })
            .collect(),
    }
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let previous = world(8, 0);
    let baseline = world(10, 7);
    for worlds in [
        Baselines::default(),
        Baselines {
            baseline: Some(&baseline),
            previous: Some(&previous),
        },
    ] {
        let general = Delta::read(data, worlds)
            .ok()
            .and_then(|delta| delta.apply(worlds.baseline).ok());
        if let Some(next) = &general {
            assert!(next.is_sorted());
        }
        let mut out = WorldState::default();
        let fast = DeltaBody::apply_into(data, worlds, &mut out).ok().map(|_| out);
        assert_eq!(fast, general);
    }
});
