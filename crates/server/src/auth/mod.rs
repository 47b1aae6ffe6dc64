//! Secrets and who may do what: signed join tokens (public: a backend signs the tokens this
//! server checks), resume tokens, the constant-time comparison every secret goes through, the
//! count of wrong guesses per address, and random hex for keys and ids.

pub(crate) mod guesses;
pub mod join_token;
pub(crate) mod random_hex;
pub(crate) mod resume_token;
pub(crate) mod secret_eq;
