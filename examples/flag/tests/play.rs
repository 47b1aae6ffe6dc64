//! Capture the flag played over real WebSockets on loopback by two headless clients on opposite
//! teams: ada (red) takes blue's flag and brings it home, and bob's client sees her carry it and
//! red's score go to 1; both hear the capture event, only ada hears that she has the flag, and
//! the scoreboard's `captures` column counts it. Then a tag: bob runs at ada while she holds his
//! flag, and both hear it. Inputs go out as records of the schema's input, the bases come from
//! the Welcome's map features, and every field is read by name through the schema the server
//! sent.

use std::net::SocketAddr;
use std::time::Duration;

use tickwire_client::game_data::score;
use tickwire_client::{ClientWorld, GameClient, Received};
use tickwire_example_flag::field::{BASE_RADIUS, TAG_REACH};
use tickwire_example_flag::{
    CaptureEvent, CarrierEvent, FlagGame, FlagInput, ReturnEvent, TagEvent, Team,
};
use tickwire_protocol::{EntityId, EntityView, Record, ScoreEntry, ServerMsg, WireType, World};
use tickwire_server::{Game, Server, ServerConfig};

/// Every phase of these tests is bounded by this.
const LIMIT: Duration = Duration::from_secs(60);
/// Where bob waits, in his half and well off the line between the bases.
const ASIDE: [f32; 2] = [1300.0, 740.0];

/// What a plan wants its player to do after a snapshot.
enum Step {
    /// Run towards this spot.
    Walk([f32; 2]),
    /// Stand still.
    Stand,
    /// The plan is over.
    Done,
}

/// One of the game's events as a client heard it, read by its kind's name.
#[derive(Clone, Debug, PartialEq)]
enum Heard {
    Capture(CaptureEvent),
    Tag(TagEvent),
    Return(ReturnEvent),
    Carrier(CarrierEvent),
}

/// What a client has heard besides snapshots.
#[derive(Default)]
struct News {
    /// The game's events, oldest first.
    events: Vec<Heard>,
    /// The last scoreboard.
    scores: Vec<ScoreEntry>,
}

/// A joined client, its runner's id and its inputs' sequence number.
struct Player {
    client: GameClient,
    id: EntityId,
    seq: u32,
    news: News,
}

impl Player {
    async fn join(addr: SocketAddr, name: &str) -> Player {
        let client = GameClient::join(addr, name).await.expect("join");
        let id = client.welcome.as_ref().expect("welcome").entity_id;
        Player {
            client,
            id,
            seq: 0,
            news: News::default(),
        }
    }

    /// An event message read by its kind in the Welcome's schema.
    fn heard(&self, msg: &tickwire_protocol::GameEventMsg) -> Heard {
        let event = self
            .client
            .event(msg)
            .expect("one of the flag's event kinds");
        let record = &event.record;
        let what = match event.name() {
            "capture" => record.read().map(Heard::Capture),
            "tag" => record.read().map(Heard::Tag),
            "flag_return" => record.read().map(Heard::Return),
            "flag_carrier" => record.read().map(Heard::Carrier),
            _ => None,
        };
        what.unwrap_or_else(|| panic!("an event the flag game does not send: {event:?}"))
    }

    /// Reads the server until `plan` is done, sending one input per snapshot as it says.
    async fn play(&mut self, mut plan: impl FnMut(&ClientWorld, &News) -> Step) {
        loop {
            match self.client.recv().await.expect("reads") {
                Received::Snapshot { .. } => {}
                Received::Message(ServerMsg::Event(e)) => {
                    let heard = self.heard(&e);
                    self.news.events.push(heard);
                    continue;
                }
                Received::Message(ServerMsg::Scoreboard(s)) => {
                    self.news.scores = s;
                    continue;
                }
                Received::Closed { code, reason } => panic!("closed: {code} {reason}"),
                Received::Message(_) => continue,
            }
            let world = self.client.client_world();
            let input = match plan(world, &self.news) {
                Step::Done => return,
                Step::Stand => FlagInput::default(),
                Step::Walk(to) => {
                    let Some(me) = runner(world, self.id) else {
                        continue;
                    };
                    let (dx, dy) = (to[0] - me.pos[0], to[1] - me.pos[1]);
                    let len = (dx * dx + dy * dy).sqrt().max(1e-3);
                    // Slow down for the last steps, so as not to overshoot.
                    let speed = (len / 8.0).min(1.0);
                    FlagInput::new(dx / len * speed, dy / len * speed)
                }
            };
            self.seq += 1;
            let record = Record::of(&input);
            self.client
                .send_input(self.seq, 0, &record)
                .await
                .expect("send");
        }
    }

    /// Stands still until `done` holds of the client's world and what it has heard.
    async fn wait(&mut self, what: &str, done: impl Fn(&ClientWorld, &News) -> bool) {
        let plan = |w: &ClientWorld, news: &News| {
            if done(w, news) {
                Step::Done
            } else {
                Step::Stand
            }
        };
        if tokio::time::timeout(LIMIT, self.play(plan)).await.is_err() {
            panic!("{what}: not in time; heard {:?}", self.news.events);
        }
    }

    /// Walks to `to` and stops there.
    async fn walk_to(&mut self, to: [f32; 2]) {
        let id = self.id;
        let plan = |w: &ClientWorld, _: &News| match runner(w, id) {
            Some(me) if dist(me.pos, to) < 4.0 => Step::Done,
            _ => Step::Walk(to),
        };
        tokio::time::timeout(LIMIT, self.play(plan))
            .await
            .expect("walks there in time");
    }
}

/// The value of score column `column` on `id`'s line of the last scoreboard, read by name in the
/// Welcome's schema.
fn column(world: &ClientWorld, news: &News, id: EntityId, column: &str) -> Option<i32> {
    let line = news.scores.iter().find(|s| s.entity == id)?;
    score(world.schema()?, &line.columns, column)
}

fn dist(a: [f32; 2], b: [f32; 2]) -> f32 {
    (a[0] - b[0]).hypot(a[1] - b[1])
}

/// The variant name of an enum field.
fn variant<'a>(e: &EntityView<'a>, field: &str) -> Option<&'a str> {
    let ty = &e.kind().fields.iter().find(|f| f.name == field)?.ty;
    let WireType::Enum { variants } = ty else {
        return None;
    };
    let index = usize::try_from(*e.raw(field)?.first()?).ok()?;
    variants.get(index).map(String::as_str)
}

/// A runner as a client sees it.
#[derive(Debug)]
struct RunnerSeen {
    pos: [f32; 2],
    team: String,
    label: String,
    carrying: bool,
}

fn runner(world: &ClientWorld, id: EntityId) -> Option<RunnerSeen> {
    let e = world.entity(id).filter(|e| e.kind().name == "runner")?;
    let [x, y] = e.vec2("pos")?;
    Some(RunnerSeen {
        pos: [x as f32, y as f32],
        team: variant(&e, "team")?.to_owned(),
        label: e.text("label")?.to_owned(),
        carrying: e.flag("carrying")?,
    })
}

/// A flag as a client sees it.
#[derive(Debug, PartialEq)]
struct FlagSeen {
    pos: [f32; 2],
    carrier: u32,
    home: bool,
}

/// The entity of kind `kind` whose `team` is `team`.
fn of_team<'a>(world: &'a ClientWorld, kind: &str, team: Team) -> Option<EntityView<'a>> {
    world
        .entities()
        .find(|e| e.kind().name == kind && variant(e, "team") == Some(team.name()))
}

fn flag(world: &ClientWorld, team: Team) -> Option<FlagSeen> {
    let e = of_team(world, "flag", team)?;
    let [x, y] = e.vec2("pos")?;
    Some(FlagSeen {
        pos: [x as f32, y as f32],
        carrier: e.number("carrier")? as u32,
        home: e.flag("home")?,
    })
}

fn captures(world: &ClientWorld, team: Team) -> Option<u32> {
    Some(of_team(world, "team_score", team)?.number("captures")? as u32)
}

/// The bases of the map's features, read by name: (team, centre, radius), in the features' order.
fn bases(client: &GameClient) -> Vec<(String, [f32; 2], f64)> {
    let (Some(schema), Ok(features)) = (client.schema(), client.map_features()) else {
        return Vec::new();
    };
    let base = |i| {
        let e = EntityView::new(schema, &features, i).filter(|e| e.kind().name == "base")?;
        let [x, y] = e.vec2("pos")?;
        Some((
            variant(&e, "team")?.to_owned(),
            [x as f32, y as f32],
            e.number("radius")?,
        ))
    };
    (0..features.len()).filter_map(base).collect()
}

/// Whether `world` holds an entity of kind `kind`.
fn holds(world: &World, client: &ClientWorld, kind: &str) -> bool {
    let Some(schema) = client.schema() else {
        return false;
    };
    (0..world.len())
        .any(|i| EntityView::new(schema, world, i).is_some_and(|e| e.kind().name == kind))
}

/// A server of capture the flag on an ephemeral loopback port, a snapshot every tick; ada (red)
/// and bob (blue) joined, and bob already waiting aside.
async fn start() -> (Server, Player, Player) {
    let config = ServerConfig {
        bind: SocketAddr::from(([127, 0, 0, 1], 0)),
        tick_rate: 30,
        snapshot_rate: 30,
        ..ServerConfig::default()
    };
    let server = Server::start(config, |seed| {
        Box::new(FlagGame::new(30, seed)) as Box<dyn Game>
    })
    .await
    .expect("server starts");
    let ada = Player::join(server.local_addr(), "ada").await;
    let mut bob = Player::join(server.local_addr(), "bob").await;
    bob.walk_to(ASIDE).await;
    let world = bob.client.client_world();
    let schema = world.schema().expect("the welcome's schema");
    assert_eq!(schema.desc().game, "flag");
    let score_kind = schema.kind("team_score").expect("a team_score kind");
    assert_eq!(
        schema.desc().kinds[usize::from(score_kind.0)].position,
        None
    );
    let (a, b) = (runner(world, ada.id), runner(world, bob.id));
    let (a, b) = (a.expect("bob sees ada"), b.expect("bob sees himself"));
    assert_eq!((a.team.as_str(), b.team.as_str()), ("red", "blue"));
    assert_eq!((a.label.as_str(), b.label.as_str()), ("ada", "bob"));
    // The bases are the map's, from the Welcome, not the snapshots'.
    let radius = f64::from(BASE_RADIUS);
    let expected = vec![
        ("red".to_owned(), Team::Red.base(), radius),
        ("blue".to_owned(), Team::Blue.base(), radius),
    ];
    assert_eq!(bases(&bob.client), expected);
    let current = world.current().expect("a snapshot");
    assert!(!holds(current, world, "base"), "no base in a snapshot");
    assert!(holds(current, world, "flag"));
    (server, ada, bob)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flag_is_carried_home_and_the_other_client_sees_the_capture() {
    let (server, mut ada, mut bob) = start().await;
    let (ada_id, blue_base, red_base) = (ada.id, Team::Blue.base(), Team::Red.base());

    // Ada runs to blue's flag, then home with it; bob stands aside and watches.
    let runs = ada.play(|w, _| match runner(w, ada_id) {
        _ if captures(w, Team::Red) == Some(1) => Step::Done,
        Some(me) if me.carrying => Step::Walk(red_base),
        _ => Step::Walk(blue_base),
    });
    let mut carried = None;
    let watches = bob.play(|w, _| {
        let (a, f) = (runner(w, ada_id), flag(w, Team::Blue));
        if let (Some(a), Some(f)) = (&a, &f)
            && a.carrying
            && carried.is_none()
        {
            carried = Some(f.carrier);
            assert!(!f.home, "a carried flag is not home: {f:?}");
        }
        if carried.is_some() && captures(w, Team::Red) == Some(1) {
            Step::Done
        } else {
            Step::Stand
        }
    });
    tokio::time::timeout(LIMIT, async { tokio::join!(runs, watches) })
        .await
        .expect("ada captures in time, and bob sees it");
    assert_eq!(
        carried,
        Some(ada_id.0),
        "bob saw blue's flag carried by ada"
    );

    let world = bob.client.client_world();
    assert_eq!(captures(world, Team::Red), Some(1));
    assert_eq!(captures(world, Team::Blue), Some(0));
    let home = FlagSeen {
        pos: blue_base,
        carrier: 0,
        home: true,
    };
    assert_eq!(
        flag(world, Team::Blue),
        Some(home),
        "blue's flag is home again"
    );
    let a = runner(world, ada_id).expect("ada");
    assert!(!a.carrying && dist(a.pos, red_base) <= BASE_RADIUS, "{a:?}");

    // Both hear the capture (the event may come with the snapshot after the one that showed it),
    // and both scoreboards count it in the `captures` column.
    let capture = Heard::Capture(CaptureEvent {
        runner: ada_id.0,
        team: Team::Red,
    });
    let bob_id = bob.id;
    for p in [&mut ada, &mut bob] {
        p.wait("the capture is heard and counted", |w, n| {
            n.events.contains(&capture) && column(w, n, ada_id, "captures") == Some(1)
        })
        .await;
        let (w, n) = (p.client.client_world(), &p.news);
        assert_eq!(column(w, n, ada_id, "tags"), Some(0));
        assert_eq!(column(w, n, bob_id, "captures"), Some(0));
    }
    let schema = bob.client.schema().expect("the welcome's schema");
    let line = bob
        .news
        .scores
        .iter()
        .find(|s| s.entity == ada_id)
        .expect("ada's line");
    assert_eq!(schema.rating(&line.columns), 5, "a capture is worth five");

    // "You have the flag" is ada's alone: she heard her pickup, bob heard no pickup at all,
    // though he heard the capture that came after it.
    let pickup = Heard::Carrier(CarrierEvent {
        runner: ada_id.0,
        flag: Team::Blue,
        dropped: false,
    });
    let before_capture = |p: &Player| {
        let at = p
            .news
            .events
            .iter()
            .position(|e| *e == capture)
            .expect("the capture");
        p.news.events[..at].to_vec()
    };
    assert_eq!(before_capture(&ada), [pickup], "ada hears her pickup first");
    assert!(
        !bob.news
            .events
            .iter()
            .any(|e| matches!(e, Heard::Carrier(_))),
        "bob heard {:?}",
        bob.news.events
    );
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_defender_tags_the_carrier_who_drops_the_flag_and_respawns() {
    let (server, mut ada, mut bob) = start().await;
    let (ada_id, bob_id, blue_base) = (ada.id, bob.id, Team::Blue.base());

    // Ada takes blue's flag and waits with it until she is tagged; bob runs at her once she has
    // it, until his client shows her without it.
    let mut took = false;
    let runs = ada.play(|w, _| match runner(w, ada_id) {
        Some(me) if me.carrying => {
            took = true;
            Step::Stand
        }
        _ if took => Step::Done,
        _ => Step::Walk(blue_base),
    });
    let mut seen = None;
    let tag = Heard::Tag(TagEvent {
        tagger: bob_id.0,
        carrier: ada_id.0,
        flag: Team::Blue,
    });
    let chases = bob.play(|w, news| {
        let Some(a) = runner(w, ada_id) else {
            return Step::Stand;
        };
        if a.carrying {
            let f = flag(w, Team::Blue).expect("blue's flag");
            seen = Some(f.carrier);
            return Step::Walk(a.pos);
        }
        if seen.is_some() && news.events.contains(&tag) {
            Step::Done
        } else {
            Step::Stand
        }
    });
    tokio::time::timeout(LIMIT, async { tokio::join!(runs, chases) })
        .await
        .expect("bob tags ada in time");
    assert_eq!(seen, Some(ada_id.0), "bob saw ada carry his flag");

    let world = bob.client.client_world();
    let a = runner(world, ada_id).expect("ada");
    assert!(!a.carrying, "{a:?}");
    assert!(
        dist(a.pos, Team::Red.base()) <= BASE_RADIUS,
        "respawned: {a:?}"
    );
    let f = flag(world, Team::Blue).expect("blue's flag");
    assert_eq!(f.carrier, 0, "{f:?}");
    let b = runner(world, bob_id).expect("bob");
    // Dropped where she was tagged (then maybe returned by bob, who stands on it).
    assert!(
        f.home || dist(f.pos, b.pos) <= TAG_REACH + 10.0,
        "{f:?} {b:?}"
    );
    assert_eq!(captures(world, Team::Red), Some(0));

    // The carrier hears the tag too (the room does), and the columns count it on both sides.
    for p in [&mut ada, &mut bob] {
        p.wait("the tag is heard and counted", |w, n| {
            n.events.contains(&tag)
                && column(w, n, ada_id, "tagged") == Some(1)
                && column(w, n, bob_id, "tags") == Some(1)
        })
        .await;
    }
    server.shutdown().await;
}
