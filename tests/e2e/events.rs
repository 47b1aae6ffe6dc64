//! Game events over real sockets: an event to the room reaches every session of the room,
//! spectators included, and no other room; an event to a player reaches that player alone; an
//! event to everyone reaches every session of every room of the server.

use std::collections::BTreeSet;
use std::sync::{Arc, LazyLock};

use tickwire_client::{GameClient, Received};
use tickwire_protocol::replication::ReplicateEnum;
use tickwire_protocol::{EntityId, Record, Replicate, Schema, SchemaDesc, ServerMsg, Tick, World};
use tickwire_server::{Audience, Game, GameEvent, PlayerHandle, ServerConfig, TickInput};

use crate::harness::{LIMIT, arena_config, start_with};

/// Who a shout is for.
#[derive(Clone, Copy, Debug, Default, PartialEq, ReplicateEnum)]
enum To {
    #[default]
    Room,
    Me,
    Everyone,
}

/// What a player of the shouting game sends: whether to shout, to whom, and a number.
#[derive(Clone, Copy, Debug, Default, PartialEq, Replicate)]
struct ShoutInput {
    shout: bool,
    #[replicate(enumeration, intent_when = "shout")]
    to: To,
    #[replicate(int(min = 0, max = 1000), intent_when = "shout")]
    n: u16,
}

/// The event: `n` shouted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Replicate)]
#[replicate(kind = "shout")]
struct Shout {
    #[replicate(int(min = 0, max = 1000))]
    n: u16,
}

/// A player's dot (the world must hold something).
#[derive(Replicate)]
#[replicate(kind = "dot")]
struct Dot {
    #[replicate(vec2(step = 1.0), position)]
    at: [f32; 2],
}

static SCHEMA: LazyLock<Arc<Schema>> = LazyLock::new(|| {
    let desc = SchemaDesc::builder("shouting", 1)
        .kind::<Dot>()
        .input::<ShoutInput>()
        .event::<Shout>();
    Arc::new(desc.build().expect("valid"))
});

/// A game whose players shout numbers to the room, to themselves or to everyone.
#[derive(Default)]
struct Shouting {
    tick: u64,
    players: Vec<u32>,
    events: Vec<(Audience, GameEvent)>,
}

impl Game for Shouting {
    fn add_player(&mut self, _name: &str) -> (PlayerHandle, EntityId) {
        let id = self.players.last().map_or(1, |p| p + 1);
        self.players.push(id);
        (PlayerHandle(id), EntityId(id))
    }

    fn remove_player(&mut self, player: PlayerHandle) {
        self.players.retain(|&p| p != player.0);
    }

    fn step(&mut self, inputs: &[(PlayerHandle, TickInput)]) {
        self.tick += 1;
        for (player, input) in inputs {
            let Some(i) = input.record.read::<ShoutInput>().filter(|i| i.shout) else {
                continue;
            };
            let to = match i.to {
                To::Room => Audience::Room,
                To::Me => Audience::Player(*player),
                To::Everyone => Audience::Everyone,
            };
            if let Some(event) = GameEvent::of(&SCHEMA, &Shout { n: i.n }) {
                self.events.push((to, event));
            }
        }
    }

    fn tick(&self) -> u64 {
        self.tick
    }

    fn schema(&self) -> Arc<Schema> {
        SCHEMA.clone()
    }

    fn capture(&self, out: &mut World) {
        out.clear(Tick(self.tick as u32));
        for &p in &self.players {
            Dot {
                at: [p as f32, 1.0],
            }
            .push_to(out, EntityId(p), tickwire_protocol::KindId(0));
        }
    }

    fn drain_events(&mut self) -> Vec<(Audience, GameEvent)> {
        std::mem::take(&mut self.events)
    }
}

/// A client and the shouts it has heard.
struct Listener {
    client: GameClient,
    heard: BTreeSet<u16>,
}

impl Listener {
    fn new(client: GameClient) -> Listener {
        Listener {
            client,
            heard: BTreeSet::new(),
        }
    }

    /// Reads until it has heard `n`, noting every shout on the way.
    async fn until_heard(&mut self, n: u16) {
        tokio::time::timeout(LIMIT, async {
            while !self.heard.contains(&n) {
                match self.client.recv().await.expect("recv") {
                    Received::Message(ServerMsg::Event(e)) => {
                        let event = self.client.event(&e).expect("the game's event");
                        assert_eq!(event.name(), "shout");
                        let shout: Shout = event.record.read().expect("a shout");
                        self.heard.insert(shout.n);
                    }
                    Received::Closed { code, reason } => panic!("closed: {code} {reason}"),
                    _ => {}
                }
            }
        })
        .await
        .unwrap_or_else(|_| panic!("heard {n} in time; heard {:?}", self.heard));
    }
}

/// `c` shouts `n` to `to` (as input `seq`).
async fn shout(c: &mut Listener, seq: u32, to: To, n: u16) {
    let input = ShoutInput { shout: true, to, n };
    c.client
        .send_input(seq, 0, &Record::of(&input))
        .await
        .expect("send");
}

#[tokio::test]
async fn events_reach_the_room_a_player_or_everyone() {
    let config = ServerConfig {
        room_capacity: 2,
        ..arena_config()
    };
    let server = start_with(config, |_| Box::new(Shouting::default()) as Box<dyn Game>).await;
    let addr = server.local_addr();
    let join = |name: &'static str| async move {
        let c = tokio::time::timeout(LIMIT, GameClient::join(addr, name))
            .await
            .expect("in time")
            .expect("join");
        Listener::new(c)
    };
    // Ada and Bo fill the first room; Cy opens a second; Sam watches the first.
    let mut ada = join("ada").await;
    let mut bo = join("bo").await;
    let mut cy = join("cy").await;
    let room = |l: &Listener| l.client.welcome.as_ref().expect("welcome").room;
    assert_eq!(room(&ada), room(&bo));
    assert_ne!(room(&ada), room(&cy));
    let sam = tokio::time::timeout(LIMIT, GameClient::spectate(addr, room(&ada)))
        .await
        .expect("in time")
        .expect("spectate");
    let mut sam = Listener::new(sam);

    shout(&mut ada, 1, To::Room, 1).await;
    for l in [&mut ada, &mut bo, &mut sam] {
        l.until_heard(1).await;
    }
    shout(&mut ada, 2, To::Me, 2).await;
    ada.until_heard(2).await;
    shout(&mut ada, 3, To::Everyone, 3).await;
    for l in [&mut ada, &mut bo, &mut sam, &mut cy] {
        l.until_heard(3).await;
    }
    // A last shout to the room, after the one to Ada alone on the same path: whoever hears it
    // would have heard that one before it.
    shout(&mut ada, 4, To::Room, 4).await;
    for l in [&mut ada, &mut bo, &mut sam] {
        l.until_heard(4).await;
    }
    assert_eq!(ada.heard, BTreeSet::from([1, 2, 3, 4]));
    assert_eq!(bo.heard, BTreeSet::from([1, 3, 4]), "not Ada's own");
    assert_eq!(
        sam.heard,
        BTreeSet::from([1, 3, 4]),
        "a spectator hears the room"
    );
    assert_eq!(
        cy.heard,
        BTreeSet::from([3]),
        "another room hears only everyone's"
    );
    assert_eq!(server.shared().metrics.events_dropped.get(), 0);
    server.shutdown().await;
}
