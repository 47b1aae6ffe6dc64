//! Behaviour tests of tickwire-sim, one module per behaviour.

mod away;
mod bots;
mod combat;
mod determinism;
mod lag_compensation;
mod lifecycle;
mod maps;
mod movement;
mod support;
mod throughput;
