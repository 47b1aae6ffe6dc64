//! The command line: one file per subcommand, and the logging they share.

pub mod bandwidth;
pub mod cert;
pub mod edge;
pub mod loadgen;
pub mod logging;
pub mod serve;
pub mod soak;
