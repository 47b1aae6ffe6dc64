//! Reading a server's Prometheus `/metrics` over plain HTTP (hyper's HTTP/1.1 client), and
//! figures over a window from two scrapes: histogram quantiles from the difference of cumulative
//! buckets, counter rates.

use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use http::{Request, StatusCode, header};
use http_body_util::{BodyExt, Empty, Limited};
use hyper_util::rt::TokioIo;
use tokio::task::JoinHandle;

/// Largest `/metrics` body read, in bytes.
const MAX_BODY: usize = 4 << 20;

/// Why a scrape failed.
#[derive(Debug, thiserror::Error)]
pub enum ScrapeError {
    /// Connecting failed.
    #[error("metrics request: {0}")]
    Io(#[from] std::io::Error),
    /// The HTTP exchange failed (the connection broke, or the answer was not HTTP/1.1).
    #[error("metrics request: {0}")]
    Http(#[from] hyper::Error),
    /// No complete answer within the time limit.
    #[error("metrics request timed out")]
    Timeout,
    /// The answer was not an HTTP 200 with a readable body.
    #[error("bad metrics response: {0}")]
    BadResponse(String),
}

/// One sample line: `name{labels} value`.
#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    /// Metric name.
    pub name: String,
    /// The label pairs, in the order written.
    pub labels: Vec<(String, String)>,
    /// The value (`+Inf`, `-Inf` and `NaN` are read as such).
    pub value: f64,
}

/// Every sample of one scrape.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scrape {
    /// The samples in the order written.
    pub samples: Vec<Sample>,
}

/// A histogram's cumulative buckets: `(upper bound, count)` sorted by bound, `+Inf` last.
pub type Buckets = Vec<(f64, f64)>;

impl Scrape {
    /// Parses the Prometheus text format (and OpenMetrics text, its successor). Comments of any
    /// kind (`# HELP`, `# TYPE`, `# UNIT`, `# EOF`), blank lines and lines that do not parse are
    /// skipped; a timestamp after the value is ignored.
    pub fn parse(text: &str) -> Scrape {
        Scrape {
            samples: text.lines().filter_map(parse_line).collect(),
        }
    }

    /// The value of the first sample named `name`, whatever its labels.
    pub fn value(&self, name: &str) -> Option<f64> {
        self.samples
            .iter()
            .find(|s| s.name == name)
            .map(|s| s.value)
    }

    /// The cumulative buckets of histogram `name` (its `name_bucket` samples with an `le` label).
    pub fn buckets(&self, name: &str) -> Buckets {
        let bucket = format!("{name}_bucket");
        let mut out: Buckets = self
            .samples
            .iter()
            .filter(|s| s.name == bucket)
            .filter_map(|s| {
                let le = s.labels.iter().find(|(k, _)| k == "le")?;
                Some((parse_value(&le.1)?, s.value))
            })
            .collect();
        out.sort_by(|a, b| a.0.total_cmp(&b.0));
        out
    }
}

fn parse_value(s: &str) -> Option<f64> {
    match s {
        "+Inf" | "Inf" => Some(f64::INFINITY),
        "-Inf" => Some(f64::NEG_INFINITY),
        "NaN" => Some(f64::NAN),
        _ => s.parse().ok(),
    }
}

fn parse_line(line: &str) -> Option<Sample> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return None;
    }
    let name_end = line.find(|c: char| c == '{' || c.is_whitespace())?;
    let name = &line[..name_end];
    let mut rest = &line[name_end..];
    let mut labels = Vec::new();
    if let Some(body) = rest.strip_prefix('{') {
        let (parsed, after) = parse_labels(body)?;
        labels = parsed;
        rest = after;
    }
    let value = parse_value(rest.split_whitespace().next()?)?;
    Some(Sample {
        name: name.to_owned(),
        labels,
        value,
    })
}

/// Parses `k="v",k2="v2"}` (after the `{`), returning the pairs and what follows the `}`.
fn parse_labels(mut s: &str) -> Option<(Vec<(String, String)>, &str)> {
    let mut labels = Vec::new();
    loop {
        s = s.trim_start_matches([' ', ',']);
        if let Some(after) = s.strip_prefix('}') {
            return Some((labels, after));
        }
        let eq = s.find('=')?;
        let key = s[..eq].trim().to_owned();
        s = s[eq + 1..].trim_start().strip_prefix('"')?;
        let mut value = String::new();
        let mut chars = s.char_indices();
        let end = loop {
            match chars.next()? {
                (i, '"') => break i,
                (_, '\\') => match chars.next()?.1 {
                    'n' => value.push('\n'),
                    c => value.push(c),
                },
                (_, c) => value.push(c),
            }
        };
        labels.push((key, value));
        s = &s[end + 1..];
    }
}

/// How many observations of `end - start` fell in each bucket (cumulative), bucket by bucket.
/// Buckets are matched by bound; a bound missing from `start` counts from zero (a fresh server).
fn window(start: &Buckets, end: &Buckets) -> Buckets {
    end.iter()
        .map(|&(le, n)| {
            let before = start
                .iter()
                .find(|(b, _)| *b == le)
                .map_or(0.0, |&(_, c)| c);
            (le, (n - before).max(0.0))
        })
        .collect()
}

/// The upper bound of the bucket holding quantile `q` of the observations made between two
/// scrapes; `None` when nothing was observed. `+Inf` when it lies past the last finite bound.
pub fn window_quantile(start: &Buckets, end: &Buckets, q: f64) -> Option<f64> {
    let w = window(start, end);
    let total = w.last()?.1;
    if total <= 0.0 {
        return None;
    }
    let rank = (q.clamp(0.0, 1.0) * total).ceil().max(1.0);
    w.iter().find(|&&(_, n)| n >= rank).map(|&(le, _)| le)
}

/// The upper bound of the highest bucket that grew between two scrapes; `None` when none did.
pub fn window_max(start: &Buckets, end: &Buckets) -> Option<f64> {
    let w = window(start, end);
    // Cumulative counts: a bucket grew when its own count (cumulative minus the one below) did.
    let mut below = 0.0;
    let mut max = None;
    for &(le, n) in &w {
        if n > below {
            max = Some(le);
        }
        below = n;
    }
    max
}

/// Fetches `http://addr/metrics` within `limit`, sending `host` as the `Host` header. Anything
/// but a 200 with a UTF-8 body of at most 4 MiB is an error.
pub async fn fetch(addr: SocketAddr, host: &str, limit: Duration) -> Result<Scrape, ScrapeError> {
    let text = tokio::time::timeout(limit, fetch_text(addr, host))
        .await
        .map_err(|_| ScrapeError::Timeout)??;
    Ok(Scrape::parse(&text))
}

/// Aborts the task it holds when dropped, so that a scrape cut short leaves no connection behind.
struct AbortOnDrop(JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

async fn fetch_text(addr: SocketAddr, host: &str) -> Result<String, ScrapeError> {
    let bad = |why: String| ScrapeError::BadResponse(why);
    let stream = tokio::net::TcpStream::connect(addr).await?;
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    // The connection does the reading and writing; it ends when the answer is in and `sender` is
    // dropped (or is aborted with this future).
    let _connection = AbortOnDrop(tokio::spawn(async move {
        if let Err(e) = connection.await {
            tracing::debug!(error = %e, "metrics connection");
        }
    }));
    let request = Request::get("/metrics")
        .header(header::HOST, host)
        .header(header::ACCEPT, "text/plain")
        .header(header::CONNECTION, "close")
        .body(Empty::<Bytes>::new())
        .map_err(|e| bad(format!("cannot make the request: {e}")))?;
    let response = sender.send_request(request).await.map_err(|e| {
        if e.is_canceled() || e.is_incomplete_message() {
            bad(
                "the server closed the connection without answering (a server at its connection \
                 limits refuses this request too: --max-connections-per-ip counts the load \
                 generator's clients and its /metrics requests alike)"
                    .into(),
            )
        } else {
            ScrapeError::Http(e)
        }
    })?;
    if response.status() != StatusCode::OK {
        return Err(bad(format!("status {}", response.status())));
    }
    let body = Limited::new(response.into_body(), MAX_BODY)
        .collect()
        .await
        .map_err(|e| bad(format!("body: {e}")))?
        .to_bytes();
    String::from_utf8(body.into()).map_err(|_| bad("body is not UTF-8".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"# HELP tickwire_ticks_total Simulation ticks run.
# TYPE tickwire_ticks_total counter
tickwire_ticks_total 1200
tickwire_sessions_closed_total{reason="bad_frame"} 3
weird{a="x\"y\\z",b="2"} 7 1700000000
process_cpu_seconds_total 1.25
tickwire_tick_duration_seconds_bucket{le="0.00001"} 10
tickwire_tick_duration_seconds_bucket{le="0.001"} 90
tickwire_tick_duration_seconds_bucket{le="0.01"} 99
tickwire_tick_duration_seconds_bucket{le="+Inf"} 100
tickwire_tick_duration_seconds_sum 0.3
tickwire_tick_duration_seconds_count 100
not a sample line
"#;

    #[test]
    fn parses_samples_and_labels() {
        let s = Scrape::parse(TEXT);
        assert_eq!(s.value("tickwire_ticks_total"), Some(1200.0));
        assert_eq!(s.value("process_cpu_seconds_total"), Some(1.25));
        assert_eq!(s.value("tickwire_sessions_closed_total"), Some(3.0));
        assert_eq!(s.value("process_resident_memory_bytes"), None);
        let weird = s.samples.iter().find(|x| x.name == "weird").expect("weird");
        assert_eq!(weird.value, 7.0);
        assert_eq!(
            weird.labels,
            vec![("a".into(), "x\"y\\z".into()), ("b".into(), "2".into())]
        );
        let b = s.buckets("tickwire_tick_duration_seconds");
        assert_eq!(
            b,
            vec![
                (0.00001, 10.0),
                (0.001, 90.0),
                (0.01, 99.0),
                (f64::INFINITY, 100.0)
            ]
        );
    }

    #[test]
    fn quantiles_over_a_window() {
        let start = vec![
            (0.001, 10.0),
            (0.002, 10.0),
            (0.004, 10.0),
            (f64::INFINITY, 10.0),
        ];
        // 100 new observations: 60 under 1 ms, 39 in (1, 2] ms, 1 in (2, 4] ms.
        let end = vec![
            (0.001, 70.0),
            (0.002, 109.0),
            (0.004, 110.0),
            (f64::INFINITY, 110.0),
        ];
        assert_eq!(window_quantile(&start, &end, 0.5), Some(0.001));
        assert_eq!(window_quantile(&start, &end, 0.6), Some(0.001));
        assert_eq!(window_quantile(&start, &end, 0.61), Some(0.002));
        assert_eq!(window_quantile(&start, &end, 0.99), Some(0.002));
        assert_eq!(window_quantile(&start, &end, 1.0), Some(0.004));
        assert_eq!(window_max(&start, &end), Some(0.004));
        // Nothing new.
        assert_eq!(window_quantile(&end, &end, 0.5), None);
        assert_eq!(window_max(&end, &end), None);
        // Past the last finite bound.
        let late = vec![
            (0.001, 70.0),
            (0.002, 109.0),
            (0.004, 110.0),
            (f64::INFINITY, 111.0),
        ];
        assert_eq!(window_max(&end, &late), Some(f64::INFINITY));
        // A fresh server: the start scrape had no buckets.
        assert_eq!(window_quantile(&Vec::new(), &start, 0.5), Some(0.001));
    }

    #[test]
    fn skips_openmetrics_comments() {
        let text = "# TYPE tickwire_ticks counter\n\
# UNIT tickwire_tick_duration_seconds seconds\n\
# HELP tickwire_ticks Simulation ticks run.\n\
tickwire_ticks_total 42\n\
tickwire_ticks_created 1.7e9\n\
tickwire_tick_duration_seconds_bucket{le=\"0.001\"} 5\n\
tickwire_tick_duration_seconds_bucket{le=\"+Inf\"} 6\n\
# EOF\n";
        let s = Scrape::parse(text);
        assert_eq!(s.samples.len(), 4, "{s:?}");
        assert_eq!(s.value("tickwire_ticks_total"), Some(42.0));
        assert_eq!(
            s.buckets("tickwire_tick_duration_seconds"),
            vec![(0.001, 5.0), (f64::INFINITY, 6.0)]
        );
    }

    /// A server on loopback that answers one request with `response` (headers and body as
    /// written), or never answers when it is `None`; returns its address.
    async fn serve_once(response: Option<&'static [u8]>) -> SocketAddr {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("address");
        tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.expect("accept");
            let mut request = Vec::new();
            let mut buf = [0u8; 1024];
            while !request.ends_with(b"\r\n\r\n") {
                let n = socket.read(&mut buf).await.expect("read");
                if n == 0 {
                    return;
                }
                request.extend_from_slice(&buf[..n]);
            }
            let request = String::from_utf8(request).expect("text");
            assert!(
                request.starts_with("GET /metrics HTTP/1.1\r\n"),
                "{request}"
            );
            assert!(
                request
                    .to_ascii_lowercase()
                    .contains("host: metrics.test:9\r\n"),
                "{request}"
            );
            match response {
                Some(r) => socket.write_all(r).await.expect("write"),
                None => std::future::pending().await,
            }
        });
        addr
    }

    const LIMIT: Duration = Duration::from_secs(5);

    #[tokio::test]
    async fn fetches_plain_and_chunked_bodies() {
        let plain =
            b"HTTP/1.1 200 OK\r\ncontent-length: 31\r\n\r\n# TYPE a counter\na_total 1\nb 2\n";
        let addr = serve_once(Some(plain)).await;
        let s = fetch(addr, "metrics.test:9", LIMIT).await.expect("plain");
        assert_eq!((s.value("a_total"), s.value("b")), (Some(1.0), Some(2.0)));

        let chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\
            a\r\na_total 1\n\r\n4\r\nb 2\n\r\n0\r\n\r\n";
        let addr = serve_once(Some(chunked)).await;
        let s = fetch(addr, "metrics.test:9", LIMIT).await.expect("chunked");
        assert_eq!((s.value("a_total"), s.value("b")), (Some(1.0), Some(2.0)));
    }

    #[tokio::test]
    async fn a_failed_scrape_is_an_error() {
        let not_found = b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n";
        let addr = serve_once(Some(not_found)).await;
        let e = fetch(addr, "metrics.test:9", LIMIT).await.expect_err("404");
        assert!(
            matches!(&e, ScrapeError::BadResponse(why) if why.contains("404")),
            "{e}"
        );

        let cut = b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\na_total 1\n";
        let addr = serve_once(Some(cut)).await;
        assert!(fetch(addr, "metrics.test:9", LIMIT).await.is_err());

        let addr = serve_once(None).await;
        let e = fetch(addr, "metrics.test:9", Duration::from_millis(200))
            .await
            .expect_err("no answer");
        assert!(matches!(e, ScrapeError::Timeout), "{e}");
    }
}
