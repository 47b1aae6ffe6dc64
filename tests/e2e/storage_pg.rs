//! The PostgreSQL backend under real `tickwire` processes: two servers on one database, where a
//! match finished on one reaches a leaderboard subscriber of the other (how soon is printed); a row
//! written with `psql` reaching a subscribed client; and PostgreSQL stopped and started again
//! under a running server, which loses no match result and pushes the board again. Each test
//! runs its own throwaway PostgreSQL server and database; without PostgreSQL they skip loudly,
//! except under CI, where they fail.

use std::io::Write as _;
use std::net::SocketAddr;
use std::time::Instant;

use tickwire_client::GameClient;
use tickwire_protocol::LeaderboardEntry;
use tickwire_testkit::pg_cluster::{self, PgCluster};
use tokio::sync::mpsc;

use crate::harness::{LIMIT, ci_requires, wait_for};
use crate::process::ServerProcess;
use crate::storage::get;

fn cluster_or_skip(test: &str) -> Option<PgCluster> {
    if pg_cluster::bin_dir().is_none() {
        ci_requires("PostgreSQL", test, "apt-get install postgresql");
        return None;
    }
    Some(PgCluster::start().expect("start a PostgreSQL server"))
}

/// Joins as `name`, failing the test after [`LIMIT`].
async fn join(addr: SocketAddr, name: &str) -> GameClient {
    tokio::time::timeout(LIMIT, GameClient::join(addr, name))
        .await
        .expect("join in time")
        .expect("join")
}

/// The boards a subscriber received, each with when it came.
type Boards = mpsc::UnboundedReceiver<(Instant, Vec<LeaderboardEntry>)>;

/// Subscribes `client` to the leaderboard and hands every board it receives, with when it came,
/// to the returned channel; the client keeps being read (so its session stays healthy).
async fn boards(
    mut client: GameClient,
) -> mpsc::UnboundedReceiver<(Instant, Vec<LeaderboardEntry>)> {
    client.subscribe_leaderboard().await.expect("subscribe");
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok(rows) = client.next_leaderboard().await {
            if tx.send((Instant::now(), rows)).is_err() {
                break;
            }
        }
    });
    rx
}

/// The next board on `rx` that `wanted` takes, failing the test after [`LIMIT`].
async fn board_where(
    rx: &mut Boards,
    what: &str,
    wanted: impl Fn(Instant, &[LeaderboardEntry]) -> bool,
) -> (Instant, Vec<LeaderboardEntry>) {
    tokio::time::timeout(LIMIT, async {
        loop {
            let (at, rows) = rx.recv().await.expect("the subscriber's session ended");
            if wanted(at, &rows) {
                return (at, rows);
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("{what}: not within {LIMIT:?}"))
}

/// A server on `database` whose one match never ends (whatever its subscriber sees came
/// through the database), with a subscribed player, `watcher`: its boards, and the first one.
async fn watched_server(database: &str) -> (ServerProcess, Boards, Vec<LeaderboardEntry>) {
    let server =
        ServerProcess::start(&["--match-length", "0", "--bots", "0", "--database", database]).await;
    let mut watcher = boards(join(server.addr(), "watcher").await).await;
    let (_, first) = board_where(&mut watcher, "the first board", |_, _| true).await;
    (server, watcher, first)
}

/// Keeps reading `client`'s messages (a player whose session must stay healthy).
fn keep_reading(mut client: GameClient) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move { while client.recv().await.is_ok() {} })
}

/// The value of the metric `name` in `/metrics`.
async fn metric(addr: SocketAddr, name: &str) -> u64 {
    let (status, body) = get(addr, "/metrics").await;
    assert_eq!(status, 200);
    body.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or_else(|| panic!("no {name} in /metrics"))
}

#[tokio::test]
async fn two_server_processes_share_one_database_and_a_match_on_one_reaches_the_other() {
    let Some(pg) = cluster_or_skip("storage_pg::two_server_processes_share_one_database") else {
        return;
    };
    pg.create_db("two").expect("create");
    // Trusted without a password, so any will do; none may be shown.
    let with_password = pg.url("two").replacen("@", ":not-this-password@", 1);
    // Server A plays one-second matches; server B's never end, so whatever B's subscriber sees
    // about A's player came through the database.
    let a = ServerProcess::start(&[
        "--match-length",
        "1",
        "--bots",
        "1",
        "--database",
        &with_password,
    ])
    .await;
    let (b, mut watcher, first) = watched_server(&pg.url("two")).await;
    assert!(first.iter().all(|r| r.name != "on-a"), "{first:?}");

    let mut player = join(a.addr(), "on-a").await;
    let end = tokio::time::timeout(LIMIT, player.next_match_end())
        .await
        .expect("a match end on A in time")
        .expect("match end");
    let ended = Instant::now();
    assert!(end.scores.iter().any(|s| s.name == "on-a"), "{end:?}");
    let _player = keep_reading(player);
    let (at, board) = board_where(&mut watcher, "A's player on B's board", |_, rows| {
        rows.iter().any(|r| r.name == "on-a")
    })
    .await;
    // The property is that the board comes, pushed; how soon is information, not a bound.
    let waited = at.saturating_duration_since(ended);
    assert!(
        board.iter().any(|r| r.name == "on-a" && r.matches >= 1),
        "{board:?}"
    );
    let _ = writeln!(
        std::io::stderr(),
        "storage_pg: a match on A reached B's subscriber {waited:?} after A's player saw it end"
    );

    // The password is in no log line; the database is named with it hidden.
    let log = a.stderr_lines().join("\n");
    assert!(!log.contains("not-this-password"), "{log}");
    let opened = a.logged("storage: PostgreSQL");
    assert_eq!(
        opened[0]["fields"]["database"],
        with_password.replace("not-this-password", "***"),
        "{opened:?}"
    );
    drop((a, b));
    pg.drop_db("two").expect("drop");
}

#[tokio::test]
async fn a_row_inserted_then_deleted_with_psql_reaches_subscribers_on_two_server_processes() {
    let Some(pg) = cluster_or_skip(
        "storage_pg::a_row_inserted_then_deleted_with_psql_reaches_subscribers_on_two_server_processes",
    ) else {
        return;
    };
    pg.create_db("del").expect("create");
    let (a, mut on_a, _) = watched_server(&pg.url("del")).await;
    let (b, mut on_b, _) = watched_server(&pg.url("del")).await;
    pg.psql(
        "del",
        "INSERT INTO players (id, name, first_seen_ms, last_seen_ms, matches)
         VALUES ('gone-soon', 'deleted', 1, 1, 1);
         INSERT INTO standings (player_id, game, rating, matches, best, totals)
         VALUES ('gone-soon', 'arena', 7, 1, 7, '{\"kills\": 7}');",
    )
    .expect("insert");
    let listed = |_: Instant, rows: &[LeaderboardEntry]| rows.iter().any(|r| r.name == "deleted");
    let (_, board) = board_where(&mut on_a, "the row on A", listed).await;
    assert_eq!(
        (board[0].name.as_str(), board[0].totals.first()),
        ("deleted", Some(&7))
    );
    board_where(&mut on_b, "the row on B", listed).await;
    pg.psql(
        "del",
        "DELETE FROM standings WHERE player_id = 'gone-soon';
         DELETE FROM players WHERE id = 'gone-soon';",
    )
    .expect("delete");
    let deleted = Instant::now();
    let gone = |_: Instant, rows: &[LeaderboardEntry]| rows.iter().all(|r| r.name != "deleted");
    for (name, boards) in [("A", &mut on_a), ("B", &mut on_b)] {
        let (at, _) = board_where(boards, &format!("the delete on {name}"), gone).await;
        let waited = at.saturating_duration_since(deleted);
        let _ = writeln!(
            std::io::stderr(),
            "storage_pg: a psql DELETE reached {name}'s subscriber in {waited:?}"
        );
    }
    drop((a, b));
    pg.drop_db("del").expect("drop");
}

/// The `match ended` log lines whose result went on the store's queue.
fn queued_results(server: &ServerProcess) -> usize {
    server
        .logged("match ended")
        .iter()
        .filter(|v| v["fields"]["queued"] == true)
        .count()
}

#[tokio::test]
async fn postgres_restarted_under_a_running_server_loses_no_match_result_and_pushes_again() {
    let Some(pg) = cluster_or_skip("storage_pg::postgres_restarted_under_a_running_server") else {
        return;
    };
    pg.create_db("restart").expect("create");
    let mut server = ServerProcess::start(&[
        "--match-length",
        "1",
        "--bots",
        "0",
        "--shutdown-grace",
        "1",
        "--database",
        &pg.url("restart"),
    ])
    .await;
    let addr = server.addr();
    let _player = keep_reading(join(addr, "steady").await);
    let mut watcher = boards(join(addr, "watcher").await).await;
    wait_for(LIMIT, "two results stored", async || {
        let n = server.logged("match result stored").len();
        (n >= 2).then_some(()).ok_or(format!("{n} stored"))
    })
    .await;

    // PostgreSQL goes away (fast shutdown: every connection is cut) while matches go on.
    let pg = tokio::task::spawn_blocking(move || {
        pg.stop().expect("stop PostgreSQL");
        pg
    })
    .await
    .expect("stopped");
    let stopped = Instant::now();
    let before = queued_results(&server);
    // Matches go on and their results queue up while PostgreSQL is down; the store reports
    // the outage.
    let during = wait_for(
        LIMIT,
        "two matches ended and the outage counted while PostgreSQL is down",
        async || {
            let during = queued_results(&server) - before;
            let outages = metric(addr, "tickwire_store_outages_total").await;
            (during >= 2 && outages >= 1)
                .then_some(during)
                .ok_or(format!("{during} matches ended, {outages} outages"))
        },
    )
    .await;
    assert_eq!(metric(addr, "tickwire_store_outages_total").await, 1);
    assert!(metric(addr, "tickwire_store_queued_writes").await >= 1);
    let warned = server
        .logged("PostgreSQL cannot take writes; keeping them queued and trying again until it can");
    assert_eq!(warned.len(), 1, "one warning for the outage: {warned:?}");
    assert_eq!(warned[0]["level"], "WARN");

    let pg = tokio::task::spawn_blocking(move || {
        pg.start_again().expect("start PostgreSQL again");
        pg
    })
    .await
    .expect("started");
    let restarted = Instant::now();
    let down_for = restarted - stopped;
    // The subscriber is pushed a board again: the listener is back, and every result queued
    // until the restart (those kept during the outage too) is in it.
    let until_restart = queued_results(&server) as u32;
    let (pushed_at, _) = board_where(&mut watcher, "a board after the restart", |at, rows| {
        at > restarted
            && rows
                .iter()
                .any(|r| r.name == "steady" && r.matches >= until_restart)
    })
    .await;
    let push_after = pushed_at - restarted;
    wait_for(LIMIT, "the listener back", async || {
        let n = metric(addr, "tickwire_store_listener_reconnects_total").await;
        (n == 1).then_some(()).ok_or(format!("{n} reconnects"))
    })
    .await;
    assert_eq!(
        server
            .logged("PostgreSQL takes writes again; storing those kept meanwhile")
            .len(),
        1
    );
    assert_eq!(
        server
            .logged("PostgreSQL listener connected again; live updates go on")
            .len(),
        1
    );

    // A graceful stop takes the last writes; then every result the server queued is stored,
    // once, whole.
    server.sigterm();
    assert_eq!(server.exited(LIMIT).await, Some(0));
    let queued = queued_results(&server);
    let stored = server.logged("match result stored").len();
    let count = |sql: &str| pg.psql("restart", sql).expect("psql");
    assert_eq!(count("SELECT COUNT(*) FROM matches"), queued.to_string());
    assert_eq!(stored, queued);
    assert_eq!(
        count(
            "SELECT COUNT(*) FROM matches m WHERE NOT EXISTS (SELECT 1 FROM match_players p
             WHERE p.match_id = m.id AND p.player_id = 'guest:steady')"
        ),
        "0",
        "a match without its player's line"
    );
    assert_eq!(
        count("SELECT matches FROM players WHERE id = 'guest:steady'"),
        queued.to_string()
    );
    assert!(
        !server
            .stderr_lines()
            .iter()
            .any(|l| l.contains("a write to the store was lost") || l.contains("it is lost")),
        "a write was lost"
    );
    let _ = writeln!(
        std::io::stderr(),
        "storage_pg: PostgreSQL down {down_for:?}, {during} matches ended meanwhile; \
         first board after the restart {push_after:?} later; {queued} results stored"
    );
    pg.drop_db("restart").expect("drop");
}
