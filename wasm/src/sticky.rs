//! The sticky-packet simulator (`netlab_core::sticky`): why a stream needs
//! framing, with the seeds' `b'hellonice'` as the default.

use netlab_core::sticky::{self, StickySpec};
use wasm_bindgen::prelude::*;

use crate::convert::{read_spec, to_js};

#[wasm_bindgen(typescript_custom_section)]
const TS_STICKY: &str = r#"
/** One event of a sticky-packet run, in microseconds from the start. */
export type StickyEvent =
  | { kind: "send"; at_us: number; message: number; start: number; end: number; data: string }
  | { kind: "held"; at_us: number; start: number; end: number }
  | { kind: "segment"; at_us: number; arrives_us: number; start: number; end: number; data: string }
  | { kind: "fin"; at_us: number; arrives_us: number }
  | { kind: "recv"; at_us: number; returns_us: number; call: number; size: number; start: number; end: number; data: string; eof: boolean }
  | { kind: "blocked"; at_us: number; call: number }
  | { kind: "message"; at_us: number; index: number; data: string };

/** One program's run: the stream, its events, what it printed. */
export interface StickyLane {
  stream: string;
  stream_len: number;
  events: StickyEvent[];
  printed: string[];
  intact: boolean;
  hangs: boolean;
  note: string;
}

/** The naive reader beside the length-prefixed one. */
export interface StickyReport {
  naive: StickyLane;
  framed: StickyLane;
}
"#;

/// The sticky-packet simulator: what a naive reader's `recv()` calls return
/// beside what a length-prefixed reader gets, from a seeded model of the
/// sender, the network and the receiver (the defaults are seed 000 §6.1).
#[wasm_bindgen(js_name = stickySimulate, unchecked_return_type = "StickyReport")]
pub fn sticky_simulate(
    #[wasm_bindgen(unchecked_param_type = "object | undefined")] spec: JsValue,
) -> Result<JsValue, JsError> {
    let spec: StickySpec = if spec.is_undefined() || spec.is_null() {
        StickySpec::default()
    } else {
        read_spec(spec)?
    };
    to_js(&sticky::simulate(&spec)?)
}
