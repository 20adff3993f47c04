//! The subnet report against CPython's `ipaddress` (vectors from
//! `tests/vectors/gen_subnet.py`).

use netlab_core::subnet::SubnetReport;

use crate::util::{assert_all_agree, vectors};

#[test]
fn subnet_matches_cpython_ipaddress() {
    let data = vectors("subnet_cpython.json");
    let cases = data["cases"].as_array().expect("cases");
    assert!(cases.len() >= 2000, "only {} cases", cases.len());
    let mut failures = Vec::new();
    for case in cases {
        let input = case["input"].as_str().expect("input");
        let report = SubnetReport::parse(input).map(|r| serde_json::to_value(r).expect("json"));
        let expected = &case["expect"];
        match (&report, expected.get("error")) {
            (Err(_), Some(_)) => {}
            (Ok(got), None) => {
                for (field, want) in expected.as_object().expect("object") {
                    if &got[field] != want {
                        failures.push(format!(
                            "{input}: {field} = {} but CPython says {want}",
                            got[field]
                        ));
                    }
                }
            }
            (Ok(_), Some(e)) => failures.push(format!("{input}: accepted, CPython refuses ({e})")),
            (Err(e), None) => failures.push(format!("{input}: refused ({e}), CPython accepts")),
        }
    }
    assert_all_agree("subnet report", cases.len(), &failures);
}
