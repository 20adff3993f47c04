//! `netlab calcsize`, `pack` and `unpack`: a sample of the CPython vectors
//! replayed through the binary, plus argument handling and exit codes.

use netlab_core::pystruct::{Kind, Struct, Value};
use serde_json::{Value as Json, json};

use crate::struct_cpython::{decode, hex};
use crate::util::{netlab, netlab_json, python3, vectors};

/// Every `step`-th case of `kind`.
fn sample(kind: &str, step: usize) -> Vec<Json> {
    let data = vectors("struct_cpython.json");
    let cases = data[kind].as_array().expect(kind);
    cases.iter().step_by(step).cloned().collect()
}

/// A format the shell can pass and clap reads as the FORMAT argument.
fn passable(format: &str) -> bool {
    !format.contains('\0') && !format.starts_with('-')
}

/// The command-line spelling of `value` for a slot of `kind`, if there is
/// one that `netlab pack` reads back as exactly this value.
fn arg(tagged: &str, kind: Option<Kind>) -> Option<String> {
    let text_slot = matches!(kind, Some(Kind::Char | Kind::Bytes | Kind::Pascal));
    match &decode(tagged) {
        Value::Bytes(b) => Some(format!("hex:{}", hex(b))),
        // A command line has no str apart from bytes.
        Value::Str(_) => None,
        _ if text_slot => None,
        // The digits themselves: beyond an i128 the value keeps only a float.
        Value::Int(_) | Value::LargeInt(..) => tagged.strip_prefix('i').map(str::to_owned),
        Value::Bool(b) => Some(b.to_string()),
        Value::None => Some("None".to_owned()),
        Value::Float(x) if x.is_nan() => {
            (x.to_bits() == f64::NAN.to_bits()).then(|| "nan".to_owned())
        }
        Value::Float(x) => Some(format!("{x:?}")),
    }
}

/// The kind of each value slot of `format` (none if it does not compile).
fn slots(format: &str) -> Vec<Kind> {
    let Ok(st) = Struct::new(format) else {
        return Vec::new();
    };
    st.layout()
        .items
        .iter()
        .flat_map(|item| {
            std::iter::repeat_n(
                item.kind,
                usize::try_from(item.values).unwrap_or(0).min(4096),
            )
        })
        .collect()
}

/// CPython's error as the CLI prints it: the message, or the class when
/// the message is empty (`MemoryError`).
fn cli_error(err: &Json) -> Json {
    let message = err[1].as_str().expect("message");
    let shown = if message.is_empty() {
        err[0].as_str().expect("class")
    } else {
        message
    };
    json!({ "error": shown })
}

/// Whether the CLI's JSON value is the vector's value. The expected value
/// goes through the same JSON text and parser as the CLI's, since
/// serde_json's default float parsing can miss the last bit.
fn same_value(cli: &Json, want: &Value) -> bool {
    let text = serde_json::to_string(want).unwrap();
    serde_json::from_str::<Json>(&text).unwrap() == *cli
}

#[test]
fn pack_sample_matches_cpython() {
    let mut checked = 0;
    let mut failures = Vec::new();
    // Every 100th case, and every int beyond an i128 (read on a path of its own).
    let large = |case: &Json| {
        case["args"].as_array().expect("args").iter().any(|a| {
            let tagged = a.as_str().unwrap_or_default();
            matches!(decode(tagged), Value::LargeInt(..))
        })
    };
    let all = vectors("struct_cpython.json")["pack"].clone();
    let cases = sample("pack", 100).into_iter().chain(
        all.as_array()
            .expect("pack")
            .iter()
            .filter(|c| large(c))
            .cloned(),
    );
    for case in cases {
        let format = case["fmt"].as_str().expect("fmt");
        let kinds = slots(format);
        let args: Option<Vec<String>> = case["args"]
            .as_array()
            .expect("args")
            .iter()
            .enumerate()
            .map(|(i, a)| arg(a.as_str().expect("tagged"), kinds.get(i).copied()))
            .collect();
        let Some(args) = args.filter(|_| passable(format)) else {
            continue;
        };
        let mut argv = vec!["pack", format];
        argv.extend(args.iter().map(String::as_str));
        let (code, out) = netlab_json(&argv);
        let ok = match case.get("err") {
            Some(err) => code == 2 && out == cli_error(err),
            None => code == 0 && out["hex"] == case["ok"] && out["format"] == format,
        };
        if !ok {
            failures.push(format!("{argv:?}: exit {code}, {out}; CPython {case}"));
        }
        checked += 1;
    }
    assert!(
        checked >= 100,
        "only {checked} pack cases fit a command line"
    );
    assert!(
        failures.is_empty(),
        "{} disagree; first: {:#?}",
        failures.len(),
        &failures[..failures.len().min(5)]
    );
}

#[test]
fn unpack_sample_matches_cpython() {
    let mut checked = 0;
    let mut failures = Vec::new();
    for case in sample("unpack", 80) {
        let format = case["fmt"].as_str().expect("fmt");
        if !passable(format) {
            continue;
        }
        let hex = case["hex"].as_str().expect("hex");
        let argv = ["unpack", format, hex];
        let (code, out) = netlab_json(&argv);
        // The same bytes as Python prints them (`b'...'`) read the same.
        let bytes = netlab_core::packet::hex::parse_hex(hex).expect("hex");
        let literal = Value::Bytes(bytes).to_string();
        if netlab_json(&["unpack", format, &literal]) != (code, out.clone()) {
            failures.push(format!("{literal} reads otherwise than {hex}"));
        }
        let ok = match case.get("err") {
            Some(err) => code == 2 && out == cli_error(err),
            None => {
                let want: Vec<Value> = case["ok"]
                    .as_array()
                    .expect("ok")
                    .iter()
                    .map(|v| decode(v.as_str().expect("tagged")))
                    .collect();
                let got = out["values"].as_array().cloned().unwrap_or_default();
                code == 0
                    && got.len() == want.len()
                    && got.iter().zip(&want).all(|(g, w)| same_value(g, w))
                    && out["fields"].as_array().map(Vec::len) == Some(want.len())
            }
        };
        if !ok {
            failures.push(format!("{argv:?}: exit {code}, {out}; CPython {case}"));
        }
        checked += 1;
    }
    assert!(
        checked >= 60,
        "only {checked} unpack cases fit a command line"
    );
    assert!(
        failures.is_empty(),
        "{} disagree; first: {:#?}",
        failures.len(),
        &failures[..failures.len().min(5)]
    );
}

#[test]
fn calcsize_sample_matches_cpython() {
    for case in sample("calcsize", 50) {
        let format = case["fmt"].as_str().expect("fmt");
        if !passable(format) {
            continue;
        }
        let (code, out) = netlab_json(&["calcsize", format]);
        match case.get("err") {
            Some(err) => assert_eq!((code, out), (2, cli_error(err)), "{format:?}"),
            None => {
                assert_eq!(code, 0, "{format:?}");
                assert_eq!(out["size"], case["ok"], "{format:?}");
                assert_eq!(out["format"], format);
            }
        }
    }
}

#[test]
fn pack_json_is_the_contract() {
    let (code, out) = netlab_json(&["pack", "<hxI", "-2", "0x01020304"]);
    assert_eq!(code, 0);
    assert_eq!(out["format"], "<hxI");
    assert_eq!(out["size"], 7);
    assert_eq!(out["hex"], "feff0004030201");
    assert_eq!(
        out["fields"],
        json!([
            {"index": 0, "code": "h", "offset": 0, "size": 2, "value": -2},
            {"index": 1, "code": "I", "offset": 3, "size": 4, "value": 16909060}
        ])
    );
    let (_, out) = netlab_json(&["pack", "c3s3p?", "A", "hi", "hex:00ff", "true"]);
    assert_eq!(out["hex"], "416869000200ff01");
}

#[test]
fn unpack_json_is_the_contract() {
    let (code, out) = netlab_json(&["unpack", ">Hd4s?", "0050 7ff0000000000000 61620000 02"]);
    assert_eq!(code, 0);
    assert_eq!(out["values"], json!([80, "inf", {"hex": "61620000"}, true]));
    assert_eq!(
        out["fields"][2],
        json!({"index": 2, "code": "s", "offset": 10, "size": 4, "value": {"hex": "61620000"}})
    );
    let (_, out) = netlab_json(&["unpack", "<ef", "007e0000c0ff"]);
    assert_eq!(out["values"], json!(["nan", "nan"]));
}

#[test]
fn negative_values_need_no_double_dash() {
    for argv in [
        &["pack", "<hqd", "-1", "-0x10", "-inf"][..],
        &["pack", "<hqd", "--", "-1", "-0x10", "-inf"],
        &["pack", "<hqd", "-1", "-16", "-inf", "--json"],
    ] {
        let (code, out) = netlab_json(argv);
        assert_eq!(code, 0, "{argv:?}: {out}");
        assert_eq!(
            out["hex"], "fffff0ffffffffffffff000000000000f0ff",
            "{argv:?}"
        );
    }
    let out = netlab(&["pack", "<b", "-1", "--json"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"hex\":\"ff\""));
    // `--` ends the options (cli.md): a --json after it is a value.
    let (code, out) = netlab_json(&["pack", "6s", "--", "--json"]);
    assert_eq!(
        (code, out["hex"].as_str()),
        (0, Some("2d2d6a736f6e")),
        "{out}"
    );
    let text = netlab(&["pack", "6s", "--", "--json"]);
    assert!(
        String::from_utf8_lossy(&text.stdout).starts_with("Format:"),
        "text output: no --json flag was given"
    );
}

#[test]
fn errors_exit_2_with_cpythons_message() {
    let cases = [
        (
            &["pack", "B", "256"][..],
            "ubyte format requires 0 <= number <= 255",
        ),
        (
            &["pack", "3h", "1", "2"],
            "pack expected 3 items for packing (got 2)",
        ),
        (&["pack", "i", "1.5"], "required argument is not an integer"),
        // None, as CPython 3.11 refuses it (the sample above also packs
        // it for '?' from the vectors).
        (
            &["pack", "i", "None"],
            "required argument is not an integer",
        ),
        (&["pack", "d", "None"], "required argument is not a float"),
        (
            &["pack", "<f", "1e300"],
            "float too large to pack with f format",
        ),
        (
            &["pack", "c", "ab"],
            "char format requires a bytes object of length 1",
        ),
        (&["pack", "<P", "1"], "bad char in struct format"),
        (
            &["unpack", "i", "0000"],
            "unpack requires a buffer of 4 bytes",
        ),
        (
            &["unpack", "0p", ""],
            "Negative size passed to PyBytes_FromStringAndSize",
        ),
        (
            &["calcsize", "3"],
            "repeat count given without format specifier",
        ),
        (
            &["calcsize", "99999999999999999999x"],
            "total struct size too long",
        ),
    ];
    for (argv, message) in cases {
        let (code, out) = netlab_json(argv);
        assert_eq!((code, out), (2, json!({ "error": message })), "{argv:?}");
        let text = netlab(argv);
        assert_eq!(text.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&text.stderr);
        // The error line, then at most a hint (0p: CPython's SystemError).
        let mut lines = stderr.lines();
        assert_eq!(
            lines.next(),
            Some(format!("netlab: error: {message}").as_str()),
            "{argv:?}"
        );
        assert!(
            lines.all(|l| l.starts_with("netlab: hint: ")),
            "{argv:?}: {stderr}"
        );
    }
    let (code, out) = netlab_json(&["unpack", "h", "zz"]);
    assert_eq!(code, 2);
    assert_eq!(out["error"], "'z' at position 0 is not a hex digit");
    let (code, out) = netlab_json(&["unpack", "h", r"b'\q'"]);
    assert_eq!(code, 2);
    assert_eq!(
        out["error"],
        r"'\q' at position 2 is not an escape of a Python bytes literal"
    );
}

#[test]
fn text_output_lays_out_the_bytes() {
    let out = netlab(&["pack", "ci", "A", "7"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("Hex:       41 00 00 00 07 00 00 00"),
        "{text}"
    );
    assert!(text.contains("pad"), "{text}");
    assert!(text.contains("b'A'"), "{text}");
    let out = netlab(&["calcsize", "ci"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Size:      8 bytes"), "{text}");
    assert!(text.contains("padding to align 'i'"), "{text}");
}

/// What python3 prints for `expr` (with struct and socket imported).
fn python_prints(expr: &str) -> String {
    python3(&format!("import socket, struct; print({expr})"), &[])
        .trim_end()
        .to_owned()
}

/// The value of a `label` line of netlab's text output.
fn line_of(args: &[&str], label: &str) -> String {
    let out = netlab(args);
    let text = String::from_utf8(out.stdout).unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix(label))
        .unwrap_or_else(|| panic!("{args:?}: no {label:?} line in {text}"))
        .trim()
        .to_owned()
}

#[test]
fn text_output_shows_what_python_prints() {
    // The seeds show struct's and inet_aton's results as print() shows
    // them (seed 000 §6.6: b'90\x00\x00', (12345,)); netlab's text has the
    // same line, checked against python3 itself.
    for (args, expr) in [
        (&["pack", "i", "12345"][..], "struct.pack('i', 12345)"),
        (&["pack", "i", "123456789"], "struct.pack('i', 123456789)"),
        (
            &["pack", "!H2s", "8080", "hi"],
            "struct.pack('!H2s', 8080, b'hi')",
        ),
        (&["pack", "c", "'"], "struct.pack('c', b\"'\")"),
        (
            &["unpack", "!HH4s", "005001bbc0a80001"],
            "struct.unpack('!HH4s', bytes.fromhex('005001bbc0a80001'))",
        ),
        (
            &["unpack", "i", "39300000"],
            "struct.unpack('i', b'90\\x00\\x00')",
        ),
        (
            &["unpack", "?d", "01000000000000000000000000000840"],
            "struct.unpack('?d', bytes.fromhex('01000000000000000000000000000840'))",
        ),
    ] {
        assert_eq!(line_of(args, "Python:"), python_prints(expr), "{args:?}");
    }
    assert_eq!(
        line_of(&["aton", "127.1"], "python:"),
        python_prints("socket.inet_aton('127.1')")
    );
    // A long result is cut, saying how long it is.
    assert_eq!(
        line_of(&["pack", "100s", "a"], "Python:"),
        format!("b'a{}' … (100 bytes)", "\\x00".repeat(63))
    );
}

#[test]
fn bare_python_errors_get_the_reason_as_a_hint() {
    // CPython's MemoryError has no message, and 0p's SystemError names a C
    // function: the hint says what lies behind each.
    for (args, error, hint) in [
        (
            &["pack", "1000000000x"][..],
            "netlab: error: MemoryError\n",
            "netlab: hint: this format makes 1000000000 bytes; netlab packs at most 268435456 (256 MiB)",
        ),
        (
            &["unpack", "0p", ""],
            "netlab: error: Negative size passed to PyBytes_FromStringAndSize\n",
            "netlab: hint: CPython 3.11 raises this SystemError for a 0p field",
        ),
    ] {
        let out = netlab(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            stderr.starts_with(error) && stderr.contains(hint),
            "{args:?}: {stderr}"
        );
    }
}
