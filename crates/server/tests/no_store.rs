//! A server built without the `store` feature (`cargo test -p tickwire-server
//! --no-default-features --test no_store`): started with a database, it fails at once with the
//! store's `NotBuilt`, naming the backend left out; with storage off it would start as ever.
//! When another package of the same build turned a backend back on (Cargo unifies features),
//! there is nothing to show, and the test says so and returns.
#![cfg(not(feature = "store"))]

use std::io::Write as _;

use tickwire_server::store::{Store, StoreError, StoreOptions};
use tickwire_server::{Database, Game, Server, ServerConfig, StartError};

#[tokio::test]
async fn a_database_without_store_fails_at_start() {
    let dir = std::env::temp_dir().join(format!("tickwire-no-store-{}", std::process::id()));
    for database in [
        Database::Sqlite(dir.join("tickwire.db")),
        Database::Postgres("postgres://u@127.0.0.1:1/db".into()),
    ] {
        let probe = Store::open(&database, StoreOptions::default()).await;
        if !matches!(probe, Err(StoreError::NotBuilt { .. })) {
            let _ = writeln!(
                std::io::stderr(),
                "no_store: this build has the backend of {database} (a feature turned on by \
                 another package); nothing to show"
            );
            continue;
        }
        let config = ServerConfig {
            bind: "127.0.0.1:0".parse().expect("an address"),
            database: database.clone(),
            ..ServerConfig::default()
        };
        let started = Server::start(config, |_seed: u64| -> Box<dyn Game> {
            panic!("no game is made: the store fails first")
        })
        .await;
        let Err(err) = started else {
            panic!("a server without storage started with {database}");
        };
        assert!(
            matches!(err, StartError::Store(StoreError::NotBuilt { .. })),
            "{err:?}"
        );
        let said = err.to_string();
        assert!(said.contains("feature is off"), "{said}");
        assert!(said.contains("--database none"), "{said}");
    }
    assert!(!dir.exists(), "nothing is written without storage");
}
