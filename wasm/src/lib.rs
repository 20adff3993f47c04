//! `netlab-wasm`: netlab-core as an ES module for the browser and Node.
//!
//! A facade and nothing more: each export parses its arguments, calls the
//! core, and converts the result with `serde-wasm-bindgen`'s JSON-compatible
//! serializer, so JavaScript sees plain objects with the CLI's JSON field
//! names (`docs/js-api.md`). Errors become a thrown `Error` whose message is
//! the CLI's. This is the only crate that knows `JsValue`.

use js_sys::{BigInt, Reflect};
use netlab_core::subnet::SubnetReport;
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// Serializes a core result the way every export does: plain objects,
/// `null` for `None`, maps as objects.
fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    value
        .serialize(&serializer)
        .map_err(|e| JsError::new(&e.to_string()))
}

/// Replaces decimal-string fields by `BigInt`s: the CLI's JSON carries IPv6
/// counts as strings (JSON numbers lose precision past 2^53), JavaScript
/// gets exact `BigInt`s.
fn strings_to_bigint(object: &JsValue, fields: &[&str]) -> Result<(), JsError> {
    for field in fields {
        let key = JsValue::from_str(field);
        let value = Reflect::get(object, &key).map_err(|_| JsError::new("missing field"))?;
        if let Some(text) = value.as_string() {
            let big = BigInt::new(&JsValue::from_str(&text))
                .map_err(|_| JsError::new(&format!("{field} is not an integer: {text}")))?;
            Reflect::set(object, &key, &big).map_err(|_| JsError::new("cannot set field"))?;
        }
    }
    Ok(())
}

/// `netlab subnet`: the report for `ADDR/PREFIX`, `ADDR/MASK` or `ADDR MASK`.
#[wasm_bindgen(js_name = subnetInfo)]
pub fn subnet_info(text: &str) -> Result<JsValue, JsError> {
    let report = SubnetReport::parse(text)?;
    let value = to_js(&report)?;
    strings_to_bigint(&value, &["total_addresses", "usable_hosts"])?;
    Ok(value)
}

/// The version of netlab this module was built from.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}
