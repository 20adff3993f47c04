//! The `netlab` binary as a process: output forms, exit codes, error format.

use crate::util::{netlab, netlab_json};

#[test]
fn subnet_json_has_the_spec_fields() {
    let (code, json) = netlab_json(&["subnet", "192.168.12.87/24"]);
    assert_eq!(code, 0);
    assert_eq!(json["network"], "192.168.12.0");
    assert_eq!(json["broadcast"], "192.168.12.255");
    assert_eq!(json["first_host"], "192.168.12.1");
    assert_eq!(json["last_host"], "192.168.12.254");
    assert_eq!(json["total_addresses"], 256);
    assert_eq!(json["usable_hosts"], 254);
    assert_eq!(
        json["binary"]["network"],
        "11000000.10101000.00001100.00000000"
    );
    assert_eq!(json["ranges"][0]["name"], "Private-Use");
    assert_eq!(json["ranges"][0]["rfc"], "RFC 1918");
}

#[test]
fn subnet_accepts_mask_forms_and_json_after_the_command() {
    let slash = netlab(&["subnet", "10.1.2.3/255.255.240.0", "--json"]);
    let space = netlab(&["--json", "subnet", "10.1.2.3", "255.255.240.0"]);
    assert!(slash.status.success() && space.status.success());
    assert_eq!(slash.stdout, space.stdout);
    let json: serde_json::Value = serde_json::from_slice(&slash.stdout).unwrap();
    assert_eq!(json["prefix"], 20);
}

#[test]
fn subnet_text_is_readable() {
    let out = netlab(&["subnet", "192.168.12.87/24"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Network:   192.168.12.0/24"), "{text}");
    assert!(text.contains("Broadcast: 192.168.12.255"), "{text}");
    assert!(text.contains("Hosts/Net: 254"), "{text}");
}

#[test]
fn bad_input_exits_2_with_the_message_on_stderr_and_json_on_stdout() {
    let out = netlab(&["subnet", "10.0.0.1/255.0.255.0"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "netlab: error: mask 255.0.255.0 is not contiguous\n"
    );
    assert!(out.stdout.is_empty());
    let (code, json) = netlab_json(&["subnet", "10.0.0.1/33"]);
    assert_eq!(code, 2);
    assert_eq!(json["error"], "prefix 33 is out of range for IPv4 (0-32)");
}

/// A command line that cannot be read is an error like any other:
/// `netlab: error: …` first on stderr (clap's usage after it) and, with
/// `--json`, `{"error": …}` on stdout.
#[test]
fn usage_errors_exit_2_in_the_error_format() {
    let out = netlab(&["subnet"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with(
            "netlab: error: the following required arguments were not provided: <ADDRESS>\n"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("Usage: netlab subnet"), "{stderr}");
    assert!(out.stdout.is_empty());
    // (`netlab_json` puts `--json` first.)
    for args in [
        &["no-such-command"][..],
        &["same", "10.0.0.1", "10.0.0.2"],
        &[],
    ] {
        let (code, json) = netlab_json(args);
        assert_eq!(code, 2, "{args:?}");
        assert!(
            json["error"].as_str().is_some_and(|e| !e.is_empty()),
            "{args:?}: {json}"
        );
    }
    let out = netlab(&["--help"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Usage: netlab"));
}

/// The forms other calculators use (`split NET /26`, `same A B MASK`,
/// `range A-B`) are usage errors, each followed by the command meant.
#[test]
fn usage_errors_in_familiar_forms_hint_at_the_command_meant() {
    for (args, hint) in [
        (
            &["split", "192.168.0.0/24", "/26"][..],
            "netlab: hint: the new prefix goes after --prefix: netlab split 192.168.0.0/24 --prefix 26 (or --count N for N subnets)",
        ),
        (
            &["same", "10.0.0.1", "10.0.0.9", "255.255.255.0"],
            "netlab: hint: the mask goes after --mask: netlab same 10.0.0.1 10.0.0.9 --mask 255.255.255.0 (or --prefix N)",
        ),
        (
            &["range", "10.0.0.5-10.0.0.20"],
            "netlab: hint: give the two ends apart: netlab range 10.0.0.5 10.0.0.20",
        ),
    ] {
        let out = netlab(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let mut lines = stderr.lines();
        assert!(
            lines
                .next()
                .is_some_and(|l| l.starts_with("netlab: error: ")),
            "{stderr}"
        );
        assert_eq!(lines.next(), Some(hint), "{stderr}");
    }
}

/// Values that look like negative numbers are values, with or without `--`,
/// so the error is about the value.
#[test]
fn negative_looking_values_need_no_double_dash() {
    let (code, json) = netlab_json(&["subnet", "10.0.0.1", "-1"]);
    assert_eq!(
        (code, json["error"].as_str()),
        (2, Some("prefix -1 is out of range for IPv4 (0-32)"))
    );
    let (code, json) = netlab_json(&["pack", "<hd", "-5", "-1.5e3"]);
    assert_eq!(
        (code, json["hex"].as_str()),
        (0, Some("fbff00000000007097c0"))
    );
    let (code, json) = netlab_json(&["split", "10.0.0.0/8", "--count", "-1"]);
    assert_eq!(code, 2, "{json}");
}

#[test]
fn output_that_cannot_be_written_is_an_error_not_a_success() {
    // /dev/full refuses every write with ENOSPC, as a full disk does: the
    // output is lost, so the exit code must not say success. (A closed
    // pipe, the reader's choice, stays quiet: split's streaming test.)
    let full = || {
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full")
    };
    let commands: [&[&str]; 6] = [
        &["subnet", "1.2.3.4/24"],
        &["--json", "subnet", "1.2.3.4/24"],
        &["split", "10.0.0.0/16", "--prefix", "24"],
        &["classify", "1.1.1.1", "10.0.0.1"],
        &["summarize", "10.0.0.0/24", "10.0.1.0/24"],
        &["pack", "!H", "80"],
    ];
    for args in commands {
        let out = std::process::Command::new(crate::util::bin_dir().join("netlab"))
            .args(args)
            .stdout(full())
            .output()
            .expect("run netlab");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("netlab: error: could not write the output: No space left on device"),
            "{args:?}: {stderr}"
        );
    }
}

/// Runs `netlab ARGS` on a terminal (util-linux `script` gives it one),
/// with `NO_COLOR` set or not; what the terminal showed.
fn on_terminal(args: &str, no_color: Option<&str>) -> String {
    let netlab = crate::util::bin_dir().join("netlab");
    let mut command = std::process::Command::new("script");
    command
        .args(["-qec", &format!("{} {args}", netlab.display()), "/dev/null"])
        .env_remove("NO_COLOR");
    if let Some(value) = no_color {
        command.env("NO_COLOR", value);
    }
    let out = command.output().expect("script (util-linux) runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn colour_only_on_a_terminal_and_never_with_no_color() {
    // On a terminal: the 22 network bits in one colour, the host bits in
    // another, the dot inside the network part; `error:` in red.
    let shown = on_terminal("subnet 10.1.2.3/22", None);
    assert!(
        shown.contains("\x1b[1m\x1b[36m00001010.00000001.000000\x1b[0m\x1b[33m10.00000011\x1b[0m"),
        "{shown:?}"
    );
    let shown = on_terminal("same 192.168.12.1 192.168.13.1 --prefix 24", None);
    assert!(
        shown.contains("\x1b[1m\x1b[31mDifferent networks:\x1b[0m"),
        "{shown:?}"
    );
    let shown = on_terminal("subnet 10.1.2.3/33", None);
    assert!(
        shown.contains("netlab: \x1b[1m\x1b[31merror:\x1b[0m prefix 33"),
        "{shown:?}"
    );
    // NO_COLOR set (to anything, even empty: the contract says "unset"),
    // JSON, or a pipe: no escape at all.
    for (args, no_color, expected) in [
        (
            "subnet 10.1.2.3/22",
            Some("1"),
            "00001010.00000001.00000010.00000011",
        ),
        (
            "subnet 10.1.2.3/33",
            Some("yes"),
            "netlab: error: prefix 33",
        ),
        (
            "same 192.168.12.1 192.168.13.1 --prefix 24",
            Some(""),
            "Different networks:",
        ),
        ("subnet --help", Some(""), "Usage:"),
        ("--json subnet 10.1.2.3/22", None, "\"prefix\":22"),
    ] {
        let shown = on_terminal(args, no_color);
        assert!(
            shown.contains(expected) && !shown.contains('\x1b'),
            "{args}: {shown:?}"
        );
    }
    let piped = crate::util::netlab(&["subnet", "10.1.2.3/22"]);
    assert!(!piped.stdout.contains(&0x1b));
}

#[test]
fn ipv6_host_count_says_which_address_it_leaves_out() {
    let out = crate::util::netlab(&["subnet", "2001:db8::1/64"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Hosts/Net: 18446744073709551615 (all but the first, the Subnet-Router anycast, as Python's hosts())\n"),
        "{text}"
    );
    // A /127 (RFC 6164) keeps both, so no note.
    let out = crate::util::netlab(&["subnet", "2001:db8::1/127"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("Hosts/Net: 2\n"));
}
