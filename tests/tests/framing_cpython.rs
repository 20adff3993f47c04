//! `netlab_core::framing` against streams CPython's `struct` and `json` made
//! as the seeds' programs do: our encoders give the same bytes, our decoders
//! the same messages, however the stream is cut (vectors from
//! `tests/vectors/gen_framing.py`).

use netlab_core::framing::{
    Decoder, Delimited, FileCodec, FileHeader, FilePart, FramingError, InfoCodec, LengthPrefix,
    decode_chunks,
};
use serde_json::Value as Json;

use crate::util::vectors;

fn unhex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("vector hex"))
        .collect()
}

fn bytes(case: &Json, name: &str) -> Vec<u8> {
    unhex(
        case[name]
            .as_str()
            .unwrap_or_else(|| panic!("{name} in {case}")),
    )
}

fn list(case: &Json, name: &str) -> Vec<Vec<u8>> {
    case[name]
        .as_array()
        .unwrap_or_else(|| panic!("{name} in {case}"))
        .iter()
        .map(|m| unhex(m.as_str().expect("hex")))
        .collect()
}

/// The stream cut at the case's `cuts`, as successive `recv()` results.
fn chunks(case: &Json, wire: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut at = 0;
    let cuts = case["cuts"].as_array().expect("cuts");
    for c in cuts.iter().map(|c| c.as_u64().expect("cut") as usize) {
        out.push(wire[at..c].to_vec());
        at = c;
    }
    out.push(wire[at..].to_vec());
    out
}

fn cases(data: &Json, kind: &str, at_least: usize) -> Vec<Json> {
    let cases = data[kind].as_array().expect(kind).clone();
    assert!(cases.len() >= at_least, "only {} {kind} cases", cases.len());
    cases
}

#[test]
fn framing_matches_cpython_struct() {
    let data = vectors("framing_cpython.json");

    for case in cases(&data, "length_prefix", 300) {
        let codec = LengthPrefix::new(case["fmt"].as_str().unwrap(), 1 << 16).unwrap();
        let messages = list(&case, "messages");
        let wire = bytes(&case, "wire");
        let mut encoded = Vec::new();
        for m in &messages {
            codec.encode(m, &mut encoded).unwrap();
        }
        assert_eq!(encoded, wire, "{case}");
        let got = decode_chunks(&mut codec.decoder(), chunks(&case, &wire)).unwrap();
        assert_eq!(got, messages, "{case}");
        // And without copying, frame by frame from the whole stream.
        let mut rest = &wire[..];
        for m in &messages {
            let (msg, used) = codec.parse(rest).unwrap().expect("a whole frame");
            assert_eq!(msg, &m[..]);
            rest = &rest[used..];
        }
        assert!(rest.is_empty());
    }

    let codec = FileCodec::seed();
    for case in cases(&data, "file", 60) {
        let header = FileHeader {
            filename: case["filename"].as_str().unwrap().to_owned(),
            filesize: case["filesize"].as_u64().unwrap(),
        };
        assert_eq!(header.to_json(), case["json"].as_str().unwrap(), "{case}");
        let content = bytes(&case, "content");
        let wire = bytes(&case, "wire");
        let mut encoded = Vec::new();
        codec.encode(&header, &content, &mut encoded).unwrap();
        assert_eq!(encoded, wire, "{case}");
        let parts = decode_chunks(&mut codec.decoder(), chunks(&case, &wire)).unwrap();
        assert_eq!(parts.first(), Some(&FilePart::Header(header)));
        assert_eq!(parts.last(), Some(&FilePart::End));
        let body: Vec<u8> = parts
            .iter()
            .filter_map(|p| match p {
                FilePart::Data(b) => Some(&b[..]),
                _ => None,
            })
            .flatten()
            .copied()
            .collect();
        assert_eq!(body, content, "{case}");
    }

    let codec = InfoCodec::new(1 << 20);
    for case in cases(&data, "info", 60) {
        let output = bytes(&case, "output");
        let header = bytes(&case, "header");
        assert_eq!(
            codec.encode_parts(&output),
            [header.clone(), output.clone()]
        );
        let mut client = codec.decoder();
        let mut got = client.recv(&header).unwrap();
        for chunk in chunks(&case, &output).iter().filter(|c| !c.is_empty()) {
            assert!(got.is_none());
            got = client.recv(chunk).unwrap();
        }
        assert_eq!(got, Some(output), "{case}");
        client.finish().unwrap();
    }

    for case in cases(&data, "delimited", 60) {
        let codec = Delimited::new(&bytes(&case, "delimiter"), 1024).unwrap();
        let lines = list(&case, "lines");
        let wire = bytes(&case, "wire");
        let mut encoded = Vec::new();
        for l in &lines {
            codec.encode(l, &mut encoded).unwrap();
        }
        assert_eq!(encoded, wire, "{case}");
        let got = decode_chunks(&mut codec.decoder(), chunks(&case, &wire)).unwrap();
        assert_eq!(got, lines, "{case}");
    }

    for case in cases(&data, "header_errors", 10) {
        let codec = LengthPrefix::new(case["fmt"].as_str().unwrap(), usize::MAX).unwrap();
        let length = usize::try_from(case["length"].as_u64().unwrap()).unwrap();
        match codec.header(length) {
            Err(FramingError::HeaderOverflow { source, .. }) => {
                assert_eq!(
                    source.to_string(),
                    case["error"].as_str().unwrap(),
                    "{case}"
                );
            }
            other => panic!("{case}: {other:?}"),
        }
    }

    for case in cases(&data, "negative", 5) {
        let codec = LengthPrefix::new(case["fmt"].as_str().unwrap(), 1024).unwrap();
        let header = bytes(&case, "header");
        let length = i128::from(case["length"].as_i64().unwrap());
        assert_eq!(
            codec.read_length(&header),
            Err(FramingError::NegativeLength { length })
        );
        let mut d = codec.decoder();
        assert!(d.decode(&mut &header[..]).is_err());
        assert_eq!(d.allocated(), 0);
    }
}
