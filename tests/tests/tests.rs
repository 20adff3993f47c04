//! netlab's cross-crate tests, one binary; each module says what it covers.

mod cli;
mod relay;
mod subnet_cpython;
mod util;
