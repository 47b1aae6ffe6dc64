//! `NetcodeMetrics`: the link conditioner's settings and counters, and how players' inputs
//! met their ticks (repeated, dropped) and how far shots were judged in the past.

use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

use crate::link_sim::LinkSim;

/// Exported under `tickwire_link_sim_*`, `tickwire_inputs_repeated`, `tickwire_inputs_surplus`
/// and `tickwire_rewind_*`.
#[derive(Debug, Default)]
pub struct NetcodeMetrics {
    /// The conditioner's latency setting, ms (0: off).
    pub latency_ms: Gauge,
    /// The conditioner's jitter setting, ms.
    pub jitter_ms: Gauge,
    /// The conditioner's stall period, ms (0: no stalls).
    pub stall_every_ms: Gauge,
    /// The conditioner's stall length, ms.
    pub stall_ms: Gauge,
    /// Bytes that went through the conditioner, both directions.
    pub bytes_delayed: Counter,
    /// Chunks that a stall held.
    pub chunks_stalled: Counter,
    /// Times a conditioned direction was full and stopped reading.
    pub queue_full: Counter,
    /// Ticks on which a player's input had not arrived and its last one was applied again.
    pub inputs_repeated: Counter,
    /// Inputs dropped because a player's queue ran past what it may hold (a client that ignores
    /// its pace): each cost that player a tick of motion its client predicted.
    pub inputs_surplus: Counter,
    /// Shots judged against the past (lag compensation), and the ticks rewound in total.
    pub rewound_shots: Counter,
    /// Ticks rewound, summed over `rewound_shots`.
    pub rewound_ticks: Counter,
}

impl NetcodeMetrics {
    /// Shows the conditioner's settings.
    pub fn show_settings(&self, sim: &LinkSim) {
        let ms = |d: std::time::Duration| i64::try_from(d.as_millis()).unwrap_or(i64::MAX);
        self.latency_ms.set(ms(sim.latency));
        self.jitter_ms.set(ms(sim.jitter));
        self.stall_every_ms.set(ms(sim.stall_every));
        self.stall_ms.set(ms(sim.stall));
    }

    /// Registers every metric of this group.
    pub(crate) fn register(&self, r: &mut Registry) {
        let gauges = [
            (
                "tickwire_link_sim_latency_ms",
                "Link conditioner: latency added each way, ms (0: off)",
                &self.latency_ms,
            ),
            (
                "tickwire_link_sim_jitter_ms",
                "Link conditioner: jitter each way, ms",
                &self.jitter_ms,
            ),
            (
                "tickwire_link_sim_stall_every_ms",
                "Link conditioner: a stall every this many ms (0: none)",
                &self.stall_every_ms,
            ),
            (
                "tickwire_link_sim_stall_ms",
                "Link conditioner: length of a stall, ms",
                &self.stall_ms,
            ),
        ];
        for (name, help, gauge) in gauges {
            r.register(name, help, gauge.clone());
        }
        let counters = [
            (
                "tickwire_link_sim_bytes",
                "Link conditioner: bytes delayed, both directions",
                &self.bytes_delayed,
            ),
            (
                "tickwire_link_sim_chunks_stalled",
                "Link conditioner: chunks held by a stall",
                &self.chunks_stalled,
            ),
            (
                "tickwire_link_sim_queue_full",
                "Link conditioner: times a direction was full and stopped reading",
                &self.queue_full,
            ),
            (
                "tickwire_inputs_repeated",
                "Ticks on which a player's input was missing and its last one was applied again",
                &self.inputs_repeated,
            ),
            (
                "tickwire_inputs_surplus",
                "Inputs dropped because a player's queue ran past what its pace allows",
                &self.inputs_surplus,
            ),
            (
                "tickwire_rewound_shots",
                "Shots judged against the world as their shooter saw it",
                &self.rewound_shots,
            ),
            (
                "tickwire_rewound_ticks",
                "Ticks rewound for judged shots, in total",
                &self.rewound_ticks,
            ),
        ];
        for (name, help, counter) in counters {
            r.register(name, help, counter.clone());
        }
    }
}
