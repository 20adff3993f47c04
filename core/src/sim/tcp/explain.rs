//! What each segment means, in a pcapng comment (one line) and an
//! explanation (a few sentences) with its translation key.

use super::super::tcb::{State, Why};
use super::{Endpoint, Segment, Side};
use crate::protocol::errno;

/// What the explanation needs to know about the sender.
#[derive(Debug, Clone, Copy)]
pub(super) struct Ctx {
    pub(super) side: Side,
    pub(super) why: Why,
    pub(super) retransmission: bool,
    /// The sender's state after sending.
    pub(super) state: State,
    /// Whether the sender has the other side's FIN.
    pub(super) fin_received: bool,
    pub(super) ep: Endpoint,
    /// For data sent again: the other side's last ACK when it already
    /// covers these bytes, and whether that ACK was lost (else it is still
    /// on its way). The copy is then not needed: a spurious retransmission,
    /// as Wireshark calls it.
    pub(super) acked: Option<(u32, bool)>,
}

/// The frame's one-line comment.
pub(super) fn comment(c: &Ctx, s: &Segment) -> String {
    let side = c.side;
    let who = side.name();
    let other = side.other().name();
    let rel = |v: Option<u32>| v.map_or_else(String::new, |v| format!(" (relative {v})"));
    let mut line = match c.why {
        Why::Syn => format!("SYN: {who} asks to connect, seq=ISN={}", s.seq),
        Why::SynAck => format!(
            "SYN-ACK: {who} accepts, seq=ISN={}, ack={} ({other} ISN+1)",
            s.seq, s.ack
        ),
        Why::HandshakeAck => format!(
            "ACK: {who} confirms, ack={} ({other} ISN+1); handshake done",
            s.ack
        ),
        Why::Data => format!(
            "{}: {who} sends {} ({}), seq={}{}",
            s.flags.replace(", ", "-"),
            s.payload,
            crate::english::count(s.len as u64, "byte", "bytes"),
            s.seq,
            rel(s.rel_seq)
        ),
        Why::DataAck => format!("ACK: {who} got the data, ack={}{}", s.ack, rel(s.rel_ack)),
        Why::Fin => format!("FIN: {who} closes its direction, seq={}", s.seq),
        Why::FinAck => format!("ACK: {who} acknowledges the FIN, ack={}", s.ack),
        Why::ResetClosed => format!(
            "RST: nothing listens on port {}; connection refused",
            c.ep.port
        ),
        Why::ResetBadAck => {
            format!("RST: {who} resets a segment that acknowledged nothing sent")
        }
        Why::DupAck => format!("ACK: duplicate, {who} still expects {}", s.ack),
        Why::OutOfOrder => format!("ACK: duplicate, {who} holds data after a gap at {}", s.ack),
        Why::FastRetransmit => format!(
            "Fast retransmission, {}: {who} resends {}, seq={}{}",
            s.flags.replace(", ", "-"),
            crate::english::count(s.len as u64, "byte", "bytes"),
            s.seq,
            rel(s.rel_seq)
        ),
        Why::GapFilled => format!("ACK: {who} fills the gap, ack={}{}", s.ack, rel(s.rel_ack)),
        Why::ChallengeAck => format!("ACK: {who} answers a SYN on an open connection"),
        Why::SynAckRepeated => format!(
            "SYN-ACK again: {other}'s SYN came twice, so {who} repeats it, seq=ISN={}, ack={}",
            s.seq, s.ack
        ),
        Why::ResetUnread => format!(
            "RST: {who} closes with data unread, so it aborts, seq={}",
            s.seq
        ),
        Why::ResetAfterClose => format!("RST: data reached {who} after its close(), seq={}", s.seq),
        Why::ResetGone => format!(
            "RST: {who} has no connection for this segment any more, seq={}",
            s.seq
        ),
    };
    if c.acked.is_some() {
        line = match line.strip_prefix("Fast retransmission, ") {
            Some(rest) => format!("Spurious fast retransmission, {rest}"),
            None => format!("Spurious retransmission, {line}"),
        };
    } else if c.retransmission && !matches!(c.why, Why::SynAckRepeated | Why::FastRetransmit) {
        line = format!("Retransmission, {line}");
    }
    if s.lost {
        line.push_str(" [lost]");
    }
    line
}

/// The segment's key and explanation.
pub(super) fn explain(c: &Ctx, s: &Segment) -> (&'static str, String) {
    let side = c.side;
    let who = side.name();
    let other = side.other().name();
    let state = c.state;
    let rel = |v: Option<u32>| v.map_or_else(|| "-".to_owned(), |v| v.to_string());
    let (key, text) = match c.why {
        Why::Syn => (
            "tcp.syn",
            format!(
                "The {who} asks to connect: a SYN with its initial sequence number (ISN) {} and its MSS \
                 {}. The SYN takes one sequence number, so the answer will acknowledge {}.",
                s.seq,
                s.mss.unwrap_or_default(),
                s.seq.wrapping_add(1)
            ),
        ),
        Why::SynAck => (
            "tcp.syn_ack",
            format!(
                "The {who} accepts: its own SYN with its ISN {}, and ACK {}: the {other}'s ISN + 1, the \
                 next number it expects. Second of the three-way handshake (三次握手); MSS {}, window {}.",
                s.seq,
                s.ack,
                s.mss.unwrap_or_default(),
                s.window
            ),
        ),
        Why::HandshakeAck => (
            "tcp.handshake_ack",
            format!(
                "The {who} acknowledges the {other}'s SYN with ack {} (its ISN + 1). Third and last of \
                 the three-way handshake: both ends know each other's ISN, and the {who} is ESTABLISHED.",
                s.ack
            ),
        ),
        Why::Data => (
            "tcp.data",
            format!(
                "The {who} sends {}, {}, at seq {} (relative {}: the SYN took number 0, so data \
                 starts at 1); its next byte will be {}. ACK {} (relative {}) acknowledges what it got, \
                 and PSH asks the receiver to hand the bytes to the program now. Window {}: the {who} \
                 can take that many more bytes.",
                crate::english::count(s.len as u64, "byte", "bytes"),
                s.payload,
                s.seq,
                rel(s.rel_seq),
                s.seq.wrapping_add(s.len as u32),
                s.ack,
                rel(s.rel_ack),
                s.window
            ),
        ),
        Why::DataAck => (
            "tcp.data_ack",
            format!(
                "The {who} acknowledges: ack {} (relative {}) is the next byte it expects, so everything \
                 before it arrived. Window {}: it can take that many more bytes. (seed 003: every \
                 message gets a receipt, 回执.)",
                s.ack,
                rel(s.rel_ack),
                s.window
            ),
        ),
        Why::Fin => {
            let when = if c.fin_received {
                format!(
                    "The {other} closed first; this FIN closes the {who}'s direction too, the third \
                     segment of the four-way close (四次挥手)."
                )
            } else {
                format!(
                    "The first segment of the four-way close (四次挥手): the {other} may still send until \
                     it closes too."
                )
            };
            (
                "tcp.fin",
                format!(
                    "The {who}'s close() sends FIN at seq {}: it has no more data. The FIN takes one \
                     sequence number. {when}",
                    s.seq
                ),
            )
        }
        Why::FinAck => {
            let then = match state {
                State::CloseWait => format!(
                    "The {who} goes to CLOSE-WAIT: its recv() returns b'', and it may still send until \
                     its own close()."
                ),
                State::TimeWait => format!(
                    "The last of the four segments. The {who} waits in TIME-WAIT (2×MSL) in case this \
                     ACK is lost and the FIN comes again."
                ),
                State::Closing => format!(
                    "Both ends closed at once: the {who}'s own FIN is not acknowledged yet, so it is in \
                     CLOSING."
                ),
                _ => String::new(),
            };
            (
                "tcp.fin_ack",
                format!(
                    "The {who} acknowledges the {other}'s FIN with ack {} (the FIN took one number). {then}",
                    s.ack
                ),
            )
        }
        Why::ResetClosed => {
            let ep = c.ep;
            (
                "tcp.rst_closed_port",
                format!(
                    "No socket listens on {}:{}, so the {who}'s TCP answers with a reset: RST, seq {}, \
                     ack {} (RFC 9293 §3.10.7.1: the SYN's seq + 1). The {other}'s connect() raises \
                     ConnectionRefusedError: {}.",
                    ep.ip,
                    ep.port,
                    s.seq,
                    s.ack,
                    errno::python_message(111)
                ),
            )
        }
        Why::ResetBadAck => (
            "tcp.rst_bad_ack",
            format!(
                "The {who} resets: the segment it got acknowledged a number it never sent (RFC 9293 \
                 §3.10.7)."
            ),
        ),
        Why::DupAck => (
            "tcp.dup_ack",
            format!(
                "The {who} got a segment it cannot use (already received, or outside its window) and \
                 repeats ack {}: the next byte it still expects.",
                s.ack
            ),
        ),
        Why::FastRetransmit => (
            "tcp.fast_retransmit",
            format!(
                "Three duplicate ACKs in a row all asked for seq {}: the {other} is getting the \
                 segments after it, so that one must be lost. The {who} sends it again at once, \
                 without waiting for its timer (fast retransmit, RFC 5681 §3.2).",
                s.seq
            ),
        ),
        Why::OutOfOrder => (
            "tcp.ooo_ack",
            format!(
                "The {who} got bytes from after a gap: bytes before them are missing. It keeps them \
                 (RFC 9293 §3.10.7.4, as Linux's out-of-order queue does) and repeats ack {}, the \
                 first byte still missing: a duplicate ACK that tells the {other} where the gap is.",
                s.ack
            ),
        ),
        Why::GapFilled => (
            "tcp.gap_filled",
            format!(
                "The missing bytes arrived. With the bytes it kept from after the gap, the {who} now \
                 has everything up to {}, and acknowledges it all at once: ack {}.",
                s.ack.wrapping_sub(1),
                s.ack
            ),
        ),
        Why::ChallengeAck => (
            "tcp.challenge_ack",
            format!(
                "The {who} got a SYN on an open connection; it answers with an ACK of where it is \
                 (RFC 5961 challenge ACK) instead of starting over."
            ),
        ),
        Why::SynAckRepeated => (
            "tcp.syn_ack_repeated",
            format!(
                "The {other}'s SYN arrived a second time: it never got the SYN-ACK, which must have \
                 been lost. The {who} sends the same SYN-ACK again at once (seq {}, ack {}) and \
                 restarts its timer, as Linux does; RFC 9293 alone would answer with an ACK and wait \
                 for the timer.",
                s.seq, s.ack
            ),
        ),
        Why::ResetUnread => (
            "tcp.rst_unread",
            format!(
                "The {who}'s program calls close() while bytes it never read wait in its receive \
                 buffer. Linux does not close gracefully then: it aborts with a RST (seq {}, ack {}), \
                 as RFC 1122 §4.2.2.13 asks, so the {other} learns its data went unread. The {other}'s \
                 next recv() or send() raises ConnectionResetError: {}.",
                s.seq,
                s.ack,
                errno::python_message(104)
            ),
        ),
        Why::ResetGone => (
            "tcp.rst_gone",
            format!(
                "The {who} has already dropped this connection, so a segment of it finds no socket \
                 and is answered with a RST (seq {}, RFC 9293 §3.10.7.1).",
                s.seq
            ),
        ),
        Why::ResetAfterClose => (
            "tcp.rst_after_close",
            format!(
                "New data reached the {who}, whose program has already called close(): nobody will \
                 ever read it, so Linux aborts with a RST (seq {}), as RFC 1122 §4.2.2.13 asks. The \
                 {other}'s next recv() or send() raises ConnectionResetError: {}.",
                s.seq,
                errno::python_message(104)
            ),
        ),
    };
    let text = match c.acked {
        Some((ack, lost)) => format!(
            "{text} The {other} already acknowledged these bytes (ack {ack}), but that ACK {}: \
             this copy is not needed (Wireshark: spurious retransmission).",
            if lost {
                "was lost"
            } else {
                "is still on its way"
            }
        ),
        None => text,
    };
    if c.retransmission && !matches!(c.why, Why::SynAckRepeated | Why::FastRetransmit) {
        let key = match c.why {
            Why::Syn => "tcp.syn.again",
            Why::SynAck => "tcp.syn_ack.again",
            Why::Fin => "tcp.fin.again",
            _ => "tcp.data.again",
        };
        return (key, format!("Retransmission after the timeout. {text}"));
    }
    (key, text)
}
