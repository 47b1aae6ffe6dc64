//! `ConnectionGate`: the limits on open connections, in total and per client address.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;

use parking_lot::Mutex;
use prometheus_client::metrics::gauge::Gauge;

use crate::telemetry::metrics::ConnectionRefusal as Refused;

#[derive(Debug, Default)]
struct Counts {
    total: usize,
    by_ip: HashMap<IpAddr, usize>,
}

/// Counts open connections; one [`Permit`] per accepted connection, given back on drop.
#[derive(Debug)]
pub(crate) struct ConnectionGate {
    max_total: usize,
    max_per_ip: usize,
    counts: Arc<Mutex<Counts>>,
    open: Gauge,
}

/// An open connection's place; dropping it frees the place.
#[derive(Debug)]
pub(crate) struct Permit {
    ip: IpAddr,
    counts: Arc<Mutex<Counts>>,
    open: Gauge,
}

impl ConnectionGate {
    /// A gate for `max_total` connections and `max_per_ip` per address (0: no per-address
    /// limit), showing the connections open in `open`.
    pub(crate) fn new(max_total: usize, max_per_ip: usize, open: Gauge) -> ConnectionGate {
        ConnectionGate {
            max_total,
            max_per_ip,
            counts: Arc::default(),
            open,
        }
    }

    /// A place for a connection from `ip`, or why there is none. The map holds only addresses
    /// with open connections, so it is bounded by the total limit.
    pub(crate) fn admit(&self, ip: IpAddr) -> Result<Permit, Refused> {
        let mut c = self.counts.lock();
        if c.total >= self.max_total {
            return Err(Refused::Total);
        }
        let here = c.by_ip.entry(ip).or_insert(0);
        if self.max_per_ip != 0 && *here >= self.max_per_ip {
            return Err(Refused::PerAddress);
        }
        *here += 1;
        c.total += 1;
        self.open.inc();
        Ok(Permit {
            ip,
            counts: self.counts.clone(),
            open: self.open.clone(),
        })
    }

    /// Connections open now.
    #[cfg(test)]
    pub(crate) fn open(&self) -> usize {
        self.counts.lock().total
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        self.open.dec();
        let mut c = self.counts.lock();
        c.total = c.total.saturating_sub(1);
        if let Some(n) = c.by_ip.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                c.by_ip.remove(&self.ip);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_hold_and_places_come_back() {
        let gate = ConnectionGate::new(3, 2, Gauge::default());
        let a: IpAddr = [10, 0, 0, 1].into();
        let b: IpAddr = [10, 0, 0, 2].into();
        let p1 = gate.admit(a).expect("first");
        let _p2 = gate.admit(a).expect("second");
        assert_eq!(gate.admit(a).err(), Some(Refused::PerAddress));
        let _p3 = gate.admit(b).expect("another address");
        assert_eq!(gate.admit(b).err(), Some(Refused::Total));
        drop(p1);
        assert_eq!((gate.open(), gate.open.get()), (2, 2));
        let _p4 = gate.admit(a).expect("a place came back");
        let unlimited = ConnectionGate::new(100, 0, Gauge::default());
        let many: Vec<_> = (0..50)
            .map(|_| unlimited.admit(a).expect("no per-address limit"))
            .collect();
        assert_eq!(unlimited.open(), many.len());
        drop(many);
        assert!(
            unlimited.counts.lock().by_ip.is_empty(),
            "nothing left behind"
        );
    }
}
