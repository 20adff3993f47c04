//! netlab's cross-crate tests, one binary; each module says what it covers.
// A failed unwrap is a failed test: the right outcome here.
#![allow(clippy::unwrap_used)]

mod bytes_cpython;
mod cidr_cpython;
mod cli;
mod cli_cidr;
mod cli_inet;
mod cli_struct;
mod dissect_random_tshark;
mod follow_random_tshark;
mod follow_tshark;
mod framing_cpython;
mod fuzz_regressions;
mod inet_cpython;
mod labs_seeds;
mod packet_tshark;
mod relay;
mod relay_process;
mod relay_sockets;
mod sim_random_tshark;
mod sim_tshark;
mod struct_cpython;
mod subnet_cpython;
mod util;
