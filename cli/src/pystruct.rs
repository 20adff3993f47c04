//! `netlab calcsize`, `pack` and `unpack`: Python's `struct` module, with
//! the bytes laid out field by field.

use std::fmt::Write as _;
use std::process::ExitCode;

use netlab_core::packet::field::py_bytes;
use netlab_core::packet::hex::{parse_bytes, parse_hex};
use netlab_core::pystruct::{Field, Kind, Struct, StructError, Value};
use serde::Serialize;

use crate::output::Output;

#[derive(Debug, clap::Args)]
pub struct CalcsizeArgs {
    /// A struct format: an optional byte order (@ = < > !), then codes with
    /// repeat counts, e.g. "!HHI", "<2h4s", "ci". Quote it for the shell.
    format: String,
}

#[derive(Debug, clap::Args)]
pub struct PackArgs {
    /// A struct format, e.g. "!HHI" or "<h3s?".
    format: String,
    /// One value per code: integers (42, -1, 0xff), floats (1.5, -inf,
    /// nan), true/false, None, text for c, s and p (UTF-8), or hex:0a0b for raw
    /// bytes. Values may start with "-" (-1, -0x10, -inf) without "--";
    /// a --json among them is still the flag, but after "--" it is a value.
    #[arg(allow_hyphen_values = true)]
    values: Vec<String>,
}

#[derive(Debug, clap::Args)]
pub struct UnpackArgs {
    /// A struct format, e.g. "!HHI".
    format: String,
    /// The bytes in hex: "0050 01bb" (quoted: one argument), 0x005001bb or
    /// 00:50:01:bb; or as Python prints them: "b'\x00P\x01\xbb'".
    hex: String,
}

#[derive(Debug, Serialize)]
struct Calcsize {
    format: String,
    size: u64,
    mode: netlab_core::pystruct::Mode,
    items: Vec<netlab_core::pystruct::LayoutItem>,
}

pub fn run_calcsize(args: &CalcsizeArgs, out: &Output) -> Result<ExitCode, String> {
    let st = Struct::new(&args.format).map_err(|e| e.message())?;
    let layout = st.layout();
    let report = Calcsize {
        format: layout.format,
        size: layout.size,
        mode: layout.mode,
        items: layout.items,
    };
    Ok(out.result(&report, |r| render_calcsize(&st, r)))
}

/// With hyphen values allowed, clap hands a `--json` after the first value
/// to VALUES; it is taken back as the flag, unless it comes after `--`,
/// which ends the options (cli.md): then it is a value (`pack 6s -- --json`).
/// How many of the VALUES that read `--json` are the flag.
fn json_flags(args: &PackArgs) -> usize {
    let in_values = args.values.iter().filter(|v| *v == "--json").count();
    let raw: Vec<String> = std::env::args().collect();
    let after_end = raw.iter().position(|a| a == "--").map_or(0, |at| {
        raw.iter().skip(at + 1).filter(|a| *a == "--json").count()
    });
    in_values.saturating_sub(after_end)
}

pub fn run_pack(args: &PackArgs, out: &Output) -> Result<ExitCode, String> {
    let flags = json_flags(args);
    if !out.json && flags > 0 {
        let json = Output::new(true);
        return Ok(pack(args, &json, flags).unwrap_or_else(|message| json.error(&message)));
    }
    pack(args, out, flags)
}

/// `flags`: how many of the values reading `--json` are the flag (the first ones).
fn pack(args: &PackArgs, out: &Output, flags: usize) -> Result<ExitCode, String> {
    let st = Struct::new(&args.format).map_err(|e| e.message())?;
    let kinds = slot_codes(&st);
    let mut skip = flags;
    let values = args
        .values
        .iter()
        .filter(|v| {
            let flag = skip > 0 && *v == "--json";
            skip -= usize::from(flag);
            !flag
        })
        .enumerate()
        .map(|(i, text)| parse_value(text, kinds.get(i).copied()))
        .collect::<Result<Vec<_>, _>>()?;
    let report = match st.pack_report(&values) {
        Ok(report) => report,
        Err(e) => return Ok(struct_error(out, &e)),
    };
    Ok(out.result(&report, |r| {
        // The bytes again, rather than read back from the report's hex.
        let bytes = st.pack(&values).unwrap_or_default();
        render_bytes(&st, &bytes, &r.fields, &python_bytes(&bytes))
    }))
}

pub fn run_unpack(args: &UnpackArgs, out: &Output) -> Result<ExitCode, String> {
    let st = Struct::new(&args.format).map_err(|e| e.message())?;
    let bytes = parse_bytes(&args.hex).map_err(|e| e.to_string())?;
    let report = match st.unpack_report(&bytes) {
        Ok(report) => report,
        Err(e) => return Ok(struct_error(out, &e)),
    };
    Ok(out.result(&report, |r| {
        render_bytes(&st, &bytes, &r.fields, &python_tuple(&r.fields))
    }))
}

/// Reports a struct error in CPython's words, then what lies behind it
/// when those words say little (`MemoryError`).
fn struct_error(out: &Output, e: &StructError) -> ExitCode {
    let code = out.error(&e.message());
    if let Some(hint) = e.hint() {
        crate::output::hint(&hint);
    }
    code
}

/// The code and float-ness of each value slot, so "1" can be an int for
/// `i` and the text "1" for `s`.
fn slot_codes(st: &Struct) -> Vec<(char, Kind)> {
    let layout = st.layout();
    let mut codes = Vec::new();
    for item in &layout.items {
        // Counts beyond the values given do not matter: pack reports the
        // mismatch before it reads any value.
        for _ in 0..item.values.min(1 << 16) {
            codes.push((item.code, item.kind));
        }
    }
    codes
}

/// Reads one command-line value as the Python value a learner means for
/// the code it fills; see `PackArgs::values`. Text that is no number stays
/// text (bytes), so CPython's own type errors come out (`required argument
/// is not an integer`).
fn parse_value(text: &str, slot: Option<(char, Kind)>) -> Result<Value, String> {
    if let Some(hex) = text.strip_prefix("hex:") {
        return parse_hex(hex)
            .map(Value::Bytes)
            .map_err(|e| format!("'{text}': {e}"));
    }
    let kind = slot.map(|(_, k)| k);
    if matches!(kind, Some(Kind::Char | Kind::Bytes | Kind::Pascal)) {
        return Ok(Value::Bytes(text.as_bytes().to_vec()));
    }
    match text {
        "true" | "True" => return Ok(Value::Bool(true)),
        "false" | "False" => return Ok(Value::Bool(false)),
        "None" => return Ok(Value::None),
        _ => {}
    }
    if let Some(int) = Value::from_int_literal(text) {
        return Ok(int);
    }
    if looks_like_float(text)
        && let Ok(x) = text.parse::<f64>()
    {
        return Ok(Value::Float(x));
    }
    Ok(Value::Bytes(text.as_bytes().to_vec()))
}

/// Rust's float parser also takes `infinity` and `NaN`, as Python's
/// `float()` does; but not hex or `_`, which Python's literals allow.
fn looks_like_float(text: &str) -> bool {
    let body = text.trim_start_matches(['+', '-']);
    matches!(
        body.to_ascii_lowercase().as_str(),
        "inf" | "infinity" | "nan"
    ) || body
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))
}

fn spaced_hex(bytes: &[u8], limit: usize) -> String {
    let mut s = String::new();
    for (i, b) in bytes.iter().take(limit).enumerate() {
        if i > 0 {
            s.push(' ');
        }
        let _ = write!(s, "{b:02x}");
    }
    if bytes.len() > limit {
        let _ = write!(s, " … ({} bytes)", bytes.len());
    }
    s
}

fn header(st: &Struct) -> String {
    let unit = if st.size() == 1 { "byte" } else { "bytes" };
    format!(
        "Format:    {}\nMode:      {}\nSize:      {} {unit}\n",
        st.format(),
        st.mode().describe(),
        st.size()
    )
}

/// The layout as a table: where each item sits and what it takes.
fn render_calcsize(st: &Struct, _report: &Calcsize) -> String {
    let mut s = header(st);
    let layout = st.layout();
    if layout.items.is_empty() {
        return s;
    }
    let _ = writeln!(s, "\n{:>8} {:>6}  code  count  values", "offset", "size");
    for item in &layout.items {
        if item.padding > 0 {
            let _ = writeln!(
                s,
                "{:>8} {:>6}  (padding to align '{}')",
                item.offset - item.padding,
                item.padding,
                item.code
            );
        }
        let _ = writeln!(
            s,
            "{:>8} {:>6}  {:<4}  {:>5}  {:>6}",
            item.offset, item.size, item.code, item.count, item.values
        );
    }
    s
}

/// Bytes shown in a row of the table, and values' text in it and in the
/// Python line: a 100 MB `s` field is a row, not 400 MB of text.
const ROW_BYTES: usize = 8;
const SHOWN_CHARS: usize = 60;

/// `text` cut to `max` characters, saying how long it was.
fn clip(text: String, max: usize) -> String {
    let n = text.chars().count();
    if n <= max {
        return text;
    }
    let head: String = text.chars().take(max).collect();
    format!("{head}… ({n} characters)")
}

/// What Python prints for the bytes (`print(struct.pack('i', 12345))`
/// shows `b'90\x00\x00'`, the seeds' form; `socket.inet_aton`'s too), the
/// first 64 of a longer run.
pub fn python_bytes(bytes: &[u8]) -> String {
    let shown = py_bytes(bytes.get(..64).unwrap_or(bytes));
    if bytes.len() > 64 {
        format!("{shown} … ({} bytes)", bytes.len())
    } else {
        shown
    }
}

/// What Python prints for the tuple `unpack` returns: `(12345,)`.
fn python_tuple(fields: &[Field]) -> String {
    let items: Vec<String> = fields
        .iter()
        .map(|f| clip(f.value.to_string(), SHOWN_CHARS))
        .collect();
    let tuple = match items.as_slice() {
        [one] => format!("({one},)"),
        _ => format!("({})", items.join(", ")),
    };
    clip(tuple, 4 * SHOWN_CHARS)
}

/// The bytes, what Python prints (`python` is the line's value), then a
/// row per value with its bytes, padding rows between.
fn render_bytes(st: &Struct, bytes: &[u8], fields: &[Field], python: &str) -> String {
    let mut s = header(st);
    let _ = writeln!(s, "Hex:       {}", spaced_hex(bytes, 64));
    let _ = writeln!(s, "Python:    {python}");
    // A row's bytes: only those it shows are copied, with the total.
    let part = |offset: u64, size: u64| {
        let start = usize::try_from(offset).unwrap_or(usize::MAX);
        let len = usize::try_from(size).unwrap_or(usize::MAX);
        let shown: Vec<u8> = bytes
            .iter()
            .skip(start)
            .take(len.min(ROW_BYTES))
            .copied()
            .collect();
        (shown, len)
    };
    let mut rows = Vec::new();
    for item in &st.layout().items {
        if item.padding > 0 {
            let at = item.offset - item.padding;
            rows.push((
                at,
                item.padding,
                "pad".to_owned(),
                part(at, item.padding),
                String::new(),
            ));
        }
        if item.kind == Kind::Pad && item.size > 0 {
            rows.push((
                item.offset,
                item.size,
                "x".to_owned(),
                part(item.offset, item.size),
                String::new(),
            ));
        }
    }
    for f in fields {
        rows.push((
            f.offset,
            f.size,
            f.code.to_string(),
            part(f.offset, f.size),
            clip(f.value.to_string(), SHOWN_CHARS),
        ));
    }
    rows.sort_by_key(|r| r.0);
    if rows.is_empty() {
        return s;
    }
    let _ = writeln!(
        s,
        "\n{:>8} {:>6}  code  {:<24}  value",
        "offset", "size", "bytes"
    );
    for (offset, size, code, (shown, len), value) in rows {
        let mut b = spaced_hex(&shown, ROW_BYTES);
        if len > shown.len() {
            let _ = write!(b, " … ({len} bytes)");
        }
        let _ = writeln!(s, "{offset:>8} {size:>6}  {code:<4}  {b:<24}  {value}");
    }
    s
}

#[cfg(test)]
mod test {
    use super::*;

    fn slot(code: char, kind: Kind) -> Option<(char, Kind)> {
        Some((code, kind))
    }

    #[test]
    fn values_read_as_a_learner_means_them() {
        let int = slot('i', Kind::Signed);
        assert_eq!(parse_value("-0x10", int), Ok(Value::Int(-16)));
        assert_eq!(parse_value("1.0", int), Ok(Value::Float(1.0)));
        assert_eq!(parse_value("abc", int), Ok(Value::Bytes(b"abc".to_vec())));
        assert_eq!(parse_value("true", int), Ok(Value::Bool(true)));
        // Beyond an i128: the float Python's float(n) gives, which every
        // integer code refuses as out of range.
        assert_eq!(
            parse_value("1".repeat(50).as_str(), int),
            Ok(Value::LargeInt(
                1.111_111_111_111_111_1e49,
                "1".repeat(50)
                    .bytes()
                    .fold(0u64, |low, _| low.wrapping_mul(10).wrapping_add(1))
            ))
        );
        let text = slot('s', Kind::Bytes);
        assert_eq!(parse_value("12", text), Ok(Value::Bytes(b"12".to_vec())));
        assert_eq!(
            parse_value("hex:00ff", text),
            Ok(Value::Bytes(vec![0, 0xff]))
        );
        assert!(parse_value("hex:0", text).is_err());
        let float = slot('d', Kind::Float);
        assert!(
            matches!(parse_value("-inf", float), Ok(Value::Float(x)) if x == f64::NEG_INFINITY)
        );
        assert_eq!(parse_value("7", float), Ok(Value::Int(7)));
        assert_eq!(parse_value("1e400", float), Ok(Value::Float(f64::INFINITY)));
    }
}
