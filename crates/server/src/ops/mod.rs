//! What operators and backends ask of a running server over HTTP: the admin API (`admin/`), the
//! rooms API with its request checks, policy and quotas, and the one check of a private room's
//! key.

pub(crate) mod admin;
pub(crate) mod room_key;
pub(crate) mod room_policy;
pub(crate) mod room_quota;
pub(crate) mod rooms_api;
