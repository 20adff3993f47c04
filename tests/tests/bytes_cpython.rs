//! Python bytes literals as CPython reads them (vectors from
//! `tests/vectors/gen_bytes.py`): what `parse_bytes` makes of the
//! `b'...'` a learner copies from `print(struct.pack(...))`.

use netlab_core::packet::hex::parse_bytes;

use crate::util::{assert_all_agree, vectors};

#[test]
fn bytes_literals_read_as_cpython_reads_them() {
    let data = vectors("bytes_literal_cpython.json");
    let cases = data["cases"].as_array().expect("cases");
    assert!(cases.len() >= 2000, "only {} cases", cases.len());
    let mut failures = Vec::new();
    for case in cases {
        let literal = case["literal"].as_str().expect("literal");
        let ours = parse_bytes(literal);
        match (case["hex"].as_str(), &ours) {
            (Some(hex), Ok(bytes)) if netlab_core::auth::hex(bytes) == hex => {}
            // CPython refuses it, or only warns: netlab refuses it.
            (None, Err(_)) => {}
            _ => failures.push(format!("{literal:?}: CPython {case} but netlab {ours:?}")),
        }
    }
    assert_all_agree("bytes literals", cases.len(), &failures);
}
