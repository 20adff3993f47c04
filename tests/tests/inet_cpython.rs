//! inet_aton, inet_ntoa, inet_pton and inet_ntop against CPython's `socket`
//! on glibc (vectors from `tests/vectors/gen_inet.py`).

use netlab_core::inet::{Family, inet_ntoa, inet_ntop, inet_pton, parse_inet_aton};
use serde_json::Value;

use crate::util::vectors;

/// The cases of one kind, checked to be there in number.
fn cases(kind: &str, at_least: usize) -> Vec<Value> {
    let data = vectors("inet_cpython.json");
    let cases = data[kind].as_array().expect(kind).clone();
    assert!(cases.len() >= at_least, "only {} {kind} cases", cases.len());
    cases
}

fn field<'a>(case: &'a Value, name: &str) -> &'a str {
    case[name]
        .as_str()
        .unwrap_or_else(|| panic!("{name} in {case}"))
}

fn unhex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("vector hex"))
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// CPython's answer: the value under `key`, or `Err` with its message.
fn expected(case: &Value, key: &str) -> Result<String, String> {
    match case.get("error") {
        Some(e) => Err(e.as_str().expect("error text").to_owned()),
        None => Ok(field(case, key).to_owned()),
    }
}

fn family(case: &Value) -> Family {
    field(case, "family").parse().expect("family")
}

/// Fails listing the first disagreements, if any.
fn agree(kind: &str, total: usize, failures: &[String]) {
    assert!(
        failures.is_empty(),
        "{} of {total} {kind} cases disagree with CPython; first: {:#?}",
        failures.len(),
        &failures[..failures.len().min(10)]
    );
}

#[test]
fn aton_matches_cpython() {
    let cases = cases("aton", 5000);
    let mut failures = Vec::new();
    for case in &cases {
        let input = field(case, "input");
        let got = parse_inet_aton(input)
            .map(|r| r.hex.to_string())
            .map_err(|e| e.to_string());
        let want = expected(case, "hex");
        if got != want {
            failures.push(format!("{input:?}: netlab {got:?}, CPython {want:?}"));
        }
    }
    agree("aton", cases.len(), &failures);
}

#[test]
fn ntoa_matches_cpython() {
    let cases = cases("ntoa", 2000);
    let mut failures = Vec::new();
    for case in &cases {
        let packed = field(case, "hex");
        let got = inet_ntoa(&unhex(packed))
            .map(|a| a.to_string())
            .map_err(|e| e.to_string());
        let want = expected(case, "dotted");
        if got != want {
            failures.push(format!("{packed}: netlab {got:?}, CPython {want:?}"));
        }
    }
    agree("ntoa", cases.len(), &failures);
}

#[test]
fn pton_matches_cpython() {
    let cases = cases("pton", 5000);
    let mut failures = Vec::new();
    for case in &cases {
        let text = field(case, "text");
        let family = family(case);
        let got = inet_pton(family, text)
            .map(|b| hex(&b))
            .map_err(|e| e.to_string());
        let want = expected(case, "hex");
        if got != want {
            failures.push(format!(
                "{family} {text:?}: netlab {got:?}, CPython {want:?}"
            ));
        }
    }
    agree("pton", cases.len(), &failures);
}

#[test]
fn ntop_matches_cpython() {
    let cases = cases("ntop", 3000);
    let mut failures = Vec::new();
    for case in &cases {
        let packed = field(case, "hex");
        let family = family(case);
        let got = inet_ntop(family, &unhex(packed)).map_err(|e| e.to_string());
        let want = expected(case, "text");
        if got != want {
            failures.push(format!(
                "{family} {packed}: netlab {got:?}, CPython {want:?}"
            ));
        }
    }
    agree("ntop", cases.len(), &failures);
}
