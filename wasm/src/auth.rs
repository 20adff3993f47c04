//! The HMAC challenge of the seeds (`netlab_core::auth`): the digests a
//! client answers with, and the whole exchange step by step.

use netlab_core::auth::{self, Algorithm};
use wasm_bindgen::prelude::*;

use crate::convert::{bytes_or_text, to_js};

#[wasm_bindgen(typescript_custom_section)]
const TS_AUTH: &str = r#"
/**
 * A way of answering the challenge: `sha1` and `md5` hash secret + challenge
 * (hashlib), `hmac-md5` and `hmac-sha256` are `hmac.new(secret, challenge, alg)`.
 */
export type HmacAlgorithm = "sha1" | "md5" | "hmac-md5" | "hmac-sha256";

/** One step of the challenge exchange, for the playground's trace. */
export interface AuthStep {
  who: "server" | "client";
  action: string;
  bytes_hex: string;
}
"#;

/// The raw digest of `msg` under `key`: `sha1`/`md5` of key + msg, or
/// HMAC-MD5/HMAC-SHA256 keyed by `key`. Strings are taken as UTF-8.
#[wasm_bindgen(js_name = hmacDigest)]
pub fn hmac_digest(
    #[wasm_bindgen(unchecked_param_type = "HmacAlgorithm")] alg: &str,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | string")] key: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | string")] msg: JsValue,
) -> Result<Vec<u8>, JsError> {
    let alg: Algorithm = alg.parse()?;
    let (key, msg) = (bytes_or_text(&key, "key")?, bytes_or_text(&msg, "msg")?);
    Ok(auth::digest(alg, &key, &msg))
}

/// The challenge exchange step by step: the server's random bytes, the
/// client's answer under its secret, the server's own computation and the
/// verdict. Strings are taken as UTF-8.
#[wasm_bindgen(js_name = hmacTrace, unchecked_return_type = "AuthStep[]")]
pub fn hmac_trace(
    #[wasm_bindgen(unchecked_param_type = "HmacAlgorithm")] alg: &str,
    #[wasm_bindgen(js_name = serverSecret, unchecked_param_type = "Uint8Array | string")]
    server_secret: JsValue,
    #[wasm_bindgen(js_name = clientSecret, unchecked_param_type = "Uint8Array | string")]
    client_secret: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | string")] challenge: JsValue,
) -> Result<JsValue, JsError> {
    let alg: Algorithm = alg.parse()?;
    let server = bytes_or_text(&server_secret, "serverSecret")?;
    let client = bytes_or_text(&client_secret, "clientSecret")?;
    let challenge = bytes_or_text(&challenge, "challenge")?;
    to_js(&auth::trace(alg, &server, &client, &challenge))
}
