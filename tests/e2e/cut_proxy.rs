//! `CutProxy`: a TCP forwarder between a test's client and the server whose connections the
//! test can cut at once, without a WebSocket close: a network that drops, for a browser that
//! cannot be told to lose its socket from inside the page.

use std::net::SocketAddr;
use std::sync::Arc;

use parking_lot::Mutex;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// Forwards every connection made to [`CutProxy::addr`] to the target.
pub struct CutProxy {
    addr: SocketAddr,
    conns: Arc<Mutex<Vec<JoinHandle<()>>>>,
    accept: JoinHandle<()>,
}

impl CutProxy {
    /// A proxy on an ephemeral loopback port in front of `target`.
    pub async fn start(target: SocketAddr) -> CutProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("address");
        let conns: Arc<Mutex<Vec<JoinHandle<()>>>> = Arc::default();
        let held = conns.clone();
        let accept = tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let task = tokio::spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                let mut conns = held.lock();
                conns.retain(|t| !t.is_finished());
                conns.push(task);
            }
        });
        CutProxy {
            addr,
            conns,
            accept,
        }
    }

    /// Where clients connect.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Drops every connection open now, both ways, with no close frame; later ones go through.
    pub fn cut(&self) -> usize {
        let cut: Vec<_> = self.conns.lock().drain(..).collect();
        for task in &cut {
            task.abort();
        }
        cut.len()
    }
}

impl Drop for CutProxy {
    fn drop(&mut self) {
        self.accept.abort();
        self.cut();
    }
}
