//! Shared by the cross-crate tests and the fuzz targets: one dispatch from
//! a fuzz target's name to the core parser it exercises, so the fuzzers
//! (`fuzz/`) and the regression test that replays their findings
//! (`tests/tests/fuzz_regressions.rs`) run exactly the same code.

pub mod fuzz {
    use netlab_core::protocol::frame::Frame;
    use netlab_core::protocol::parse_op;
    use netlab_core::protocol::policy::AllowRule;
    use netlab_core::pystruct::{self, Value};
    use netlab_core::{
        addr, aggregate, classify, framing, inet, mac, packet, port, same, sim, sticky, subnet,
    };

    /// Every fuzz target, by name.
    pub const TARGETS: &[&str] = &[
        "address_text",
        "inet_bytes",
        "struct_format",
        "struct_unpack",
        "struct_pack",
        "relay_op",
        "relay_frame",
        "dissect",
        "framing",
        "sim_spec",
    ];

    /// Feeds `data` to the parsers behind `target`. Any panic is a bug.
    pub fn run(target: &str, data: &[u8]) {
        match target {
            "address_text" => address_text(&String::from_utf8_lossy(data)),
            "inet_bytes" => inet_bytes(data),
            "struct_format" => {
                let _ = pystruct::calcsize(&String::from_utf8_lossy(data));
                let _ = pystruct::layout(&String::from_utf8_lossy(data));
            }
            "struct_unpack" => {
                let (format, bytes) = split(data);
                let _ = pystruct::unpack(&format, bytes);
                if let Ok(compiled) = pystruct::Struct::new(&format)
                    && let Ok(records) = compiled.iter_unpack(bytes)
                {
                    records.for_each(drop);
                }
                let offset = i64::from(bytes.first().copied().unwrap_or(0)) - 128;
                let _ = pystruct::unpack_from(&format, bytes, offset);
            }
            "struct_pack" => {
                let (format, bytes) = split(data);
                let values = values(bytes);
                let _ = pystruct::pack(&format, &values);
            }
            "relay_op" => {
                let _ = parse_op(&String::from_utf8_lossy(data));
            }
            "relay_frame" => {
                if let Ok(frame) = Frame::parse(data) {
                    let mut out = Vec::new();
                    frame.emit(&mut out);
                    assert_eq!(out, data, "a parsed frame emits the same bytes");
                }
            }
            "dissect" => dissect(data),
            "framing" => framing(data),
            "sim_spec" => sim_spec(&String::from_utf8_lossy(data)),
            other => panic!("no fuzz target {other}"),
        }
    }

    /// The dissector on any bytes, as a frame and as a capture file: it
    /// always answers, and every field it names lies inside the frame.
    fn dissect(data: &[u8]) {
        check_dissection(data, packet::pcap::LINKTYPE_ETHERNET);
        // The same bytes as Linux cooked captures (`tcpdump -i any`).
        check_dissection(data, packet::sll::LINKTYPE_LINUX_SLL);
        check_dissection(data, packet::sll::LINKTYPE_LINUX_SLL2);
        if let Ok(capture) = packet::pcap::read_any(data) {
            for record in capture.records.iter().take(16) {
                check_dissection(&record.data, capture.link_type);
            }
            check_follow(&capture);
        }
    }

    /// Following a capture's TCP streams: every chunk lies in its side's
    /// data, the data chunks tile it in order, and the framings' messages
    /// lie inside it too.
    fn check_follow(capture: &packet::pcap::Capture) {
        use packet::follow::{self, ChunkKind, Framing, Side};
        let records = capture
            .records
            .get(..capture.records.len().min(64))
            .unwrap_or_default();
        for stream in follow::streams(capture.link_type, records).iter().take(4) {
            let f = follow::follow(capture.link_type, records, stream.index)
                .expect("a listed stream can be followed");
            for side in [Side::Client, Side::Server] {
                let mut at = 0;
                for c in f.chunks.iter().filter(|c| c.side == side) {
                    assert_eq!(c.offset, at, "chunks tile the data");
                    if c.kind == ChunkKind::Data {
                        at += c.len;
                    }
                }
                assert_eq!(at, f.data(side).len());
                for framing in [
                    Framing::LengthPrefix(netlab_core::framing::LengthPrefix::seed()),
                    Framing::Delimited(netlab_core::framing::Delimited::lines()),
                ] {
                    let m = f.messages(side, &framing);
                    for message in &m.messages {
                        assert!(message.offset + message.len <= at);
                    }
                }
            }
        }
    }

    fn check_dissection(frame: &[u8], link_type: u32) {
        let Ok(d) = packet::dissect::dissect_captured(link_type, frame) else {
            return;
        };
        assert_eq!(d.length, frame.len());
        // The layers cover every byte once, in order.
        let mut at = 0;
        for layer in &d.layers {
            assert_eq!(
                layer.offset, at,
                "{} starts after a gap or overlap",
                layer.name
            );
            at += layer.length;
        }
        assert!(
            d.layers.is_empty() || at == frame.len(),
            "the layers end at byte {at}"
        );
        for layer in &d.layers {
            for field in &layer.fields {
                assert_eq!(field.offset, field.bit_offset / 8, "{}", field.name);
                let end = field.bit_offset + field.bits;
                assert!(
                    end <= frame.len() * 8,
                    "{} ends at bit {end} of a {}-byte frame",
                    field.name,
                    frame.len()
                );
            }
        }
    }

    /// The framing decoders, fed the same stream whole and in chunks of
    /// sizes the input picks: a decoder's messages do not depend on how
    /// the stream was cut (the whole point of framing).
    fn framing(data: &[u8]) {
        let Some((&pick, rest)) = data.split_first() else {
            return;
        };
        let (cuts, stream) = rest.split_at(rest.len().min(8));
        let chunks = cut(stream, cuts);
        const FORMATS: [&str; 6] = ["i", "!I", ">H", "<q", "B", "@n"];
        match pick % 4 {
            0 => {
                let codec = framing::LengthPrefix::new(FORMATS[usize::from(pick / 4) % 6], 4096)
                    .expect("a valid header format");
                let whole = framing::decode_chunks(&mut codec.decoder(), [stream]);
                let cut = framing::decode_chunks(&mut codec.decoder(), &chunks);
                assert_eq!(whole, cut, "length prefix, cut at {cuts:?}");
            }
            1 => {
                let codec = framing::FileCodec::new(256, 1 << 20);
                let whole = framing::decode_chunks(&mut codec.decoder(), [stream]).map(joined);
                let cut = framing::decode_chunks(&mut codec.decoder(), &chunks).map(joined);
                assert_eq!(whole, cut, "file protocol, cut at {cuts:?}");
            }
            2 => {
                let codec = framing::Delimited::new(b"\r\n", 256).expect("a delimiter");
                let whole = framing::decode_chunks(&mut codec.decoder(), [stream]);
                let cut = framing::decode_chunks(&mut codec.decoder(), &chunks);
                assert_eq!(whole, cut, "delimited, cut at {cuts:?}");
            }
            _ => {
                let mut info = framing::InfoCodec::new(1 << 20).decoder();
                for chunk in &chunks {
                    if info.recv(chunk).is_err() {
                        break;
                    }
                }
                let _ = info.finish();
            }
        }
    }

    /// `stream` cut into pieces whose sizes cycle through `cuts` (0 read as 1).
    fn cut<'a>(stream: &'a [u8], cuts: &[u8]) -> Vec<&'a [u8]> {
        let mut out = Vec::new();
        let mut rest = stream;
        for &size in cuts.iter().cycle() {
            if rest.is_empty() || cuts.is_empty() {
                break;
            }
            let (head, tail) = rest.split_at(usize::from(size.max(1)).min(rest.len()));
            out.push(head);
            rest = tail;
        }
        if !rest.is_empty() {
            out.push(rest);
        }
        out
    }

    /// File parts with consecutive data pieces joined (how the body was
    /// cut is the one thing chunking may change).
    fn joined(parts: Vec<framing::FilePart>) -> Vec<framing::FilePart> {
        let mut out: Vec<framing::FilePart> = Vec::new();
        for part in parts {
            match (out.last_mut(), part) {
                (Some(framing::FilePart::Data(acc)), framing::FilePart::Data(more)) => {
                    acc.extend_from_slice(&more);
                }
                (_, part) => out.push(part),
            }
        }
        out
    }

    /// The simulators on any JSON spec: an error or a trace, never a
    /// panic, and never more than their stated bounds of work.
    fn sim_spec(text: &str) {
        if let Ok(spec) = serde_json::from_str::<sim::tcp::TcpSpec>(text) {
            let _ = sim::tcp::simulate(&spec);
        }
        if let Ok(spec) = serde_json::from_str::<sim::lan::LanSpec>(text) {
            let _ = sim::lan::simulate(&spec);
        }
        if let Ok(spec) = serde_json::from_str::<sticky::StickySpec>(text) {
            let _ = sticky::simulate(&spec);
        }
    }

    /// Every parser of address-like text.
    fn address_text(text: &str) {
        // Strict dotted decimal (the SIMD parser on x86-64) accepts what
        // std's parser accepts, with the same address.
        assert_eq!(
            addr::parse_ipv4(text).ok(),
            text.parse::<std::net::Ipv4Addr>().ok(),
            "strict IPv4 of {text:?}"
        );
        let _ = subnet::SubnetReport::parse(text);
        let _ = inet::parse_inet_aton(text);
        let _ = inet::inet_pton(inet::Family::Inet, text);
        let _ = inet::inet_pton(inet::Family::Inet6, text);
        let _ = inet::AddressInt::parse(text);
        let _ = inet::parse_address_integer(text, inet::Family::Inet);
        let _ = inet::parse_address_integer(text, inet::Family::Inet6);
        let _ = classify::Classification::parse(text);
        let _ = mac::MacReport::parse(text);
        let _ = port::PortReport::lookup(text, None);
        let _ = aggregate::parse_network(text);
        let _ = packet::hex::parse_bytes(text);
        let _ = text.parse::<AllowRule>();
        let mut words = text.splitn(3, ' ');
        if let (Some(a), Some(b), Some(m)) = (words.next(), words.next(), words.next()) {
            let _ = same::SameReport::parse(a, b, m);
        }
    }

    fn inet_bytes(data: &[u8]) {
        // Any bytes, as Python prints them, read back as the same bytes.
        let literal = pystruct::Value::Bytes(data.to_vec()).to_string();
        let back = packet::hex::parse_bytes(&literal).expect("Python's repr of bytes parses");
        assert_eq!(back, data, "bytes literal round trip: {literal}");
        let _ = inet::inet_ntoa(data);
        let _ = inet::inet_ntop(inet::Family::Inet, data);
        if let Ok(text) = inet::inet_ntop(inet::Family::Inet6, data) {
            let back = inet::inet_pton(inet::Family::Inet6, &text).expect("ntop output parses");
            assert_eq!(back, data, "inet6 round trip");
        }
    }

    /// Splits at the first 0xff: a format (lossy UTF-8) and the rest.
    fn split(data: &[u8]) -> (String, &[u8]) {
        let at = data.iter().position(|&b| b == 0xff).unwrap_or(data.len());
        let (format, rest) = data.split_at(at);
        (
            String::from_utf8_lossy(format).into_owned(),
            rest.get(1..).unwrap_or_default(),
        )
    }

    /// Values from 9-byte records: a tag, then 8 bytes of payload.
    fn values(data: &[u8]) -> Vec<Value> {
        data.chunks(9)
            .map(|chunk| {
                let (tag, rest) = chunk.split_first().unwrap_or((&0, &[]));
                let mut eight = [0u8; 8];
                for (slot, byte) in eight.iter_mut().zip(rest) {
                    *slot = *byte;
                }
                match tag % 4 {
                    0 => Value::Int(i128::from(i64::from_le_bytes(eight)) * i128::from(tag / 4)),
                    1 => Value::Float(f64::from_le_bytes(eight)),
                    2 => Value::Bool(eight[0] & 1 == 1),
                    _ => Value::Bytes(rest.to_vec()),
                }
            })
            .collect()
    }
}
