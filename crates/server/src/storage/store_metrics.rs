//! [`StoreCollector`]: the store's counts as `tickwire_store_*` metrics, read at each scrape.

use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric};
use prometheus_client::metrics::counter::ConstCounter;
use prometheus_client::metrics::gauge::ConstGauge;
use tickwire_store::Store;

/// Exports the store's committed, dropped, failed and abandoned writes, results not stored
/// twice, batches, retries, outages, listener reconnects and queue length.
#[derive(Debug)]
pub struct StoreCollector(pub Store);

impl Collector for StoreCollector {
    fn encode(&self, mut encoder: DescriptorEncoder<'_>) -> Result<(), std::fmt::Error> {
        let stats = self.0.stats();
        let counters = [
            (
                "tickwire_store_writes_committed",
                "Writes committed to the database",
                stats.committed,
            ),
            (
                "tickwire_store_batches",
                "Transactions committed (one per batch of writes)",
                stats.batches,
            ),
            (
                "tickwire_store_writes_dropped",
                "Writes lost because the store's queue was full (or the store closed)",
                stats.dropped,
            ),
            (
                "tickwire_store_writes_failed",
                "Writes lost because the database refused them (or their transaction failed after retries)",
                stats.failed,
            ),
            (
                "tickwire_store_writes_abandoned",
                "Writes lost at shutdown: still queued when the store gave up waiting for an unreachable database",
                stats.abandoned,
            ),
            (
                "tickwire_store_duplicate_results",
                "Match results not stored twice: a result with the same key was already stored (a write tried again after its commit went through)",
                stats.duplicates,
            ),
            (
                "tickwire_store_batch_retries",
                "Failed attempts to commit a batch of writes that was kept and tried again",
                stats.retries,
            ),
            (
                "tickwire_store_outages",
                "Times the database stopped taking writes (they stayed queued until it was back)",
                stats.outages,
            ),
            (
                "tickwire_store_listener_reconnects",
                "Times the PostgreSQL listening connection was opened again after it was lost",
                stats.reconnects,
            ),
        ];
        for (name, help, value) in counters {
            let counter = ConstCounter::new(value);
            let metric = encoder.encode_descriptor(name, help, None, counter.metric_type())?;
            counter.encode(metric)?;
        }
        let gauge = ConstGauge::new(i64::try_from(stats.queued).unwrap_or(i64::MAX));
        let metric = encoder.encode_descriptor(
            "tickwire_store_queued_writes",
            "Writes waiting for the database",
            None,
            gauge.metric_type(),
        )?;
        gauge.encode(metric)
    }
}
