//! End-to-end tests: the real server on a loopback port, real WebSocket clients.
//! One binary, a module per behaviour.

mod bad_input;
mod browser;
mod cdp;
mod config_file;
mod conformance;
mod drain;
mod harness;
mod http_edge;
mod join;
mod limits;
mod link_sim;
mod loadgen;
mod netcode_feel;
mod node_tests;
mod rooms;
mod soak;
mod sync;
mod tls;
mod tokens;
