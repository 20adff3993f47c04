//! The value conversions every export shares: results out through serde as
//! plain objects, integers past 2^53 as `BigInt`, and the few JavaScript
//! shapes the API takes in (text or bytes, numbers in any of JS's forms).

use js_sys::Object;
use js_sys::{Array, BigInt, Reflect, Uint8Array};
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::*;

/// Serializes a core result the way every export does: plain objects,
/// `null` for `None`, maps as objects, the CLI's field names.
pub fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    value.serialize(&serializer).map_err(|e| thrown(e.into()))
}

/// The largest integer a JavaScript number holds exactly, 2^53 - 1.
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// A count or offset as JavaScript gets it: a number up to 2^53 - 1, a
/// `BigInt` past it, where a number would round (CPython's `struct` sizes
/// go up to 2^63 - 1).
pub fn wide_int(n: u64) -> JsValue {
    if n <= MAX_SAFE_INTEGER {
        JsValue::from_f64(n as f64)
    } else {
        JsValue::from(n)
    }
}

/// [`to_js`] for results whose 64-bit integers may pass 2^53: each is a
/// number when a number holds it exactly, else a `BigInt` (as
/// [`wide_int`]), where [`to_js`] would refuse the whole result.
pub fn to_js_wide<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible()
        .serialize_large_number_types_as_bigints(true);
    let js = value.serialize(&serializer).map_err(|e| thrown(e.into()))?;
    narrow_bigints(&js);
    Ok(js)
}

/// Turns the `BigInt`s in `value` that a number holds exactly back into
/// numbers: the serializer above makes every 64-bit integer a `BigInt`.
/// `Object.keys` lists an array's indices too, so one walk serves both.
fn narrow_bigints(value: &JsValue) {
    if !value.is_object() {
        return;
    }
    for key in Object::keys(value.unchecked_ref::<Object>()).iter() {
        let Ok(child) = Reflect::get(value, &key) else {
            continue;
        };
        match i64::try_from(child.clone()) {
            Ok(n) if n.unsigned_abs() <= MAX_SAFE_INTEGER => {
                let _ = Reflect::set(value, &key, &JsValue::from_f64(n as f64));
            }
            // A BigInt past 2^53 stays one.
            Ok(_) => {}
            Err(_) => narrow_bigints(&child),
        }
    }
}

/// [`to_js`], then the fields at `paths` become `BigInt`s where they hold
/// decimal strings.
///
/// The core's JSON writes IPv6 counts and 128-bit integers as decimal
/// strings, because a JSON number loses precision past 2^53; JavaScript
/// gets them exact. A path is a dotted list of field names, and arrays on
/// the way are walked element by element: `"allocations.hosts"` is the
/// `hosts` of every allocation. IPv4 values are JSON numbers and stay
/// numbers.
pub fn to_js_bigint<T: Serialize>(value: &T, paths: &[&str]) -> Result<JsValue, JsError> {
    let js = to_js(value)?;
    for path in paths {
        let fields: Vec<&str> = path.split('.').collect();
        strings_to_bigint(&js, &fields)?;
    }
    Ok(js)
}

fn strings_to_bigint(value: &JsValue, path: &[&str]) -> Result<(), JsError> {
    if let Some(array) = value.dyn_ref::<Array>() {
        return array
            .iter()
            .try_for_each(|item| strings_to_bigint(&item, path));
    }
    let Some((field, rest)) = path.split_first() else {
        return Ok(());
    };
    if !value.is_object() {
        return Ok(());
    }
    let key = JsValue::from_str(field);
    let child = Reflect::get(value, &key).map_err(thrown)?;
    if !rest.is_empty() {
        return strings_to_bigint(&child, rest);
    }
    if let Some(text) = child.as_string() {
        let big = BigInt::new(&child)
            .map_err(|_| JsError::new(&format!("{field} is not an integer: {text}")))?;
        Reflect::set(value, &key, &big).map_err(thrown)?;
    }
    Ok(())
}

/// An inet error as a JavaScript `Error` with CPython's message (what the
/// CLI prints) and, where the message does not say why, a `hint`: the
/// learner's sentence the CLI prints after `netlab: hint:` (`08` is not
/// octal, `300` does not fit in one byte).
pub fn hinted(e: netlab_core::inet::InetError) -> JsValue {
    let error = js_sys::Error::new(&e.to_string());
    if let Some(hint) = e.hint() {
        let _ = Reflect::set(
            &error,
            &JsValue::from_str("hint"),
            &JsValue::from_str(&hint),
        );
    }
    error.into()
}

/// A JavaScript exception as a `JsError`, keeping its message.
pub fn thrown(e: JsValue) -> JsError {
    JsError::new(&message_of(&e))
}

/// What a JavaScript exception says.
fn message_of(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map_or_else(|| format!("{e:?}"), |e| String::from(e.message()))
}

/// The bytes of a `Uint8Array`, or the UTF-8 of a string, as a Python
/// API that takes `bytes` would be fed from JavaScript.
pub fn bytes_or_text(value: &JsValue, what: &str) -> Result<Vec<u8>, JsError> {
    if let Some(text) = value.as_string() {
        return Ok(text.into_bytes());
    }
    value
        .dyn_ref::<Uint8Array>()
        .map(Uint8Array::to_vec)
        .ok_or_else(|| JsError::new(&format!("{what} must be a Uint8Array or a string")))
}

/// The bytes of a `Uint8Array`, or of an array of numbers that are each a
/// byte: `[1, 2, 3, 300]` is an error, not the `1.2.3.44` a `Uint8Array`
/// made from it would hold.
pub fn byte_array(value: &JsValue, what: &str) -> Result<Vec<u8>, JsError> {
    if let Some(bytes) = value.dyn_ref::<Uint8Array>() {
        return Ok(bytes.to_vec());
    }
    let wrong = || JsError::new(&format!("{what} must hold bytes (0-255)"));
    if !Array::is_array(value) {
        return Err(JsError::new(&format!(
            "{what} must be a Uint8Array or an array of bytes (0-255)"
        )));
    }
    Array::from(value)
        .iter()
        .map(|b| {
            b.as_f64()
                .filter(|x| x.fract() == 0.0 && (0.0..=255.0).contains(x))
                .map(|x| x as u8)
                .ok_or_else(wrong)
        })
        .collect()
}

/// An argument that must be an array, or the error `message` (a plain
/// `Error` naming the argument, where wasm-bindgen's own conversion would
/// throw its internal `TypeError` or say "expected an array").
pub fn array_arg(value: &JsValue, message: &str) -> Result<Array, JsError> {
    if Array::is_array(value) {
        Ok(Array::from(value))
    } else {
        Err(JsError::new(message))
    }
}

/// The text of a number as the CLI would be given it: strings as they are,
/// numbers and `BigInt`s in decimal (`100`, not `100.0`). The core then
/// reads it with the CLI's rules and messages.
pub fn number_text(value: &JsValue, what: &str) -> Result<String, JsError> {
    if let Some(text) = value.as_string() {
        return Ok(text);
    }
    if let Some(x) = value.as_f64() {
        return Ok(x.to_string());
    }
    if let Some(big) = value.dyn_ref::<BigInt>() {
        return big
            .to_string(10)
            .map(String::from)
            .map_err(|_| JsError::new(&format!("{what} is not a decimal integer")));
    }
    Err(JsError::new(&format!(
        "{what} must be a number, a BigInt or a string"
    )))
}

/// The property `name` of an options object, `None` when it is absent.
pub fn option(object: &JsValue, name: &str) -> Option<JsValue> {
    if !object.is_object() {
        return None;
    }
    Reflect::get(object, &JsValue::from_str(name))
        .ok()
        .filter(|v| !v.is_undefined() && !v.is_null())
}

/// A spec object from JavaScript, as the core reads it.
///
/// serde-wasm-bindgen reads a struct's own fields and never looks at the
/// others, so a misspelt field would be ignored silently. The spec read is
/// therefore written back out, every field filled, and any field the
/// caller gave that is not there is refused with serde's own message
/// (``unknown field `clients`, expected one of …``), as the core's
/// `deny_unknown_fields` means it to be.
pub fn read_spec<T: DeserializeOwned + Serialize>(spec: JsValue) -> Result<T, JsError> {
    read_spec_with(spec, &[])
}

/// [`read_spec`] for a spec with fields that are read but not kept as
/// such (`encapsulate`'s `payload_hex` becomes the payload's bytes):
/// `input_only` names them, so they are not refused as unknown.
pub fn read_spec_with<T: DeserializeOwned + Serialize>(
    spec: JsValue,
    input_only: &[&str],
) -> Result<T, JsError> {
    if !spec.is_object() || Array::is_array(&spec) {
        return Err(JsError::new("the spec must be an object"));
    }
    let read: T = serde_wasm_bindgen::from_value(spec.clone()).map_err(|e| {
        let message = message_of(&e.into());
        // serde-wasm-bindgen passes on JavaScript's own words for this.
        JsError::new(if message.contains("Reflect.get called on non-object") {
            "a field that takes a list (an array) was given a single value"
        } else {
            &message
        })
    })?;
    // Numbers past 2^53 go back as BigInts: only the keys are compared, and
    // the core's own checks then name any value it refuses.
    let known = read
        .serialize(
            &serde_wasm_bindgen::Serializer::json_compatible()
                .serialize_large_number_types_as_bigints(true),
        )
        .map_err(|e| thrown(e.into()))?;
    for key in input_only {
        Reflect::set(&known, &JsValue::from_str(key), &JsValue::NULL)
            .map_err(|_| JsError::new("cannot read the spec"))?;
    }
    match unknown_field(&spec, &known) {
        Some(message) => Err(JsError::new(&message)),
        None => Ok(read),
    }
}

/// The first field of `given` (walking into objects and arrays) that
/// `known`, the same value as the core read it, does not have.
fn unknown_field(given: &JsValue, known: &JsValue) -> Option<String> {
    if Array::is_array(given) && Array::is_array(known) {
        let (given, known) = (Array::from(given), Array::from(known));
        return given
            .iter()
            .zip(known.iter())
            .find_map(|(g, k)| unknown_field(&g, &k));
    }
    if !given.is_object() || !known.is_object() || Array::is_array(given) {
        return None;
    }
    let known_keys = Object::keys(known.unchecked_ref::<Object>());
    for key in Object::keys(given.unchecked_ref::<Object>()).iter() {
        if !known_keys.includes(&key, 0) {
            let expected: Vec<String> = known_keys
                .iter()
                .filter_map(|k| k.as_string())
                .map(|k| format!("`{k}`"))
                .collect();
            return Some(format!(
                "unknown field `{}`, expected one of {}",
                key.as_string().unwrap_or_default(),
                expected.join(", ")
            ));
        }
        let inner = |of: &JsValue| Reflect::get(of, &key).unwrap_or(JsValue::UNDEFINED);
        if let Some(found) = unknown_field(&inner(given), &inner(known)) {
            return Some(found);
        }
    }
    None
}
