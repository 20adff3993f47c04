//! Addresses and subnets: the browser's `netlab subnet`, `same`, `split`,
//! `vlsm`, `summarize`, `range` and `classify`.

use netlab_core::aggregate::{Networks, parse_network};
use netlab_core::classify::Classification;
use netlab_core::plan::{self, SplitBy};
use netlab_core::same::SameReport;
use netlab_core::subnet::SubnetReport;
use wasm_bindgen::prelude::*;

use crate::convert::{array_arg, number_text, option, to_js, to_js_bigint};

/// The most subnets `splitSubnet` lists: a /16 into /32s, or a /8 into
/// /24s. `netlab split` streams any number; an array has to fit in memory
/// and a page, so a larger split lists its first ones and says how many
/// there are in all.
pub const MAX_SPLIT_SUBNETS: usize = 1 << 16;

#[wasm_bindgen(typescript_custom_section)]
const TS_ADDRESSING: &str = r#"
/** A row of the IANA IPv4 or IPv6 Special-Purpose Address Registry. */
export interface SpecialRange {
  name: string;
  cidr: string;
  rfc: string;
  source: boolean | null;
  destination: boolean | null;
  forwardable: boolean | null;
  globally_reachable: boolean | null;
  reserved_by_protocol: boolean | null;
}

/** `netlab subnet --json`. Counts are numbers for IPv4 and BigInts for IPv6. */
export interface SubnetReport {
  address: string;
  version: 4 | 6;
  prefix: number;
  netmask: string;
  wildcard: string;
  network: string;
  /** `null` for IPv6, a /31 and a /32. */
  broadcast: string | null;
  first_host: string;
  last_host: string;
  total_addresses: number | bigint;
  usable_hosts: number | bigint;
  /** The classful class, `null` for IPv6. */
  class: "A" | "B" | "C" | "D" | "E" | null;
  binary: { address: string; netmask: string; network: string; broadcast: string | null };
  ranges: SpecialRange[];
}

/** One address of `sameSubnet` and the result of ANDing it with the mask. */
export interface SameSide {
  address: string;
  binary: string;
  network: string;
  network_binary: string;
}

/** `netlab same --json`. */
export interface SameReport {
  same: boolean;
  mask: string;
  prefix: number;
  mask_binary: string;
  a: SameSide;
  b: SameSide;
  common_prefix: number;
  common_mask: string;
  common_network: string;
}

/** How `splitSubnet` sizes the subnets: a new prefix (or netmask), or how many are needed. */
export type SplitBy = { prefix: number | string } | { count: number | bigint | string };

/** `netlab split --json`. `count` is a number for IPv4 and a BigInt for IPv6. */
export interface SplitList {
  network: string;
  prefix: number;
  count: number | bigint;
  subnets: string[];
}

/** One request of a VLSM plan and the subnet it got. */
export interface VlsmAllocation {
  hosts: number | bigint;
  subnet: string;
  usable_hosts: number | bigint;
}

/** `netlab vlsm --json`. Counts are numbers for IPv4 and BigInts for IPv6. */
export interface VlsmPlan {
  network: string;
  allocations: VlsmAllocation[];
  unused: string[];
}

/** `netlab summarize --json` and `netlab range --json`. */
export interface Networks {
  networks: string[];
}

/** The scope of a multicast address. */
export type MulticastScope =
  | "local-network-control" | "internetwork-control" | "ad-hoc" | "sdp-sap" | "dis-transient"
  | "source-specific" | "glop" | "unicast-prefix-based" | "administratively-scoped"
  | "interface-local" | "link-local" | "realm-local" | "admin-local" | "site-local"
  | "organization-local" | "global" | "reserved" | "unassigned";

/** The rule that decided `global`: `global_reason` as data. */
export type GlobalRule =
  | { kind: "multicast"; scope: MulticastScope }
  | { kind: "registry"; cidr: string; name: string; global: boolean }
  | { kind: "embedded"; cidr: string; name: string; inner: string; global: boolean }
  | { kind: "deprecated"; cidr: string; name: string }
  | { kind: "public_unicast" }
  | { kind: "global_unicast" }
  | { kind: "outside_global_unicast" };

/** `netlab classify --json`, one address. */
export interface Classification {
  address: string;
  version: 4 | 6;
  rfc1918: boolean;
  global: boolean;
  global_reason: string;
  loopback: boolean;
  link_local: boolean;
  multicast: boolean;
  multicast_scope: MulticastScope | null;
  unspecified: boolean;
  documentation: boolean;
  shared: boolean;
  reserved: boolean;
  ranges: SpecialRange[];
}
"#;

/// The ipcalc-style report of an address and its network (`netlab subnet`):
/// `ADDR/PREFIX`, `ADDR/MASK` or `ADDR MASK`, IPv4 or IPv6.
#[wasm_bindgen(js_name = subnetInfo, unchecked_return_type = "SubnetReport")]
pub fn subnet_info(text: &str) -> Result<JsValue, JsError> {
    let report = SubnetReport::parse(text)?;
    to_js_bigint(&report, &["total_addresses", "usable_hosts"])
}

/// Whether two addresses share a network under a mask (`255.255.255.0`) or
/// prefix (`24`), with the AND worked out in binary (`netlab same`).
#[wasm_bindgen(js_name = sameSubnet, unchecked_return_type = "SameReport")]
pub fn same_subnet(
    a: &str,
    b: &str,
    #[wasm_bindgen(js_name = maskOrPrefix, unchecked_param_type = "string | number")]
    mask_or_prefix: JsValue,
) -> Result<JsValue, JsError> {
    let mask = number_text(&mask_or_prefix, "the mask or prefix")?;
    to_js(&SameReport::parse(a, b, &mask)?)
}

/// A network's equal subnets, by new prefix (`{prefix: 26}`, a netmask
/// works too) or by how many are needed (`{count: 5}`), as `netlab split`.
/// At most the first `MAX_SPLIT_SUBNETS` (65536) are listed; `count` is
/// how many there are in all.
#[wasm_bindgen(js_name = splitSubnet, unchecked_return_type = "SplitList")]
pub fn split_subnet(
    cidr: &str,
    #[wasm_bindgen(unchecked_param_type = "SplitBy")] by: JsValue,
) -> Result<JsValue, JsError> {
    let network = parse_network(cidr)?;
    let text = |name| option(&by, name).map(|v| number_text(&v, name)).transpose();
    let (prefix, count) = (text("prefix")?, text("count")?);
    let by = match (&prefix, &count) {
        (Some(prefix), None) => SplitBy::Prefix(prefix),
        (None, Some(count)) => SplitBy::Count(count),
        _ => return Err(JsError::new("give splitSubnet {prefix: N} or {count: K}")),
    };
    let split = plan::split_by(network, by)?;
    to_js_bigint(&split.list(MAX_SPLIT_SUBNETS), &["count"])
}

/// A subnet for each host count, largest first, and what is left over
/// (`netlab vlsm`). Host counts are numbers, BigInts or decimal strings.
#[wasm_bindgen(unchecked_return_type = "VlsmPlan")]
pub fn vlsm(
    cidr: &str,
    #[wasm_bindgen(unchecked_param_type = "Array<number | bigint | string>")] hosts: JsValue,
) -> Result<JsValue, JsError> {
    let network = parse_network(cidr)?;
    let hosts = array_arg(&hosts, "hosts must be an array of host counts")?;
    let wanted = hosts
        .iter()
        .map(|h| Ok(plan::parse_hosts(&number_text(&h, "a host count")?)?))
        .collect::<Result<Vec<_>, JsError>>()?;
    let plan = plan::vlsm(network, &wanted)?;
    to_js_bigint(&plan, &["allocations.hosts", "allocations.usable_hosts"])
}

/// Networks merged into the fewest CIDR blocks, never covering an address
/// outside them, as Python's `collapse_addresses` (`netlab summarize`). The
/// first network that does not parse is the error.
#[wasm_bindgen(unchecked_return_type = "Networks")]
pub fn summarize(
    #[wasm_bindgen(unchecked_param_type = "string[]")] cidrs: JsValue,
) -> Result<JsValue, JsError> {
    let cidrs = array_arg(&cidrs, "cidrs must be an array of networks (strings)")?
        .iter()
        .enumerate()
        .map(|(i, cidr)| {
            cidr.as_string()
                .ok_or_else(|| JsError::new(&format!("network {i} is not a string")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    to_js(&Networks::summarize(&cidrs)?)
}

/// The fewest CIDR blocks covering exactly `start..=end`, as Python's
/// `summarize_address_range` (`netlab range`).
#[wasm_bindgen(js_name = rangeToCidrs, unchecked_return_type = "Networks")]
pub fn range_to_cidrs(start: &str, end: &str) -> Result<JsValue, JsError> {
    to_js(&Networks::range(start, end)?)
}

/// What kind of address this is by the IANA special-purpose registries:
/// private, global, loopback, documentation, multicast... (`netlab classify`).
#[wasm_bindgen(unchecked_return_type = "Classification")]
pub fn classify(address: &str) -> Result<JsValue, JsError> {
    to_js(&Classification::parse(address)?)
}

/// Why an address is or is not global, as data: the rule behind
/// `classify(address).global_reason`'s sentence, which the playground words
/// in the reader's language (browser only: the CLI prints the sentence).
#[wasm_bindgen(js_name = classifyRule, unchecked_return_type = "GlobalRule")]
pub fn classify_rule(address: &str) -> Result<JsValue, JsError> {
    to_js(&Classification::parse(address)?.global_reason.rule())
}
