//! `netlab-core`: the pure heart of netlab.
//!
//! Everything here is plain data and pure functions: no I/O, no clocks, no
//! randomness of its own, no `tokio`, no `JsValue`. The command line
//! (`netlab-cli`), the browser facade (`netlab-wasm`) and the relay
//! (`netlab-relay`) all call into this crate and never re-implement it, so
//! one answer is given everywhere.
//!
//! # Examples
//!
//! ```
//! use netlab_core::subnet::SubnetReport;
//!
//! let report = SubnetReport::parse("192.168.12.87/24").unwrap();
//! assert_eq!(report.network.to_string(), "192.168.12.0");
//! assert_eq!(report.broadcast.unwrap().to_string(), "192.168.12.255");
//! ```
#![deny(unsafe_code)]

pub mod addr;
pub mod aggregate;
pub mod auth;
pub mod calendar;
pub mod classify;
pub mod english;
pub mod framing;
pub mod inet;
pub mod mac;
pub mod packet;
pub mod plan;
pub mod port;
pub mod protocol;
pub mod pystruct;
pub mod same;
pub mod sim;
pub mod special;
pub mod sticky;
pub mod subnet;
