//! The command line: one file per subcommand, the logging they share, and the layering of flags,
//! environment and config file.

pub mod bandwidth;
pub mod bench;
pub mod cert;
pub mod command_line;
pub mod config_file;
pub mod config_print;
pub mod edge;
pub mod error_line;
pub mod loadgen;
pub mod logging;
pub mod netcode;
pub mod orchestration;
pub mod replay;
pub mod resolve;
pub mod serve;
pub mod soak;
