//! Helpers that tickwire's own tests share and the published crates do not carry: a throwaway
//! PostgreSQL server ([`pg_cluster::PgCluster`]) for the storage tests.

pub mod pg_cluster;
