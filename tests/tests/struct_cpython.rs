//! `netlab_core::pystruct` against CPython 3.11's `struct` module: every
//! recorded call must give the same bytes, values, exception class and
//! message (vectors from `tests/vectors/gen_struct.py`).

use std::sync::OnceLock;

use netlab_core::pystruct::{self, Struct, StructError, Value};
use serde_json::Value as Json;

use crate::util::vectors;

fn data() -> &'static Json {
    static DATA: OnceLock<Json> = OnceLock::new();
    DATA.get_or_init(|| vectors("struct_cpython.json"))
}

/// The cases of one kind, checked to be there in number.
fn cases(kind: &str, at_least: usize) -> &'static [Json] {
    let cases = data()[kind].as_array().expect(kind);
    assert!(cases.len() >= at_least, "only {} {kind} cases", cases.len());
    cases
}

fn text<'a>(case: &'a Json, name: &str) -> &'a str {
    case[name]
        .as_str()
        .unwrap_or_else(|| panic!("{name} in {case}"))
}

pub fn unhex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("vector hex"))
        .collect()
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A value from the generator's tagged form (`i-1`, `T`, `f<bits>`, `x<hex>`,
/// `u<str>`, `N` for None).
pub fn decode(tagged: &str) -> Value {
    let (tag, rest) = tagged.split_at(1);
    match tag {
        "i" => Value::from_int_literal(rest).expect("vector int"),
        "T" => Value::Bool(true),
        "F" => Value::Bool(false),
        "f" => Value::Float(f64::from_bits(
            u64::from_str_radix(rest, 16).expect("vector float"),
        )),
        "x" => Value::Bytes(unhex(rest)),
        "u" => Value::Str(rest.to_owned()),
        "N" => Value::None,
        _ => panic!("unknown value tag in {tagged:?}"),
    }
}

/// The generator's tagged form of a value, so floats compare by their bits.
pub fn encode(value: &Value) -> String {
    match value {
        Value::Int(i) => format!("i{i}"),
        Value::Bool(true) => "T".to_owned(),
        Value::Bool(false) => "F".to_owned(),
        Value::Float(x) => format!("f{:016x}", x.to_bits()),
        // Never unpacked, so never compared; tagged apart all the same.
        Value::LargeInt(x, low) => format!("L{:016x}{low:016x}", x.to_bits()),
        Value::Str(s) => format!("u{s}"),
        Value::None => "N".to_owned(),
        Value::Bytes(b) => format!("x{}", hex(b)),
    }
}

fn values(case: &Json) -> Vec<Value> {
    case["args"]
        .as_array()
        .expect("args")
        .iter()
        .map(|a| decode(a.as_str().expect("tagged value")))
        .collect()
}

/// An outcome in one comparable shape: the result as JSON, or the
/// exception's class and message.
type Outcome = Result<Json, (String, String)>;

fn expected(case: &Json) -> Outcome {
    match case.get("err") {
        Some(e) => Err((
            e[0].as_str().expect("class").to_owned(),
            e[1].as_str().expect("message").to_owned(),
        )),
        None => Ok(case.get("ok").cloned().unwrap_or(Json::Null)),
    }
}

fn error(e: &StructError) -> (String, String) {
    (e.exception().name().to_owned(), e.to_string())
}

fn tagged(values: &[Value]) -> Json {
    values.iter().map(encode).collect::<Vec<_>>().into()
}

/// Runs every case of `kind` through `run` and fails listing the first
/// disagreements, if any.
fn check(kind: &str, at_least: usize, run: impl Fn(&Json) -> Outcome) {
    let cases = cases(kind, at_least);
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|case| {
            let got = run(case);
            let want = expected(case);
            (got != want).then(|| format!("{case}\n    netlab:  {got:?}\n    CPython: {want:?}"))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} {kind} cases disagree with CPython; first:\n{}",
        failures.len(),
        cases.len(),
        failures[..failures.len().min(10)].join("\n")
    );
}

#[test]
fn calcsize_matches_cpython() {
    check("calcsize", 3000, |case| {
        pystruct::calcsize(text(case, "fmt"))
            .map(Json::from)
            .map_err(|e| error(&e))
    });
}

#[test]
fn pack_matches_cpython() {
    check("pack", 10000, |case| {
        pystruct::pack(text(case, "fmt"), &values(case))
            .map(|b| hex(&b).into())
            .map_err(|e| error(&e))
    });
}

#[test]
fn unpack_matches_cpython() {
    check("unpack", 3000, |case| {
        pystruct::unpack(text(case, "fmt"), &unhex(text(case, "hex")))
            .map(|v| tagged(&v))
            .map_err(|e| error(&e))
    });
}

#[test]
fn pack_into_matches_cpython() {
    // The buffer after the call is part of the answer, errors included:
    // CPython leaves the values before a failing one written.
    check("pack_into", 1500, |case| {
        let mut buf = unhex(text(case, "buf"));
        let offset = case["offset"].as_i64().expect("offset");
        let result = pystruct::pack_into(text(case, "fmt"), &mut buf, offset, &values(case));
        let after = text(case, "after");
        if hex(&buf) != after {
            return Ok(format!("buffer {} instead of {after}", hex(&buf)).into());
        }
        result.map(|()| Json::Null).map_err(|e| error(&e))
    });
}

#[test]
fn unpack_from_matches_cpython() {
    check("unpack_from", 1500, |case| {
        let offset = case["offset"].as_i64().expect("offset");
        pystruct::unpack_from(text(case, "fmt"), &unhex(text(case, "hex")), offset)
            .map(|v| tagged(&v))
            .map_err(|e| error(&e))
    });
}

#[test]
fn iter_unpack_matches_cpython() {
    check("iter_unpack", 800, |case| {
        let bytes = unhex(text(case, "hex"));
        let st = Struct::new(text(case, "fmt")).map_err(|e| error(&e))?;
        let rows = st.iter_unpack(&bytes).map_err(|e| error(&e))?;
        let rows: Result<Vec<_>, _> = rows.map(|r| r.map(|v| tagged(&v))).collect();
        rows.map(Json::from).map_err(|e| error(&e))
    });
}

#[test]
fn vectors_cover_every_error_class() {
    let mut classes: Vec<&str> = [
        "calcsize",
        "pack",
        "unpack",
        "pack_into",
        "unpack_from",
        "iter_unpack",
    ]
    .iter()
    .flat_map(|kind| cases(kind, 1))
    .filter_map(|case| case.get("err").and_then(|e| e[0].as_str()))
    .collect();
    classes.sort_unstable();
    classes.dedup();
    assert_eq!(
        classes,
        [
            "MemoryError",
            "OverflowError",
            "SystemError",
            "UnicodeEncodeError",
            "struct.error"
        ]
    );
}

/// How `unpack` shows a float (the CLI's text, `Value`'s `Display`) is
/// Python's `repr`, digit for digit and exponent for exponent (vectors
/// from `tests/vectors/gen_float_repr.py`).
#[test]
fn float_display_matches_cpython_repr() {
    let data = vectors("float_repr_cpython.json");
    let cases = data["cases"].as_array().expect("cases");
    assert!(cases.len() >= 4000, "only {} cases", cases.len());
    for case in cases {
        let bits = u64::from_str_radix(case[0].as_str().unwrap(), 16).unwrap();
        let x = f64::from_bits(bits);
        assert_eq!(
            Value::Float(x).to_string(),
            case[1].as_str().unwrap(),
            "{bits:016x}"
        );
    }
}
