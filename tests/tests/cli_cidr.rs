//! The addressing commands as processes: same, split, vlsm, summarize,
//! range, classify, mac and port; exit codes and stdin streaming.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use crate::util::{bin_dir, netlab, netlab_json};

/// Runs `netlab ARGS` with `input` on standard input.
fn netlab_stdin(args: &[&str], input: &str) -> std::process::Output {
    let mut child = Command::new(bin_dir().join("netlab"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run netlab");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("netlab output")
}

fn json_lines(bytes: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(bytes)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l:?}")))
        .collect()
}

#[test]
fn same_exits_0_when_same_and_1_when_not_like_grep() {
    let (code, json) = netlab_json(&[
        "same",
        "192.168.12.1",
        "192.168.13.1",
        "--mask",
        "255.255.255.0",
    ]);
    assert_eq!(code, 1);
    assert_eq!(json["same"], false);
    assert_eq!(json["mask"], "255.255.255.0");
    assert_eq!(json["a"]["network"], "192.168.12.0");
    assert_eq!(json["b"]["binary"], "11000000.10101000.00001101.00000001");
    assert_eq!(json["common_prefix"], 23);
    let (code, json) = netlab_json(&["same", "192.168.12.1", "192.168.13.1", "--prefix", "16"]);
    assert_eq!(code, 0);
    assert_eq!(json["same"], true);
    let (code, json) = netlab_json(&["same", "2001:db8::1", "2001:db8::2", "--prefix", "64"]);
    assert_eq!((code, &json["same"]), (0, &serde_json::json!(true)));
}

#[test]
fn same_shows_the_and_in_binary() {
    let out = netlab(&[
        "same",
        "192.168.12.1",
        "192.168.13.1",
        "--mask",
        "255.255.255.0",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("11111111.11111111.11111111.00000000"),
        "{text}"
    );
    assert!(text.contains("= 192.168.12.0"), "{text}");
    assert!(
        text.contains("11000000.10101000.00001101.00000000"),
        "{text}"
    );
    assert!(text.contains("Different networks"), "{text}");
}

#[test]
fn same_refuses_bad_input_with_exit_2() {
    let (code, json) = netlab_json(&["same", "10.0.0.1", "::1", "--prefix", "8"]);
    assert_eq!(code, 2);
    assert!(json["error"].as_str().unwrap().contains("IPv6"), "{json}");
    let out = netlab(&["same", "10.0.0.1", "10.0.0.2"]);
    assert_eq!(out.status.code(), Some(2), "--mask or --prefix is required");
}

#[test]
fn split_by_prefix_and_by_count() {
    let (code, json) = netlab_json(&["split", "192.168.0.0/24", "--prefix", "26"]);
    assert_eq!(code, 0);
    assert_eq!(
        json["subnets"],
        serde_json::json!([
            "192.168.0.0/26",
            "192.168.0.64/26",
            "192.168.0.128/26",
            "192.168.0.192/26"
        ])
    );
    assert_eq!(json["count"], 4);
    let (code, json) = netlab_json(&["split", "10.0.0.0/8", "--count", "3"]);
    assert_eq!(code, 0);
    assert_eq!(json["prefix"], 10);
    assert_eq!(json["subnets"].as_array().unwrap().len(), 4);
    let (code, json) = netlab_json(&["split", "10.0.0.0/30", "--count", "5"]);
    assert_eq!(code, 2);
    assert_eq!(
        json["error"],
        "10.0.0.0/30 cannot be split into 5 subnets: at most 4 (/32s) fit"
    );
    let out = netlab(&["split", "2001:db8::/64", "--prefix", "66"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 4);
}

/// `--count 3` lists 4 subnets: a note on stderr says why, and stdout
/// stays the list; an exact power of two needs no note.
#[test]
fn split_by_count_says_why_it_rounds_up() {
    let out = netlab(&["split", "10.0.0.0/24", "--count", "3"]);
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 4);
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "netlab: note: 3 asked for; equal subnets come in powers of two, so /26 (2 more prefix bits) makes 4\n"
    );
    let out = netlab(&["split", "2001:db8::/64", "--count", "5"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "netlab: note: 5 asked for; equal subnets come in powers of two, so /67 (3 more prefix bits) makes 8\n"
    );
    let out = netlab(&["split", "10.0.0.0/24", "--count", "4"]);
    assert!(out.stderr.is_empty());
}

#[test]
fn split_streams_2_to_the_32_subnets() {
    // Building the list first would take minutes and gigabytes; streaming
    // gives the first lines at once, and a closed pipe ends the process.
    for json in [false, true] {
        let mut args = vec!["split", "0.0.0.0/0", "--prefix", "32"];
        if json {
            args.insert(0, "--json");
        }
        let mut child = Command::new(bin_dir().join("netlab"))
            .args(&args)
            .stdout(Stdio::piped())
            .spawn()
            .expect("run netlab");
        let mut reader = BufReader::new(child.stdout.take().expect("stdout"));
        let mut head = vec![0u8; 200];
        std::io::Read::read_exact(&mut reader, &mut head).expect("first bytes");
        let head = String::from_utf8_lossy(&head);
        if json {
            assert!(head.starts_with(r#"{"network":"0.0.0.0/0","prefix":32,"count":4294967296,"subnets":["0.0.0.0/32","0.0.0.1/32""#), "{head}");
        } else {
            assert!(
                head.starts_with("0.0.0.0/32\n0.0.0.1/32\n0.0.0.2/32\n"),
                "{head}"
            );
        }
        drop(reader);
        let status = child.wait().expect("netlab ends once its reader is gone");
        assert!(status.success(), "a closed pipe is not an error: {status}");
    }
}

#[test]
fn vlsm_allocates_largest_first() {
    let (code, json) = netlab_json(&["vlsm", "192.168.1.0/24", "20", "100", "50"]);
    assert_eq!(code, 0);
    let allocs = json["allocations"].as_array().unwrap();
    let got: Vec<(u64, &str, u64)> = allocs
        .iter()
        .map(|a| {
            (
                a["hosts"].as_u64().unwrap(),
                a["subnet"].as_str().unwrap(),
                a["usable_hosts"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (100, "192.168.1.0/25", 126),
            (50, "192.168.1.128/26", 62),
            (20, "192.168.1.192/27", 30)
        ]
    );
    assert_eq!(json["unused"], serde_json::json!(["192.168.1.224/27"]));
    let (code, json) = netlab_json(&["vlsm", "192.168.1.0/24", "200", "100"]);
    assert_eq!(code, 2);
    assert!(
        json["error"]
            .as_str()
            .unwrap()
            .starts_with("a subnet for 100 hosts does not fit"),
        "{json}"
    );
    let out = netlab(&["vlsm", "192.168.1.0/24", "-5"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("'-5' is not a number of hosts"));
}

#[test]
fn summarize_from_arguments_and_from_stdin() {
    let (code, json) = netlab_json(&[
        "summarize",
        "10.0.1.0/24",
        "10.0.0.0/24",
        "10.0.3.0/24",
        "2001:db8::/33",
        "2001:db8:8000::/33",
    ]);
    assert_eq!(code, 0);
    assert_eq!(
        json["networks"],
        serde_json::json!(["10.0.0.0/23", "10.0.3.0/24", "2001:db8::/32"])
    );
    let out = netlab_stdin(
        &["--json", "summarize"],
        "10.0.0.0/25\n10.0.0.1/24\n\n10.0.0.128/25\n",
    );
    assert_eq!(out.status.code(), Some(2));
    let lines = json_lines(&out.stdout);
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert_eq!(
        lines[0]["error"],
        "line 2: 10.0.0.1/24 has host bits set; the network is 10.0.0.0/24"
    );
    // A blank line is an empty item: an error line of its own.
    assert_eq!(
        lines[1]["error"],
        "line 3: an empty string is not an IP address"
    );
    assert_eq!(lines[2]["networks"], serde_json::json!(["10.0.0.0/24"]));
    let out = netlab_stdin(&["summarize"], "192.168.0.0/24\n192.168.1.0/24\n");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "192.168.0.0/23\n");
}

#[test]
fn range_gives_the_exact_blocks() {
    let (code, json) = netlab_json(&["range", "192.168.1.10", "192.168.1.20"]);
    assert_eq!(code, 0);
    assert_eq!(
        json["networks"],
        serde_json::json!([
            "192.168.1.10/31",
            "192.168.1.12/30",
            "192.168.1.16/30",
            "192.168.1.20/32"
        ])
    );
    let (code, json) = netlab_json(&["range", "0.0.0.0", "255.255.255.255"]);
    assert_eq!(
        (code, &json["networks"]),
        (0, &serde_json::json!(["0.0.0.0/0"]))
    );
    let (code, json) = netlab_json(&["range", "10.0.0.9", "10.0.0.1"]);
    assert_eq!(code, 2);
    assert!(
        json["error"]
            .as_str()
            .unwrap()
            .starts_with("last IP address must be greater than first")
    );
}

#[test]
fn classify_arguments_give_one_json_line_each() {
    let out = netlab(&[
        "--json",
        "classify",
        "192.168.12.87",
        "192.0.0.9",
        "ff02::1",
    ]);
    assert!(out.status.success());
    let lines = json_lines(&out.stdout);
    assert_eq!(lines.len(), 3);
    assert_eq!(
        (lines[0]["rfc1918"].as_bool(), lines[0]["global"].as_bool()),
        (Some(true), Some(false))
    );
    assert_eq!(lines[1]["global"], true);
    assert_eq!(lines[1]["ranges"][1]["cidr"], "192.0.0.9/32");
    assert_eq!(lines[2]["multicast_scope"], "link-local");
}

#[test]
fn classify_streams_stdin_and_goes_on_after_a_bad_line() {
    let input = "8.8.8.8\n10.0.0\n2001:db8::1\n";
    let out = netlab_stdin(&["--json", "classify"], input);
    assert_eq!(out.status.code(), Some(2));
    let lines = json_lines(&out.stdout);
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert_eq!(lines[0]["address"], "8.8.8.8");
    assert_eq!(
        lines[1]["error"],
        "line 2: '10.0.0' has 3 dotted parts; an IPv4 address has 4"
    );
    assert_eq!(lines[2]["documentation"], true);
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "netlab: error: line 2: '10.0.0' has 3 dotted parts; an IPv4 address has 4\n"
    );
    let out = netlab_stdin(&["classify"], input);
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(text.starts_with("8.8.8.8  global"), "{text}");
    let out = netlab_stdin(&["classify"], "127.0.0.1\n");
    assert_eq!(out.status.code(), Some(0));
}

/// One output line per input line, blank ones included, so answers line up
/// with their input; a line too long to be an item is an error line, read
/// past in constant memory, and the next line is answered.
#[test]
fn classify_answers_every_line_blank_or_too_long() {
    let input = "8.8.8.8\n\n \t\r\n1.1.1.1";
    let out = netlab_stdin(&["--json", "classify"], input);
    assert_eq!(out.status.code(), Some(2));
    let lines = json_lines(&out.stdout);
    assert_eq!(lines.len(), 4, "{lines:?}");
    assert_eq!(lines[0]["address"], "8.8.8.8");
    assert_eq!(
        lines[1]["error"],
        "line 2: an empty string is not an IP address"
    );
    assert_eq!(
        lines[2]["error"],
        "line 3: an empty string is not an IP address"
    );
    assert_eq!(lines[3]["address"], "1.1.1.1");
    let long = format!("{}\n10.0.0.1\n", "7".repeat(3 << 20));
    let out = netlab_stdin(&["--json", "classify"], &long);
    assert_eq!(out.status.code(), Some(2));
    let lines = json_lines(&out.stdout);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0]["error"], "line 1 is longer than 65536 bytes");
    assert_eq!(lines[1]["address"], "10.0.0.1");
}

#[test]
fn classify_answers_each_line_as_it_arrives() {
    // The first answer comes before the input ends: streaming, not slurping.
    let mut child = Command::new(bin_dir().join("netlab"))
        .args(["--json", "classify"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run netlab");
    let mut stdin = child.stdin.take().expect("stdin");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    for address in ["10.1.2.3", "::1"] {
        writeln!(stdin, "{address}").unwrap();
        stdin.flush().unwrap();
        line.clear();
        stdout.read_line(&mut line).unwrap();
        let json: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(json["address"], address);
    }
    drop(stdin);
    assert!(child.wait().unwrap().success());
}

#[test]
fn mac_in_every_form() {
    let (code, json) = netlab_json(&["mac", "00-1A-2B-3C-4D-5E"]);
    assert_eq!(code, 0);
    assert_eq!(json["colon"], "00:1a:2b:3c:4d:5e");
    assert_eq!(json["dot"], "001a.2b3c.4d5e");
    assert_eq!(json["unicast"], true);
    assert_eq!(json["universal"], true);
    assert_eq!(json["ipv6_link_local"], "fe80::21a:2bff:fe3c:4d5e");
    assert!(json["group"].is_null());
    let (code, json) = netlab_json(&["mac", "ff:ff:ff:ff:ff:ff"]);
    assert_eq!((code, &json["broadcast"]), (0, &serde_json::json!(true)));
    assert_eq!(json["group"], serde_json::json!({"kind": "broadcast"}));
    // A group MAC says which groups it carries, and that the interface
    // identifiers made from it are arithmetic alone; its OUI is IANA's.
    let text = String::from_utf8_lossy(&netlab(&["mac", "01:00:5e:7f:ff:fa"]).stdout).into_owned();
    for line in [
        "Group:           IPv4 multicast 224.127.255.250 and the 31 other groups with the same low 23 bits",
        "Assigned:        universal (U/L bit 0): a group address of OUI 00:00:5e\n",
        "IPv6 link-local: fe80::300:5eff:fe7f:fffa (arithmetic only: a group address is no interface's)",
    ] {
        assert!(text.contains(line), "{line}\n{text}");
    }
    let (code, json) = netlab_json(&["mac", "00:1a:2b:3c:4d"]);
    assert_eq!(code, 2);
    assert!(
        json["error"].as_str().unwrap().contains("has 5 groups"),
        "{json}"
    );
}

#[test]
fn port_by_name_and_number() {
    let (code, json) = netlab_json(&["port", "mysql"]);
    assert_eq!(code, 0);
    assert_eq!(json["port"], 3306);
    assert_eq!(json["range"], "registered");
    let (code, json) = netlab_json(&["port", "53", "--udp"]);
    assert_eq!(code, 0);
    assert_eq!(json["service"]["name"], "domain");
    assert_eq!(json["protocol"], "udp");
    let (code, json) = netlab_json(&["port", "49152"]);
    assert_eq!((code, &json["range"]), (0, &serde_json::json!("dynamic")));
    for bad in ["-1", "65536"] {
        let (code, json) = netlab_json(&["port", bad]);
        assert_eq!(code, 2, "{bad}");
        assert_eq!(json["error"], "getservbyport: port must be 0-65535.");
    }
    let out = netlab(&["port", "nosuchservice"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).starts_with("netlab: error: service/proto not found")
    );
    // A port with no service over UDP names the one it has over TCP, as
    // `port mysql --udp` does by name; one with none at all says only that.
    let text = |args: &[&str]| String::from_utf8_lossy(&netlab(args).stdout).into_owned();
    assert!(
        text(&["port", "3306", "--udp"]).starts_with(
            "3306/udp  no well-known service in netlab's table; over tcp it is mysql\n"
        )
    );
    assert!(
        text(&["port", "9999", "--udp"])
            .starts_with("9999/udp  no well-known service in netlab's table\n")
    );
}

#[test]
fn what_a_terminal_and_notepad_bring() {
    // A byte order mark (Windows Notepad) before the first line is no part of it.
    let out = netlab_stdin(&["classify"], "\u{feff}10.0.0.1\n8.8.8.8\n");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("10.0.0.1  not global"));
    // An escape sequence read from stdin is written escaped, not run by the terminal.
    let out = netlab_stdin(&["classify"], "1.2.3.4\x1b[31mRED\n");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("1.2.3.4\\x1b[31mRED") && !err.contains('\x1b'),
        "{err}"
    );
    // A pasted page is not echoed back whole.
    let long = "9".repeat(100_000);
    let out = netlab(&["classify", &long]);
    assert!(
        out.stderr.len() < 600,
        "{} bytes of error",
        out.stderr.len()
    );
}

#[test]
fn subnet_text_keeps_ipv6_values_apart_from_their_bits() {
    let out = netlab(&["subnet", "2001:db8:1234:5678:9abc:def0:1234:5678/100"]);
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "Address:   2001:db8:1234:5678:9abc:def0:1234:5678"
    );
    assert!(
        lines[1].starts_with("           0010000000000001:0000110110111000:"),
        "{}",
        lines[1]
    );
    assert!(
        text.contains("\nNetwork:   2001:db8:1234:5678:9abc:def0:1000:0/100\n"),
        "{text}"
    );
    // The prefix as a second argument, slash and all, as a learner writes it.
    let slash = netlab(&["subnet", "1.2.3.4", "/24"]);
    assert_eq!(slash.stdout, netlab(&["subnet", "1.2.3.4/24"]).stdout);
    let empty = netlab(&["subnet", "1.2.3.4", ""]);
    assert_eq!(empty.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&empty.stderr).lines().next(),
        Some("netlab: error: the prefix length or netmask is missing")
    );
}

#[test]
fn same_text_says_what_a_shorter_prefix_does() {
    // A shorter prefix does not put both in the common /23 but in a larger
    // network together; and /0 has no shorter prefix at all.
    let out = netlab(&[
        "same",
        "192.168.12.1",
        "192.168.13.1",
        "--mask",
        "255.255.255.0",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.ends_with("They agree on the first 23 bits: a /23 (255.255.254.0) puts both in 192.168.12.0/23; any shorter prefix puts them together too.\n"),
        "{text}"
    );
    let out = netlab(&["same", "1.1.1.1", "200.1.1.1", "--prefix", "0"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.ends_with("They agree on the first 0 bits: a /0 (0.0.0.0) puts both in 0.0.0.0/0.\n"),
        "{text}"
    );
}

#[test]
fn vlsm_text_notes_a_31_and_lists_long_leftovers_a_block_a_line() {
    let text = |args: &[&str]| String::from_utf8_lossy(&netlab(args).stdout).into_owned();
    let small = text(&["vlsm", "10.0.0.0/24", "50", "2"]);
    assert!(
        small.ends_with("Note:    a /31 is for a point-to-point link (RFC 3021) and a /32 for one host; a LAN needs its network and broadcast addresses too (a /30 or more)\n"),
        "{small}"
    );
    assert!(!text(&["vlsm", "10.0.0.0/24", "50"]).contains("Note:"));
    let v6 = text(&["vlsm", "2001:db8::/120", "1"]);
    assert!(
        v6.contains("Unused:  2001:db8::1/128\n         2001:db8::2/127\n"),
        "{v6}"
    );
    // --json twice is still --json (a script may add it to an alias that has it).
    let (code, json) = netlab_json(&["--json", "vlsm", "10.0.0.0/24", "50"]);
    assert_eq!(
        (code, &json["allocations"][0]["subnet"]),
        (0, &serde_json::json!("10.0.0.0/26"))
    );
}
