//! `netlab-wasm`: netlab-core as an ES module for the browser and Node.
//!
//! A facade and nothing more: each export converts its arguments, calls the
//! core, and converts the result with `serde-wasm-bindgen`'s JSON-compatible
//! serializer, so JavaScript sees plain objects with the CLI's JSON field
//! names (`docs/js-api.md`). Errors become a thrown `Error` whose message is
//! the CLI's. This is the only crate that knows `JsValue`.
//!
//! The exports are grouped by concept, as the CLI's commands are:
//! [`addressing`] (subnets, splits, VLSM, aggregation, classification),
//! [`conversions`] (`inet_aton` and friends, integers, MAC, ports),
//! [`pystruct`] (Python's `struct`), [`auth`] (the HMAC challenge),
//! [`sticky`] (the sticky-packet simulator), `packets` (encapsulation,
//! dissection, captures), `sims` (the TCP and LAN simulations) and
//! `relay` (sockets through netlab-relay); the last three can be left out
//! with cargo features, to measure what they cost;
//! `convert` holds the value conversions they share. Each module declares
//! the TypeScript types of its results in a custom section, so
//! `netlab_wasm.d.ts` says what each function returns.

pub mod addressing;
pub mod auth;
pub mod conversions;
mod convert;
#[cfg(feature = "packets")]
pub mod packets;
pub mod pystruct;
#[cfg(feature = "sockets")]
pub mod relay;
#[cfg(feature = "packets")]
pub mod sims;
pub mod sticky;

use wasm_bindgen::prelude::*;

/// The version of netlab this module was built from.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}
