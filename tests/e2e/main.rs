//! End-to-end tests: the real server on a loopback port, real WebSocket clients.
//! One binary, a module per behaviour.

mod admin;
mod agones;
mod agones_run;
mod api;
mod bad_input;
mod browser;
mod browser_lobby;
mod cdp;
mod config_file;
mod conformance;
mod crash;
mod cut_proxy;
mod drain;
mod harness;
mod http_edge;
mod join;
mod lag_shot;
mod limits;
mod link_sim;
mod loadgen;
mod netcode_feel;
mod netem;
mod node_tests;
mod process;
mod resume;
mod rooms;
mod rooms_api;
mod soak;
mod spectate;
mod stop_mid_match;
mod storage;
mod storage_pg;
mod sync;
mod tls;
mod tokens;
