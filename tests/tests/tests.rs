//! netlab's cross-crate tests, one binary; each module says what it covers.
// A failed unwrap is a failed test: the right outcome here.
#![allow(clippy::unwrap_used)]

mod cli;
mod labs_seeds;
mod relay;
mod relay_sockets;
mod subnet_cpython;
mod util;
