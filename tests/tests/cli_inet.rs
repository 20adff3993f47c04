//! `netlab aton`, `ntoa`, `pton`, `ntop` and `int` as a process: a sample of
//! the CPython vectors through the CLI, exit codes and error output.

use serde_json::{Value, json};

use crate::util::{netlab, netlab_json, vectors};

/// Every `step`-th case of one kind, skipping what a process argument cannot
/// carry (a NUL).
fn sample(kind: &str, step: usize) -> Vec<Value> {
    let data = vectors("inet_cpython.json");
    data[kind]
        .as_array()
        .expect(kind)
        .iter()
        .step_by(step)
        .filter(|case| !case.to_string().contains("\\u0000"))
        .cloned()
        .collect()
}

fn text<'a>(case: &'a Value, name: &str) -> &'a str {
    case[name]
        .as_str()
        .unwrap_or_else(|| panic!("{name} in {case}"))
}

/// Runs `netlab --json ARGS`, checks the exit code against the case (0, or
/// 2 with CPython's message) and returns the JSON for success.
fn check(args: &[&str], case: &Value, failures: &mut Vec<String>) -> Option<Value> {
    let (code, json) = netlab_json(args);
    match case.get("error") {
        Some(error) => {
            if code != 2 || json != json!({ "error": error }) {
                failures.push(format!("{args:?}: exit {code}, {json}; CPython: {error}"));
            }
            None
        }
        None if code != 0 => {
            failures.push(format!("{args:?}: exit {code}, {json}; CPython: {case}"));
            None
        }
        None => Some(json),
    }
}

fn agree(kind: &str, checked: usize, failures: &[String]) {
    assert!(checked >= 40, "only {checked} {kind} cases sampled");
    assert!(
        failures.is_empty(),
        "{} of {checked} sampled {kind} cases disagree; first: {:#?}",
        failures.len(),
        &failures[..failures.len().min(10)]
    );
}

#[test]
fn cli_aton_matches_cpython_sample() {
    let cases = sample("aton", 50);
    let mut failures = Vec::new();
    for case in &cases {
        let input = text(case, "input");
        if let Some(got) = check(&["aton", "--", input], case, &mut failures) {
            let hex = text(case, "hex");
            let integer = u32::from_str_radix(hex, 16).unwrap();
            let want_dotted = std::net::Ipv4Addr::from(integer).to_string();
            if got["input"] != input
                || got["hex"] != hex
                || got["integer"] != integer
                || got["dotted"] != want_dotted.as_str()
            {
                failures.push(format!("{input:?}: {got}; CPython {hex}"));
            }
        }
    }
    agree("aton", cases.len(), &failures);
}

#[test]
fn cli_ntoa_matches_cpython_sample() {
    let cases = sample("ntoa", 50);
    let mut failures = Vec::new();
    for case in &cases {
        let hex = text(case, "hex");
        if let Some(got) = check(&["ntoa", "--", hex], case, &mut failures)
            && got != json!({ "hex": hex, "dotted": case["dotted"] })
        {
            failures.push(format!("{hex}: {got}; CPython {case}"));
        }
    }
    agree("ntoa", cases.len(), &failures);
}

#[test]
fn cli_pton_matches_cpython_sample() {
    let cases = sample("pton", 50);
    let mut failures = Vec::new();
    for case in &cases {
        let (family, input) = (text(case, "family"), text(case, "text"));
        if let Some(got) = check(&["pton", family, "--", input], case, &mut failures)
            && got != json!({ "family": family, "text": input, "hex": case["hex"] })
        {
            failures.push(format!("{family} {input:?}: {got}; CPython {case}"));
        }
    }
    agree("pton", cases.len(), &failures);
}

#[test]
fn cli_ntop_matches_cpython_sample() {
    let cases = sample("ntop", 50);
    let mut failures = Vec::new();
    for case in &cases {
        let (family, hex) = (text(case, "family"), text(case, "hex"));
        if let Some(got) = check(&["ntop", family, "--", hex], case, &mut failures)
            && got != json!({ "family": family, "hex": hex, "text": case["text"] })
        {
            failures.push(format!("{family} {hex}: {got}; CPython {case}"));
        }
    }
    agree("ntop", cases.len(), &failures);
}

#[test]
fn aton_text_shows_how_each_part_was_read() {
    let out = netlab(&["aton", "0127.1"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("0127.1  ->  87.0.0.1"), "{text}");
    assert!(text.contains("octal"), "{text}");
    assert!(text.contains("bytes 2-4"), "{text}");

    let (code, json) = netlab_json(&["aton", "1.2.3.4 trailing"]);
    assert_eq!(code, 0);
    assert_eq!(json["ignored"], " trailing");
    assert_eq!(json["parts"][3]["text"], "4");
}

#[test]
fn errors_go_to_stderr_in_cpython_words_with_exit_2() {
    let out = netlab(&["aton", "1.2.3."]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with("netlab: error: illegal IP address string passed to inet_aton\n"),
        "{stderr}"
    );

    for (args, message) in [
        (
            &["ntoa", "c0a801"][..],
            "packed IP wrong length for inet_ntoa",
        ),
        (
            &["pton", "inet", "01.2.3.4"],
            "illegal IP address string passed to inet_pton",
        ),
        (
            &["ntop", "inet6", "01020304"],
            "invalid length of packed IP address string",
        ),
    ] {
        let (code, json) = netlab_json(args);
        assert_eq!((code, json), (2, json!({ "error": message })), "{args:?}");
    }
}

#[test]
fn bad_family_and_bad_hex_are_usage_errors() {
    let (code, json) = netlab_json(&["pton", "ipx", "1.2.3.4"]);
    assert_eq!(code, 2);
    assert!(
        json["error"]
            .as_str()
            .unwrap()
            .contains("unknown address family 'ipx'")
    );

    let (code, json) = netlab_json(&["ntoa", "c0a8010"]);
    assert_eq!(code, 2);
    assert!(
        json["error"]
            .as_str()
            .unwrap()
            .contains("odd number of hex digits")
    );

    // Address text is the other direction, even where it would read as
    // hex (10.10.10.10 as four bytes of 0x10): refused, with the command meant.
    for (argv, hint) in [
        (&["ntoa", "10.10.10.10"][..], "netlab pton inet 10.10.10.10"),
        (&["ntop", "inet6", "::1"], "netlab pton inet6 ::1"),
        // A leading zero, which strict parsing refuses, read 16.16.16.1 as
        // hex: it is address text too, and inet_aton's reading is named.
        (
            &["ntoa", "10.10.10.01"],
            "netlab aton 10.10.10.01 (inet_aton reads it as 10.10.10.1;",
        ),
        (
            &["ntop", "inet", "010.1.1.1"],
            "netlab aton 010.1.1.1 (inet_aton reads it as 8.1.1.1;",
        ),
    ] {
        let out = netlab(argv);
        assert_eq!(out.status.code(), Some(2), "{argv:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.starts_with(&format!(
                "netlab: error: '{}' is address text, not packed bytes\n",
                argv[argv.len() - 1]
            )),
            "{stderr}"
        );
        assert!(stderr.contains(hint), "{stderr}");
    }

    let (code, json) = netlab_json(&["ntoa", "c0a8010g"]);
    assert_eq!(code, 2);
    assert_eq!(json["error"], "'g' at position 7 is not a hex digit");

    // Python's printing of inet_aton's bytes is read as the bytes.
    for hex in [
        "c0.a8.01.02",
        "0xc0a80102",
        "c0 a8 01 02",
        "C0:A8:01:02",
        r"b'\xc0\xa8\x01\x02'",
    ] {
        let (code, json) = netlab_json(&["ntoa", hex]);
        assert_eq!((code, &json["dotted"]), (0, &json!("192.168.1.2")), "{hex}");
    }
}

#[test]
fn int_converts_both_ways() {
    let (code, json) = netlab_json(&["int", "192.168.12.87"]);
    assert_eq!(code, 0);
    assert_eq!(json["integer"], 3232238679u32);
    assert_eq!(json["hex"], "0xc0a80c57");
    assert_eq!(json["binary"], "11000000.10101000.00001100.01010111");
    assert_eq!(json["byte_order"]["network_bytes"], "c0 a8 0c 57");
    assert_eq!(json["byte_order"]["swapped_integer"], 1460447424u32);

    let (code, json) = netlab_json(&["int", "--v4", "0xc0a80c57"]);
    assert_eq!((code, &json["address"]), (0, &json!("192.168.12.87")));

    let (code, json) = netlab_json(&["int", "--v6", "1"]);
    assert_eq!(
        (code, &json["address"], &json["integer"]),
        (0, &json!("::1"), &json!("1"))
    );
    assert_eq!(json["byte_order"], Value::Null);

    let (code, json) = netlab_json(&["int", "--v4", "4294967296"]);
    assert_eq!(code, 2);
    assert!(json["error"].as_str().unwrap().contains("above 4294967295"));

    let (code, json) = netlab_json(&["int", "3232238679"]);
    assert_eq!(code, 2);
    assert!(json["error"].as_str().unwrap().contains("--v4"));

    let out = netlab(&["int", "10.0.0.1"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("1.0.0.10"), "{text}");
}
