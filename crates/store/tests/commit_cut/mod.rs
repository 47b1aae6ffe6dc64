//! `CommitCut`: a TCP forwarder between a store and its PostgreSQL server on loopback. Once
//! armed, it lets the next `COMMIT` through to the server, waits for the server's answer, and
//! cuts that connection instead of passing the answer on: the transaction is committed and the
//! store cannot know it. Every other byte goes through as it is.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering::SeqCst};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The simple query a transaction's commit sends, and the tag of the server's answer to it: in
/// the wire protocol both are the text `COMMIT` ended by a NUL byte.
const COMMIT: &[u8] = b"COMMIT\0";

/// A running forwarder; it stops when dropped.
pub struct CommitCut {
    addr: SocketAddr,
    armed: Arc<AtomicBool>,
    cuts: Arc<AtomicU32>,
    task: tokio::task::JoinHandle<()>,
}

impl CommitCut {
    /// Forwards a free loopback port to the server on loopback port `server`.
    pub async fn start(server: u16) -> CommitCut {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("address");
        let armed = Arc::new(AtomicBool::new(false));
        let cuts = Arc::new(AtomicU32::new(0));
        let (task_armed, task_cuts) = (armed.clone(), cuts.clone());
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                tokio::spawn(forward(
                    client,
                    server,
                    task_armed.clone(),
                    task_cuts.clone(),
                ));
            }
        });
        CommitCut {
            addr,
            armed,
            cuts,
            task,
        }
    }

    /// The port to connect to.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Cuts the connection that sends the next `COMMIT`, once the server has answered it.
    pub fn arm(&self) {
        self.armed.store(true, SeqCst);
    }

    /// Connections cut so far.
    pub fn cuts(&self) -> u32 {
        self.cuts.load(SeqCst)
    }
}

impl Drop for CommitCut {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn holds_commit(bytes: &[u8]) -> bool {
    bytes.windows(COMMIT.len()).any(|w| w == COMMIT)
}

/// Forwards one connection both ways until either side ends it, or until the answer to an armed
/// `COMMIT` arrives: then both sockets are dropped and the answer with them.
async fn forward(client: TcpStream, server: u16, armed: Arc<AtomicBool>, cuts: Arc<AtomicU32>) {
    let Ok(upstream) = TcpStream::connect(("127.0.0.1", server)).await else {
        return;
    };
    let (mut client_read, mut client_write) = client.into_split();
    let (mut server_read, mut server_write) = upstream.into_split();
    let cutting = AtomicBool::new(false);
    let up = async {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = match client_read.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => n,
            };
            // Marked before the COMMIT leaves, so that its answer cannot come back unseen.
            if holds_commit(&buf[..n]) && armed.swap(false, SeqCst) {
                cutting.store(true, SeqCst);
            }
            if server_write.write_all(&buf[..n]).await.is_err() {
                return;
            }
        }
    };
    let down = async {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = match server_read.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => n,
            };
            if cutting.load(SeqCst) && holds_commit(&buf[..n]) {
                cuts.fetch_add(1, SeqCst);
                return;
            }
            if client_write.write_all(&buf[..n]).await.is_err() {
                return;
            }
        }
    };
    tokio::select! {
        () = up => {}
        () = down => {}
    }
}
