//! What the server counts: the `prometheus-client` registry (`Metrics`), the netcode and abuse
//! counters, and the process's CPU and memory. `process_stats` is public: the load generator
//! reads the same figures and raises the same open-file limit.

pub(crate) mod abuse_metrics;
pub(crate) mod metrics;
pub(crate) mod netcode_metrics;
pub mod process_stats;
pub(crate) mod send_tally;
