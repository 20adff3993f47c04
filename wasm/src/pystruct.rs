//! Python's `struct` module: the browser's `netlab calcsize`, `pack` and
//! `unpack`, with JavaScript values in place of Python's.
//!
//! Python `int` is a number, or a `BigInt` for the 8-byte integers (`q Q n
//! N P`, and `l L` in native mode, where they are 8 bytes as on x86_64
//! Linux), so no value loses precision; `bool` is a boolean; `float` is a
//! number, NaN and the infinities included; `bytes` is a `Uint8Array`.
//! Going in, a string is taken as its UTF-8 bytes, and a number packs as
//! a Python `int` when it is whole and the code is not a float code: JS
//! has one number type where Python has two. A Python `str` is written
//! `{str: "abc"}`, and `struct` refuses it as CPython does. `null` is
//! Python's `None`: `?` packs it as `False`, every other code refuses it.

use js_sys::{Array, BigInt, Uint8Array};
use netlab_core::pystruct::{Kind, Layout, Struct, StructError, Value};
use wasm_bindgen::prelude::*;

use crate::convert::{array_arg, byte_array, to_js_wide, wide_int};

#[wasm_bindgen(typescript_custom_section)]
const TS_PYSTRUCT: &str = r#"
/** A value `structUnpack` returns: a Python int (a BigInt for 8-byte integers), bool, float or bytes. */
export type StructValue = number | bigint | boolean | Uint8Array;

/** A value `structPack` takes; a string stands for its UTF-8 bytes, `{str}` for a Python str and `null` for None (which struct refuses, as CPython does, but for `?`). */
export type StructInput = number | bigint | boolean | string | Uint8Array | { str: string } | null;

/** One item of a struct format: a code, its repeat count and where it sits (`netlab calcsize --json`'s `items`). */
export interface StructLayoutItem {
  index: number;
  code: string;
  kind: "pad" | "char" | "bytes" | "pascal" | "bool" | "signed" | "unsigned" | "float";
  /** The repeat count; like `offset`, `size`, `first_value` and `values`, a BigInt past 2^53 - 1. */
  count: number | bigint;
  offset: number | bigint;
  size: number | bigint;
  /** Alignment padding before the item (native mode only). */
  padding: number;
  first_value: number | bigint;
  values: number | bigint;
  /** Where the item starts in the format string, in characters. */
  position: number;
}
"#;

/// The size of a struct format, as `struct.calcsize`, with CPython's error
/// for a bad format. A number, or a `BigInt` past 2^53 - 1, which a number
/// cannot hold exactly (CPython allows up to 2^63 - 1).
#[wasm_bindgen(js_name = structCalcsize, unchecked_return_type = "number | bigint")]
pub fn struct_calcsize(format: &str) -> Result<JsValue, JsError> {
    Ok(wide_int(compile(format)?.size()))
}

/// The format's items with their offsets, sizes and alignment padding
/// (the `items` of `netlab calcsize --json`); counts, offsets and sizes
/// past 2^53 - 1 are `BigInt`s, as in [`struct_calcsize`].
#[wasm_bindgen(js_name = structLayout, unchecked_return_type = "StructLayoutItem[]")]
pub fn struct_layout(format: &str) -> Result<JsValue, JsError> {
    to_js_wide(&compile(format)?.layout().items)
}

/// Packs values by a format into bytes, as `struct.pack`, with CPython's
/// errors.
#[wasm_bindgen(js_name = structPack)]
pub fn struct_pack(
    format: &str,
    #[wasm_bindgen(unchecked_param_type = "StructInput[]")] values: JsValue,
) -> Result<Vec<u8>, JsError> {
    let st = compile(format)?;
    let values = array_arg(&values, "values must be an array (struct.pack's arguments)")?;
    let layout = st.layout();
    let values = values
        .iter()
        .enumerate()
        .map(|(i, v)| to_value(&v, slot_kind(&layout, i), i))
        .collect::<Result<Vec<_>, _>>()?;
    st.pack(&values).map_err(fail)
}

/// Unpacks bytes by a format into values, as `struct.unpack`, with
/// CPython's errors.
#[wasm_bindgen(js_name = structUnpack, unchecked_return_type = "StructValue[]")]
pub fn struct_unpack(
    format: &str,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | number[]")] bytes: JsValue,
) -> Result<JsValue, JsError> {
    let bytes = byte_array(&bytes, "bytes")?;
    let report = compile(format)?.unpack_report(&bytes).map_err(fail)?;
    let values: Array = report
        .fields
        .iter()
        .map(|f| from_value(&f.value, f.size))
        .collect();
    Ok(values.into())
}

fn compile(format: &str) -> Result<Struct, JsError> {
    Struct::new(format).map_err(fail)
}

/// CPython's message, or the exception's name where it has none.
fn fail(e: StructError) -> JsError {
    JsError::new(&e.message())
}

/// The kind of the code that value `index` fills, `None` past the last.
/// The items number their values one after another, so where each ends
/// only grows: a binary search, not a scan per value (which made packing
/// 64,000 `B`s take seconds).
fn slot_kind(layout: &Layout, index: usize) -> Option<Kind> {
    let index = index as u64;
    let at = layout
        .items
        .partition_point(|it| it.first_value.saturating_add(it.values) <= index);
    layout
        .items
        .get(at)
        .filter(|it| it.first_value <= index)
        .map(|it| it.kind)
}

/// A JavaScript value as the Python value it stands for in a slot of
/// `kind`; see the module docs.
fn to_value(js: &JsValue, kind: Option<Kind>, index: usize) -> Result<Value, JsError> {
    let float_slot = kind == Some(Kind::Float);
    if js.is_null() {
        Ok(Value::None)
    } else if let Some(b) = js.as_bool() {
        Ok(Value::Bool(b))
    } else if let Some(x) = js.as_f64() {
        // `as` saturates, so a whole number beyond an i128 fails the range
        // check of every integer code, as the Python int would.
        let whole = x.fract() == 0.0 && !float_slot;
        Ok(if whole {
            Value::Int(x as i128)
        } else {
            Value::Float(x)
        })
    } else if js.is_bigint() {
        Ok(bigint_value(js))
    } else if let Some(text) = js.as_string() {
        Ok(Value::Bytes(text.into_bytes()))
    } else if let Some(bytes) = js.dyn_ref::<Uint8Array>() {
        Ok(Value::Bytes(bytes.to_vec()))
    } else if let Some(text) = js
        .is_object()
        .then(|| js_sys::Reflect::get(js, &JsValue::from_str("str")).ok())
        .flatten()
        .and_then(|s| s.as_string())
    {
        Ok(Value::Str(text))
    } else {
        Err(JsError::new(&format!(
            "value {index} is not a number, BigInt, boolean, string, Uint8Array, {{str}} or null"
        )))
    }
}

/// A `BigInt` as a Python int: beyond an i128, the float Python would
/// round it to (see [`Value::LargeInt`]), which every code then treats as
/// CPython treats the int.
fn bigint_value(js: &JsValue) -> Value {
    match i128::try_from(js.clone()) {
        Ok(i) => Value::Int(i),
        Err(_) => Value::from_int_literal(&decimal(js)).unwrap_or(Value::Int(0)),
    }
}

/// The decimal digits of a `BigInt`.
fn decimal(js: &JsValue) -> String {
    js.dyn_ref::<BigInt>()
        .and_then(|b| b.to_string(10).ok())
        .map(String::from)
        .unwrap_or_default()
}

/// A Python value as JavaScript sees it; `size` is the bytes its code takes.
fn from_value(value: &Value, size: u64) -> JsValue {
    match value {
        Value::Int(i) if size == 8 => JsValue::from(*i),
        Value::Int(i) => JsValue::from_f64(*i as f64),
        Value::Bool(b) => JsValue::from_bool(*b),
        // Only a pack report shows one: the float it was packed as.
        Value::Float(x) | Value::LargeInt(x, _) => JsValue::from_f64(*x),
        Value::Bytes(b) => Uint8Array::from(b.as_slice()).into(),
        Value::Str(s) => JsValue::from_str(s),
        Value::None => JsValue::NULL,
    }
}
