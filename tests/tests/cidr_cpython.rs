//! Aggregation, ranges, splits, `same` and how two networks relate against
//! CPython's `ipaddress` (vectors from `tests/vectors/gen_cidr.py`).

use std::net::IpAddr;

use netlab_core::aggregate::{parse_network, range_to_cidrs, relate, summarize};
use netlab_core::plan::split;
use netlab_core::same::SameReport;
use serde_json::Value;

use crate::util::{assert_all_agree, vectors};

fn cases(section: &str) -> Vec<Value> {
    let data = vectors("cidr_cpython.json");
    data[section].as_array().expect(section).clone()
}

/// CPython's networks in netlab's spelling (Python 3.11 writes
/// IPv4-mapped addresses in hex), so that lists compare as text.
fn nets(list: &Value) -> Vec<String> {
    list.as_array()
        .expect("list")
        .iter()
        .map(|n| {
            parse_network(n.as_str().expect("text"))
                .expect("CPython's network")
                .to_string()
        })
        .collect()
}

fn texts<T: ToString>(items: impl IntoIterator<Item = T>) -> Vec<String> {
    items.into_iter().map(|n| n.to_string()).collect()
}

#[test]
fn summarize_matches_cpython_collapse_addresses() {
    let cases = cases("collapse");
    assert!(cases.len() >= 3000, "only {} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let input: Vec<_> = case["input"]
            .as_array()
            .expect("input")
            .iter()
            .map(|t| parse_network(t.as_str().expect("text")).expect("a network"))
            .collect();
        let want = nets(&case["expect"]);
        let got = texts(summarize(&input));
        if got != want {
            failures.push(format!(
                "{}: {got:?} but CPython says {want:?}",
                case["input"]
            ));
        }
    }
    assert_all_agree("collapse_addresses", cases.len(), &failures);
}

#[test]
fn range_matches_cpython_summarize_address_range() {
    let cases = cases("range");
    assert!(cases.len() >= 2500, "only {} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let start: IpAddr = case["start"]
            .as_str()
            .expect("start")
            .parse()
            .expect("start");
        let end: IpAddr = case["end"].as_str().expect("end").parse().expect("end");
        let got = range_to_cidrs(start, end).map(texts);
        match (&got, case["expect"].get("error")) {
            (Err(_), Some(_)) => {}
            (Ok(got), None) => {
                let want = nets(&case["expect"]);
                if *got != want {
                    failures.push(format!("{start}-{end}: {got:?} but CPython says {want:?}"));
                }
            }
            (Ok(_), Some(e)) => {
                failures.push(format!("{start}-{end}: accepted, CPython refuses ({e})"))
            }
            (Err(e), None) => {
                failures.push(format!("{start}-{end}: refused ({e}), CPython accepts"))
            }
        }
    }
    assert_all_agree("summarize_address_range", cases.len(), &failures);
}

#[test]
fn split_matches_cpython_subnets() {
    let cases = cases("subnets");
    assert!(cases.len() >= 2000, "only {} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let network = parse_network(case["network"].as_str().expect("network")).expect("network");
        let prefix = case["prefix"].as_u64().expect("prefix");
        let got = u8::try_from(prefix)
            .map_err(|e| e.to_string())
            .and_then(|p| split(network, p).map_err(|e| e.to_string()));
        match (got, case["expect"].get("error")) {
            (Err(_), Some(_)) => {}
            (Ok(s), None) => {
                let want = nets(&case["expect"]);
                let count = s.count.get();
                let got = texts(s.subnets);
                if got != want || count != Some(want.len() as u128) {
                    failures.push(format!(
                        "{network} /{prefix}: {got:?} (count {count:?}) but CPython says {want:?}"
                    ));
                }
            }
            (Ok(_), Some(e)) => failures.push(format!(
                "{network} /{prefix}: accepted, CPython refuses ({e})"
            )),
            (Err(e), None) => failures.push(format!(
                "{network} /{prefix}: refused ({e}), CPython accepts"
            )),
        }
    }
    assert_all_agree("subnets", cases.len(), &failures);
}

#[test]
fn same_matches_cpython() {
    let cases = cases("same");
    assert!(cases.len() >= 3000, "only {} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let text = |k: &str| case[k].as_str().expect(k).to_owned();
        let (a, b, mask) = (text("a"), text("b"), text("mask"));
        let want = case["expect"].as_bool().expect("verdict");
        match SameReport::parse(&a, &b, &mask) {
            Ok(r) if r.same == want => {}
            Ok(r) => failures.push(format!(
                "{a} {b} {mask}: same = {} but CPython says {want}",
                r.same
            )),
            Err(e) => failures.push(format!("{a} {b} {mask}: refused ({e})")),
        }
    }
    assert_all_agree("same", cases.len(), &failures);
}

#[test]
fn relate_matches_cpython_overlaps_subnet_of_and_supernet_of() {
    let cases = cases("relate");
    assert!(cases.len() >= 3000, "only {} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let net = |k: &str| parse_network(case[k].as_str().expect(k)).expect("CPython's network");
        let (a, b) = (net("a"), net("b"));
        let r = relate(a, b);
        let want = &case["expect"];
        // CPython refuses subnet_of and supernet_of across versions (null).
        let got = serde_json::json!({
            "overlaps": r.overlaps(),
            "subnet_of": (a.network().is_ipv4() == b.network().is_ipv4()).then(|| r.subnet_of()),
            "supernet_of": (a.network().is_ipv4() == b.network().is_ipv4()).then(|| r.supernet_of()),
        });
        if &got != want {
            failures.push(format!(
                "{a} {b}: {r:?} gives {got} but CPython says {want}"
            ));
        }
    }
    assert_all_agree("relate", cases.len(), &failures);
}
