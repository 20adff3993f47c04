// netlab's own error messages in Simplified Chinese, keyed by the English
// format string the core (or the WASM facade) writes them with, the way
// gettext keys a catalogue: `#[error("prefix {prefix} is out of range for
// IPv{version} (0-{max})")]` is the key, its Chinese has the same
// placeholders in a Chinese order, and `localizeError` reads a message back
// into its placeholders' values and fills the Chinese. A value that is
// itself a message (`{source}`, `{0}` of a wrapping error) or one of the
// core's fixed words ("client", "a hex byte") is translated too.
//
// Python's own words stay as Python prints them, on purpose: CPython's
// `struct` errors (core/src/pystruct), its `socket`/`inet_*` wording
// (core/src/inet.rs), `getservbyport`'s (core/src/port.rs) and the errno
// texts (`[Errno 111] Connection refused`) have no entry here, so a learner
// sees what Python prints; a message that matches nothing is returned as it
// is.
// tests/js/i18n_errors.test.mjs checks that every error format in core/src
// has its entry, that none is left over, and that the placeholders agree.
// @ts-check
import { getLang, MARK, tightenCjk } from "./i18n.js";

/**
 * The error formats of core/src (`#[error("…")]`, and the few messages
 * written with `write!`) and the WASM facade's (`format!`, `JsError::new`).
 * @type {Record<string, string>}
 */
export const ERRORS_ZH = {
  // addr.rs
  "an empty string is not an IP address": "空字符串不是 IP 地址",
  "'{part}' is not an octet (0-255) in '{text}'": "'{text}' 中的 '{part}' 不是一个字节值（0-255）",
  "'{part}' has a leading zero in '{text}': strict parsing refuses it because inet_aton would read it as octal":
    "'{text}' 中的 '{part}' 有前导零：严格解析拒绝它，因为 inet_aton 会把它当作八进制来读",
  "'{text}' has {parts} dotted parts; an IPv4 address has 4": "'{text}' 有 {parts} 个用点分隔的部分；IPv4 地址应有 4 个",
  "'{0}' is not an IPv4 or IPv6 address": "'{0}' 不是 IPv4 或 IPv6 地址",
  "'{0}' is not a valid IPv6 address": "'{0}' 不是有效的 IPv6 地址",
  "'{text}' has the full-width character '{found}', which an input method types in full-width mode: type the half-width '{ascii}'":
    "'{text}' 中有全角字符 '{found}'（输入法在全角模式下会打出它）：请改用半角的 '{ascii}'",
  "'{text}' ends in a zone index ('%{zone}', the interface of one host), which is not part of the address: give '{address}'":
    "'{text}' 末尾是区域索引（'%{zone}'，指某台主机上的一个网卡），它不属于地址本身：请输入 '{address}'",

  // inet.rs: netlab's words (CPython's, such as "illegal IP address string
  // passed to inet_aton", stay English); AtonFault says why inet_aton refused.
  "unknown address family '{0}': use inet (AF_INET, IPv4) or inet6 (AF_INET6, IPv6)":
    "未知的地址族 '{0}'：请用 inet（AF_INET，IPv4）或 inet6（AF_INET6，IPv6）",
  "'{0}' is not a whole number from 0 up: write it in decimal (3232238679) or hex (0xc0a80c57)":
    "'{0}' 不是从 0 起的整数：请用十进制（3232238679）或十六进制（0xc0a80c57）书写",
  "{text} is above {max}, the largest IPv{version} address as an integer": "{text} 大于 {max}，即最大的 IPv{version} 地址对应的整数",
  "'{0}' is an integer, not an address: read it as an IPv4 or IPv6 integer (netlab int --v4 or --v6)":
    "'{0}' 是整数，不是地址：请把它当作 IPv4 或 IPv6 的整数来读（netlab int --v4 或 --v6）",
  "the text is empty": "文本是空的",
  "part {part} is empty: every part needs a number, and a dot must not end the text": "第 {part} 部分是空的：每部分都要有数字，文本也不能以点号结尾",
  "part {part} begins with '{}', not a digit: no sign, space or letter may come before a number":
    "第 {part} 部分以 '{}' 开头，不是数字：数字前面不能有符号、空格或字母",
  "part {part} ('{text}') is above 4294967295: it does not fit in 32 bits": "第 {part} 部分（'{text}'）大于 4294967295：32 位放不下",
  "more than 4 dotted parts: an IPv4 address has 4 bytes": "用点分隔的部分多于 4 个：IPv4 地址只有 4 个字节",
  "part {part}: '{found}' is a full-width character, which an input method types in full-width mode: type the half-width '{ascii}'":
    "第 {part} 部分：'{found}' 是全角字符（输入法在全角模式下会打出它）：请改用半角的 '{ascii}'",
  "part {part} ('{text}' = {value}) must be at most 255: only the last part may fill more than one byte":
    "第 {part} 部分（'{text}' = {value}）最大只能是 255：只有最后一部分可以占多个字节",
  "the last part '{text}' = {value} must be at most {max}: it fills {}": "最后一部分 '{text}' = {value} 最大只能是 {max}：它填充{}",
  "part {part}: '0{found}' must be followed by at least one hex digit": "第 {part} 部分：'0{found}' 后面至少要有一个十六进制数字",
  "part {part}: '{found}' after '{read}' is not {base}, a dot or whitespace": "第 {part} 部分：'{read}' 后面的 '{found}' 不是{base}，也不是点号或空白",

  // subnet.rs
  "'{text}' has a space beside the '/': write '{joined}'": "'{text}' 的 '/' 旁边有空格：请写成 '{joined}'",
  "prefix {prefix} is out of range for IPv{version} (0-{max})": "前缀 {prefix} 超出了 IPv{version} 的范围（0-{max}）",
  "mask {0} is not contiguous": "子网掩码 {0} 不连续",
  "mask {mask} is a wildcard (host) mask; the netmask is {netmask}": "{mask} 是通配符掩码（反掩码）；对应的子网掩码是 {netmask}",
  "mask {mask} is IPv{mask_version} but the address {address} is IPv{address_version}":
    "子网掩码 {mask} 是 IPv{mask_version} 的，而地址 {address} 是 IPv{address_version} 的",
  "the prefix length or netmask is missing": "缺少前缀长度或子网掩码",
  "'{text}' is neither a prefix length (0-{max}) nor a netmask ({example})": "'{text}' 既不是前缀长度（0-{max}），也不是子网掩码（{example}）",
  "'{0}' is not ADDRESS/PREFIX, ADDRESS/MASK or ADDRESS MASK": "'{0}' 不是“地址/前缀”“地址/子网掩码”或“地址 子网掩码”的写法",

  // same.rs
  "{a} is IPv{a_version} but {b} is IPv{b_version}: compare two addresses of one version":
    "{a} 是 IPv{a_version}，而 {b} 是 IPv{b_version}：请比较同一版本的两个地址",

  // plan.rs
  "a /{prefix} is larger than {network}: to split it, the new prefix must be {network_prefix} or more":
    "/{prefix} 比 {network} 还大：要划分它，新的前缀必须不小于 {network_prefix}",
  "a network cannot be split into 0 subnets: ask for 1 or more": "网络不能划分成 0 个子网：至少要 1 个",
  "'{0}' is not a number of subnets (a whole number up to 2^128-1)": "'{0}' 不是子网个数（应为不超过 2^128-1 的整数）",
  "{network} cannot be split into {count} subnets: at most {max} (/{max_prefix}s) fit":
    "{network} 不能划分成 {count} 个子网：最多只能分出 {max} 个（/{max_prefix}）",
  "'{0}' is not a number of hosts (a whole number up to 2^128-1)": "'{0}' 不是主机数（应为不超过 2^128-1 的整数）",
  "a subnet for 0 hosts makes no sense: every host count must be 1 or more": "为 0 台主机划分子网没有意义：每个主机数都必须至少为 1",
  "no IPv{version} subnet has {hosts} usable hosts; the most is {max} (a /0)":
    "没有哪个 IPv{version} 子网有 {hosts} 台可用主机；最多是 {max} 台（/0）",
  // NoRoom's Display (write!), with `{hosts}`, `{size}` and `{free}` the words below.
  "a subnet for {} {hosts} does not fit: it needs a /{} ({} {size}), but {} has {} {free} left":
    "容纳 {} {hosts}的子网放不下：它需要一个 /{}（{} {size}），但 {} 只剩 {} {free}",

  // aggregate.rs (CPython's first clause, netlab's second; the page's
  // Python line keeps CPython's English)
  "{text} has host bits set; the network is {network}": "{text} 的主机位不全为 0；它所在的网络是 {network}",
  "last IP address must be greater than first: {end} comes before {start}": "结束地址必须大于起始地址：{end} 在 {start} 之前",
  "{start} and {end} are not of the same version": "{start} 和 {end} 不是同一版本的地址",
  "'{0}' is a network; a range goes from one address to another (a network's first and last addresses are in its subnet report)":
    "'{0}' 是一个网络；地址范围是从一个地址到另一个地址（网络的第一个和最后一个地址见它的子网报告）",

  // classify.rs
  "'{0}' is a network; classify takes one address (try `netlab subnet` for networks)":
    "'{0}' 是一个网络；地址分类只接受单个地址（网络请用 `netlab subnet`）",

  // mac.rs
  "an empty string is not a MAC address": "空字符串不是 MAC 地址",
  "'{part}' is not {expected} in '{text}'": "'{text}' 中的 '{part}' 不是{expected}",
  "'{text}' has {groups} groups separated by '{separator}'; a MAC address has {expected} ({example})":
    "'{text}' 有 {groups} 组用 '{separator}' 分隔的数字；MAC 地址应有 {expected} 组（{example}）",
  "'{text}' has {digits} characters; a MAC address without separators has 12 hex digits":
    "'{text}' 有 {digits} 个字符；不带分隔符的 MAC 地址应有 12 位十六进制数字",
  "'{ch}' is not a hex digit in '{text}'": "'{text}' 中的 '{ch}' 不是十六进制数字",
  "'{0}' mixes separators; use one of ':' '-' '.'": "'{0}' 混用了几种分隔符；请只用 ':'、'-'、'.' 中的一种",

  // port.rs (its two CPython messages stay English)
  "an empty string is neither a service name nor a port number": "空字符串既不是服务名也不是端口号",
  "unknown protocol '{0}': use tcp or udp": "未知的协议 '{0}'：请用 tcp 或 udp",

  // auth.rs
  "unknown digest '{0}': use sha1, md5, hmac-md5 or hmac-sha256": "未知的摘要算法 '{0}'：请用 sha1、md5、hmac-md5 或 hmac-sha256",

  // sticky.rs
  "mss must be at least 1 byte": "mss 至少为 1 字节",
  "recv(0) returns b'' at once and reads nothing: recv_size must be at least 1": "recv(0) 会立即返回 b''，什么也读不到：recv_size 至少为 1",
  "the messages are {0} bytes in all; the simulator carries at most {MAX_STREAM}": "消息一共 {0} 字节；模拟器最多传送 {MAX_STREAM} 字节",
  "recv_calls is {0}; the simulator makes at most {MAX_RECV_CALLS}": "recv_calls 为 {0}；模拟器最多调用 {MAX_RECV_CALLS} 次",
  "there are {0} messages; the simulator sends at most {MAX_MESSAGES}": "有 {0} 条消息；模拟器最多发送 {MAX_MESSAGES} 条",
  "{field} is {value} µs; the simulator takes at most {MAX_TIME_US} µs (an hour) for a time":
    "{field} 为 {value} µs；模拟器的时间最多取 {MAX_TIME_US} µs（一小时）",
  "the framed lane cannot frame the messages: {0}": "带长度报头的那一路无法给这些消息加上长度报头：{0}",

  // framing.rs
  "the header format {format:?} must hold exactly one integer, like 'i', '!I', '<H' or '>Q': {reason}":
    "报头格式 {format:?} 必须恰好是一个整数，如 'i'、'!I'、'<H' 或 '>Q'：{reason}",
  "the {what} is {length} bytes, over this reader's limit of {limit}: a buggy or hostile sender, or a reader out of step with the stream reading message bytes as a length":
    "{what}有 {length} 字节，超过了这个读取端的上限 {limit}：可能是发送端有错或怀有恶意，也可能是读取端与数据流错了位，把消息的字节当成了长度",
  "the length header says {length}, and a length cannot be negative: the sender packed a negative number, or the reader is out of step with the stream and read message bytes as a header":
    "长度报头给出的是 {length}，而长度不能为负：要么发送端打包了一个负数，要么读取端与数据流错了位，把消息的字节当成了报头",
  "a {length}-byte message does not fit a {format:?} length header: {source}": "{length} 字节的消息装不进格式为 {format:?} 的长度报头：{source}",
  "the file header {header:?} is not what json.loads() and the seed's server expect: {reason}":
    "文件报头 {header:?} 不是 json.loads() 和教程的服务端所期望的：{reason}",
  "the first recv() should hold the header 'info|<length>', but it holds {got}: {python}":
    "第一次 recv() 应收到报头 'info|<length>'，实际收到的是 {got}：{python}",
  "the header and {extra} bytes of the output arrived in one recv() (sticky packets, 粘包): {got} holds 'info|{length}' and more. The header has no terminator, so the seed's client cannot tell where the length stops: {python}":
    "报头和输出的 {extra} 字节在一次 recv() 中一起到达（粘包）：{got} 里除了 'info|{length}' 还有别的。报头没有结束符，教程的客户端分不清长度到哪里为止：{python}",
  "the header announced {expected} bytes of output but {got} arrived: the bytes after them belong to the next reply, stuck to this one (粘包)":
    "报头声明有 {expected} 字节输出，却到达了 {got} 字节：多出来的字节属于下一个回复，粘在了这一个后面（粘包）",
  "more than {limit} bytes arrived without a {delimiter} ending the line: a buggy or hostile sender, or the wrong delimiter":
    "已到达超过 {limit} 字节，仍没有 {delimiter} 结束这一行：可能是发送端有错或怀有恶意，也可能是分隔符不对",
  "the message holds the delimiter {delimiter} at byte {position}: the reader would see two lines; escape it or use a length prefix":
    "消息在第 {position} 字节处含有分隔符 {delimiter}：读取端会把它看成两行；请转义它，或改用长度前缀",
  "the delimiter cannot be empty": "分隔符不能为空",
  "the stream ended in the middle of a {what}: {got} bytes of it arrived{}": "数据流在一个{what}的中途结束：只到达了其中 {got} 字节{}",

  // packet/encap.rs
  "{field} {value} is out of range ({min}-{max})": "{field} 为 {value}，超出了范围（{min}-{max}）",
  "{field} does not apply to {proto}: {why}": "{field} 不适用于 {proto}：{why}",
  "{proto} needs a destination port (dst_port)": "{proto} 需要目的端口 (dst_port)",
  "--{flag}: {address} is an IPv6 address; encap builds IPv4 frames, as the seeds' examples are (dissect reads IPv6)":
    "--{flag}：{address} 是 IPv6 地址；encap 只构造 IPv4 帧，和教程里的例子一样（dissect 可以读 IPv6）",
  "a payload of {payload} bytes makes a {packet}-byte IPv4 packet, over Ethernet's MTU of 1500 bytes; netlab does not fragment, so at most {max} bytes of payload fit with {proto}":
    "{payload} 字节的有效载荷会构成 {packet} 字节的 IPv4 数据包，超过了以太网 1500 字节的 MTU；netlab 不做分片，所以用 {proto} 时有效载荷最多 {max} 字节",
  "a payload of {payload} bytes is more than one TCP segment carries over Ethernet (MSS {max}: the MTU of 1500 minus 20 bytes of IPv4 and 20 of TCP); TCP would cut sk.send()'s bytes into segments of at most {max}, and this builds one, so give at most {max} bytes":
    "{payload} 字节的有效载荷超过了以太网上一个 TCP 报文段能装的量（MSS {max}：MTU 1500 减去 20 字节 IPv4 报头和 20 字节 TCP 报头）；TCP 会把 sk.send() 的字节切成每段最多 {max} 字节的报文段，而这里只构造一段，所以最多给 {max} 字节",
  "'{0}' is not a protocol netlab builds; use tcp, udp or icmp": "netlab 不构造协议 '{0}'；请用 tcp、udp 或 icmp",
  // The spec reader's prefix: which field of the spec the message is about.
  "--{flag}: {e}": "--{flag}：{e}",

  // packet/tcp.rs
  "'{0}' is not a TCP flag; the flags are FIN, SYN, RST, PSH, ACK, URG, ECE, CWR, AE":
    "'{0}' 不是 TCP 标志；标志有 FIN、SYN、RST、PSH、ACK、URG、ECE、CWR、AE",

  // packet/hex.rs
  "'{ch}' at position {position} is not a hex digit": "位置 {position} 处的 '{ch}' 不是十六进制数字",
  "'{token}' has an odd number of hex digits; each byte is two": "'{token}' 的十六进制数字个数是奇数；每个字节是两位",
  "'{escape}' at position {position} is not an escape of a Python bytes literal":
    "位置 {position} 处的 '{escape}' 不是 Python bytes 字面量中的转义",
  "'{ch}' at position {position} is not ASCII; a bytes literal holds ASCII and escapes such as \\xe9":
    "位置 {position} 处的 '{ch}' 不是 ASCII 字符；bytes 字面量只能包含 ASCII 字符和 \\xe9 这样的转义",
  "the quote at position {position} ends the bytes literal early; write it as \\{quote}":
    "位置 {position} 处的引号提前结束了 bytes 字面量；请写成 \\{quote}",
  "the bytes literal opened at position {position} has no closing {quote}": "位置 {position} 处开始的 bytes 字面量缺少结尾的 {quote}",
  "'{text}' is quoted text without the b of a bytes literal; write b{text}": "'{text}' 是带引号的文本，缺少 bytes 字面量开头的 b；请写成 b{text}",
  "'{text}' is a number with a sign, not bytes in hex (to turn a number into bytes, pack it)": "'{text}' 是带符号的数，不是十六进制的字节（要把数变成字节，请用 pack）",

  // packet/error.rs (LenError's Display with write!, then ContentError)
  "{layer}: needs {needed} bytes from byte {offset}": "{layer}：从第 {offset} 字节起需要 {needed} 字节",
  "{layer}: the {name} field says {needed} bytes from byte {offset}": "{layer}：{name} 字段表明从第 {offset} 字节起有 {needed} 字节",
  "{layer}: the {name} field says {says}, which makes {needed} bytes from byte {offset}":
    "{layer}：{name} 字段的值是 {says}，即从第 {offset} 字节起有 {needed} 字节",
  "{layer}: the {names} fields make {needed} bytes from byte {offset}": "{layer}：{names} 字段合起来表明从第 {offset} 字节起有 {needed} 字节",
  "{layer}: {field} is {value} at byte {offset}; {rule}": "{layer}：第 {offset} 字节处的 {field} 是 {value}；{rule}",

  // packet/dissect.rs
  "{layer}: {field} is 0x{found:04x} at byte {offset}, but the bytes it covers need 0x{expected:04x}":
    "{layer}：第 {offset} 字节处的 {field} 是 0x{found:04x}，但按它覆盖的字节算应为 0x{expected:04x}",
  "{layer}: {what} (byte {offset}); the rest is shown as data": "{layer}：{what}（第 {offset} 字节）；其余部分按数据显示",

  // packet/follow.rs
  "the capture has no {protocol} stream {index} (it has {count})": "抓包里没有第 {index} 号 {protocol} 流（共有 {count} 个）",
  "UDP keeps message boundaries: each datagram is one message, what one recvfrom() returns, so it needs no length prefix or delimiter":
    "UDP 保留消息边界：每个数据报就是一条消息，也就是一次 recvfrom() 收到的内容，所以不需要长度前缀或分隔符",
  "give a length prefix or a delimiter, not both": "长度前缀和分隔符只能给一个，不能同时给",
  "length prefix: {0}": "长度前缀：{0}",
  "delimiter: {0}": "分隔符：{0}",
  "{len} bytes after byte {at} are missing (frame {frame} acknowledged them, but the capture never held them): past them no message boundary can be found":
    "第 {at} 字节之后缺了 {len} 字节（第 {frame} 帧确认收到了它们，但抓包里没有）：越过这段缺口就找不到消息的边界了",
  "{len} bytes after byte {at} are missing (the capture's snapshot length cut frame {frame}): past them no message boundary can be found":
    "第 {at} 字节之后缺了 {len} 字节（抓包的快照长度截断了第 {frame} 帧）：越过这段缺口就找不到消息的边界了",

  // packet/pcap.rs
  "not a pcap or pcapng file: it starts with {0}": "不是 pcap 或 pcapng 文件：它以 {0} 开头",
  "the file ends inside {what} at byte {offset}": "文件在第 {offset} 字节处结束，{what}不完整",
  "timestamp {timestamp_us} µs is past 2106, beyond what a classic pcap stores": "时间戳 {timestamp_us} µs 已过 2106 年，超出了经典 pcap 格式能存的范围",
  "a packet of {len} bytes is too large for a capture file": "{len} 字节的数据包太大，抓包文件装不下",
  "the pcapng block at byte {offset} has length {length}; a block is at least 12 bytes and a multiple of 4":
    "第 {offset} 字节处的 pcapng 块长度为 {length}；块至少 12 字节，且长度是 4 的倍数",
  "the packet at byte {offset} names interface {interface}, which no Interface Description Block declared":
    "第 {offset} 字节处的数据包指明接口 {interface}，但没有哪个接口描述块 (IDB) 声明过它",
  "link type {0} is neither Ethernet (1) nor a Linux cooked capture (113, 276); netlab dissects those":
    "链路类型 {0} 既不是以太网 (1)，也不是 Linux cooked capture (113, 276)；netlab 只解析这两种",
  "link type {link_type} does not fit a pcapng interface, whose link type is 16 bits": "链路类型 {link_type} 放不进 pcapng 接口：那里的链路类型只有 16 位",

  // sim/lan.rs
  "two nodes are named '{0}'; names must be unique": "有两个节点都叫 '{0}'；名字不能重复",
  "link {link}: there is no node named '{name}'": "链路 {link}：没有名为 '{name}' 的节点",
  "link {link}: router {router} has no interface '{interface}'": "链路 {link}：路由器 {router} 没有接口 '{interface}'",
  "link {link}: name the interface of router {router}, as {router}:{example}": "链路 {link}：请指明路由器 {router} 的接口，如 {router}:{example}",
  "link {link}: '{port}' is not a port number of switch {switch} (1, 2, ...)": "链路 {link}：'{port}' 不是交换机 {switch} 的端口号（1、2……）",
  "link {link}: {endpoint} already has a cable": "链路 {link}：{endpoint} 已经接了一根网线",
  "link {link}: {name} has only one port, and a host or interface is not cabled to itself":
    "链路 {link}：{name} 只有一个端口，主机或接口不能用网线连到自己",
  "{node}: mask '{mask}': {source}": "{node}：子网掩码 '{mask}'：{source}",
  "router {router}: the route to {network} names no interface, and its gateway {via} is on none of the router's networks":
    "路由器 {router}：到 {network} 的路由没有指明接口，而它的网关 {via} 不在这台路由器的任何一个网络上",
  "router {router}: the route to {network} names interface '{interface}', which it does not have":
    "路由器 {router}：到 {network} 的路由指明了接口 '{interface}'，但路由器没有这个接口",
  "router {router} has no interfaces": "路由器 {router} 没有接口",
  "router {router}: {a} and {b} are both on {network}; each interface of a router joins a different network":
    "路由器 {router}：{a} 和 {b} 都在 {network} 上；路由器的每个接口各接一个不同的网络",
  "send.from is '{0}', which is no host": "send.from 是 '{0}'，它不是主机",
  "a TTL of 0 cannot be sent (Linux refuses IP_TTL 0); use 1-255": "TTL 为 0 的数据包发不出去（Linux 拒绝 IP_TTL 0）；请用 1-255",
  "the payload is {0} bytes; at most {MAX_PAYLOAD} fit in one Ethernet frame": "有效载荷有 {0} 字节；一个以太网帧最多装 {MAX_PAYLOAD} 字节",
  "arp_tries is {0}: ARP asks 1 to {MAX_ARP_TRIES} times (Linux asks 3)": "arp_tries 为 {0}：ARP 请求要发 1 到 {MAX_ARP_TRIES} 次（Linux 发 3 次）",
  "the simulation went past {MAX_EVENTS} events: a loop of switches floods a broadcast forever (real switches run STP to cut such loops)":
    "模拟超过了 {MAX_EVENTS} 个事件：交换机连成的环路会把广播无休止地泛洪下去（真实的交换机运行 STP 来切断这样的环路）",
  "the capture cannot be written: {0}": "抓包文件写不出来：{0}",

  // sim/tcp.rs
  "the {side}'s mss {mss} is out of range (1-{MAX_MSS}): a segment must fit Ethernet's 1500-byte MTU with its IPv4 and TCP headers":
    "{side}的 mss {mss} 超出了范围（1-{MAX_MSS}）：报文段连同 IPv4 和 TCP 报头必须装得进以太网 1500 字节的 MTU",
  "the {side}'s window is 0: nothing could ever be sent to it; use at least 1": "{side}的窗口为 0：永远没有数据能发给它；请至少用 1",
  "the {side}'s port is 0: port 0 asks the OS to pick one and never appears on the wire":
    "{side}的端口为 0：端口 0 是让操作系统自己挑一个，线路上永远不会出现它",
  "rto_ms must be at least 1": "rto_ms 至少为 1",
  "the {what} is {len} bytes; the simulator sends at most {MAX_DATA}": "{what}有 {len} 字节；模拟器最多发送 {MAX_DATA} 字节",
  "loss lists segment 0; segments are numbered from 1, in the order they are sent": "loss 里列出了第 0 个报文段；报文段按发送的先后从 1 开始编号",
  "loss lists segment {0}, but no run sends more than {MAX_EVENTS} segments": "loss 里列出了第 {0} 个报文段，但任何一次模拟发送的报文段都不超过 {MAX_EVENTS} 个",
  "the client and the server are both {ip}:{port}: a connection joins two different ends": "客户端和服务端都是 {ip}:{port}：一个连接总是连着两个不同的端点",
  "the {side}'s MAC {mac} is a group (multicast or broadcast) address; a station's own MAC is unicast": "{side}的 MAC {mac} 是组地址（组播或广播）；站点自己的 MAC 是单播地址",
  "the simulation went past {MAX_EVENTS} events": "模拟超过了 {MAX_EVENTS} 个事件",

  // protocol/frame.rs, protocol/policy.rs (the relay's)
  "empty binary frame": "二进制帧是空的",
  "unknown binary frame kind 0x{0:02x} (0x01 is stream data, 0x02 a datagram)": "未知的二进制帧类型 0x{0:02x}（0x01 是流数据，0x02 是数据报）",
  "{kind} frame truncated: its header needs {needed} bytes, the frame has {got}": "{kind}帧被截断：它的帧头需要 {needed} 字节，而帧只有 {got} 字节",
  "datagram address family {0} is neither 4 nor 6": "数据报的地址族 {0} 既不是 4 也不是 6",
  "'{0}' is not CIDR[:PORT[-PORT]] (e.g. 127.0.0.0/8, 127.0.0.1/32:9000-9010, [::1]:8080)":
    "'{0}' 不是 CIDR[:PORT[-PORT]] 的写法（例如 127.0.0.0/8、127.0.0.1/32:9000-9010、[::1]:8080）",

  // wasm/src: the facade's own messages
  "{field} is not an integer: {text}": "{field} 不是整数：{text}",
  "{what} must be a Uint8Array or a string": "{what} 必须是 Uint8Array 或字符串",
  "{what} must hold bytes (0-255)": "{what} 里必须都是字节（0-255）",
  "{what} must be a Uint8Array or an array of bytes (0-255)": "{what} 必须是 Uint8Array 或字节（0-255）数组",
  "{what} is not a decimal integer": "{what} 不是十进制整数",
  "{what} must be a number, a BigInt or a string": "{what} 必须是数字、BigInt 或字符串",
  "the spec must be an object": "spec 必须是一个对象",
  "a field that takes a list (an array) was given a single value": "一个应为列表（数组）的字段只给了单个值",
  "unknown field `{}`, expected one of {}": "未知的字段 `{}`，应为以下之一：{}",
  "give splitSubnet {prefix: N} or {count: K}": "请给 splitSubnet 传 {prefix: N} 或 {count: K}",
  "cannot attach the frame's bytes": "无法附上帧的字节",
  "frame {i} has no bytes": "帧 {i} 没有字节",
  "unknown capture format '{other}': use pcap or pcapng": "未知的抓包文件格式 '{other}'：请用 pcap 或 pcapng",
  "cannot list the packets": "无法列出数据包",
  "cannot attach a packet's bytes": "无法附上数据包的字节",
  "value {index} is not a number, BigInt, boolean, string, Uint8Array, {{str}} or null":
    "值 {index} 不是数字、BigInt、布尔值、字符串、Uint8Array、{{str}} 或 null",
};

/**
 * The pieces a message is put together from: a clause one `write!` adds
 * after another (it starts with a space or a comma and is matched at the
 * end of a message), the items of a list, and the fixed English words the
 * core fills a placeholder with (`{side}` is "client" or "server").
 * @type {Record<string, string>}
 */
export const PIECES_ZH = {
  // inet.rs: AtonFault's digits and bytes
  "an octal digit (a leading 0 means octal)": "八进制数字（以 0 开头表示八进制）",
  "a hex digit": "十六进制数字",
  "a decimal digit": "十进制数字",
  "the last byte": "最后一个字节",
  "the last {n} bytes": "最后 {n} 个字节",
  // plan.rs: NoRoom
  host: "台主机",
  hosts: "台主机",
  address: "个地址",
  addresses: "个地址",
  " after the larger requests ({})": "（更大的需求已先分配：{}）",
  "{hosts} hosts in {subnet}": "{subnet} 给 {hosts} 台主机",
  "{hosts} host in {subnet}": "{subnet} 给 {hosts} 台主机",
  // packet/error.rs: LenError
  ", only {available} {verb} there": "，实际{verb} {available} 字节",
  is: "只有",
  are: "只有",
  // framing.rs
  " out of {n}": "（共 {n} 字节）",
  message: "消息",
  "length header": "长度报头",
  file: "文件",
  "file header": "文件报头",
  line: "行",
  "command output": "命令输出",
  // mac.rs
  "a hex byte": "一个十六进制字节",
  "a hex byte (1-2 hex digits)": "一个十六进制字节（1-2 位十六进制数字）",
  "4 hex digits": "4 位十六进制数字",
  // packet/encap.rs
  "ICMP has no ports; it travels inside IP directly": "ICMP 没有端口；它直接封装在 IP 里传送",
  "only TCP has flags, sequence numbers and a window": "只有 TCP 才有标志、序号和窗口",
  "ICMP's fields belong to ICMP messages": "ICMP 的字段只属于 ICMP 报文",
  // packet/pcap.rs, packet/pcapng.rs
  "the file header": "文件头",
  "a record header": "记录头",
  "a packet": "数据包",
  "the section header": "节头",
  "a block header": "块头",
  "a block": "块",
  "a packet block": "数据包块",
  "a simple packet block": "简单数据包块",
  "an interface block": "接口块",
  "an option": "选项",
  // sim/tcp.rs
  client: "客户端",
  server: "服务端",
  router: "路由器",
  request: "请求",
  reply: "回复",
  // protocol/frame.rs
  stream: "流",
  datagram: "数据报",
};

/**
 * Messages netlab passes on from Rust's standard library and from serde
 * (a spec's field of the wrong type or an address std refuses), keyed by
 * their text with netlab's placeholders.
 * @type {Record<string, string>}
 */
export const FOREIGN_ZH = {
  "invalid IPv4 address syntax": "IPv4 地址的写法不对（应为四个 0-255 的十进制数，用点分隔）",
  "invalid type: {0}, expected {1}": "类型不对：{0}，应为 {1}",
  "invalid value: {0}, expected {1}": "值不对：{0}，应为 {1}",
  "missing field `{0}`": "缺少字段 `{0}`",
  "unknown variant `{0}`, expected one of {1}": "未知的取值 `{0}`，应为以下之一：{1}",
  "unknown variant `{0}`, expected {1}": "未知的取值 `{0}`，应为 {1}",
  // What serde says it was given instead.
  "string {0}": "字符串 {0}",
  "integer `{0}`": "整数 `{0}`",
  "floating point `{0}`": "浮点数 `{0}`",
  "boolean `{0}`": "布尔值 `{0}`",
};

/** How deep values that are messages are translated within messages. */
const MAX_DEPTH = 4;

/**
 * A Rust format string's parts: literal text and placeholders. `{}` is
 * numbered by position (`#0`, `#1`…), `{{`/`}}` are literal braces, and a
 * brace that opens no valid placeholder (`{prefix: N}` of a plain message)
 * is literal too.
 * @param {string} format
 * @returns {Array<{text: string} | {name: string, quoted: boolean}>}
 */
export function parseFormat(format) {
  /** @type {Array<{text: string} | {name: string, quoted: boolean}>} */
  const parts = [];
  const re = /\{\{|\}\}|\{(\w*)(?::[#0+<>^-]*\d*(?:\.\d+)?[?xXbo]?)?\}/g;
  let at = 0;
  let positional = 0;
  let text = "";
  for (const m of format.matchAll(re)) {
    text += format.slice(at, m.index);
    at = m.index + m[0].length;
    if (m[0] === "{{" || m[0] === "}}") {
      text += m[0][0];
      continue;
    }
    const quoted = /['`"]$/.test(text);
    if (text) parts.push({ text });
    text = "";
    parts.push({ name: m[1] === "" ? `#${positional++}` : m[1], quoted });
  }
  text += format.slice(at);
  if (text) parts.push({ text });
  return parts;
}

/** The placeholders of a format, in order (with repeats). @param {string} format */
export const placeholders = (format) =>
  parseFormat(format).flatMap((p) => ("name" in p ? [p.name] : []));

const escape = (/** @type {string} */ s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * @typedef {object} Compiled
 * @property {string} source the pattern's source, without anchors
 * @property {string[]} names the capture groups' placeholders, in order
 * @property {boolean[]} quoted whether each capture sits in quotes (user text: left as it is)
 * @property {string} zh
 * @property {number} weight the literal text's length: the more, the more specific
 */

/** @param {string} en @param {string} zh @returns {Compiled} */
function compile(en, zh) {
  /** @type {string[]} */
  const names = [];
  /** @type {boolean[]} */
  const quoted = [];
  let source = "";
  let weight = 0;
  for (const part of parseFormat(en)) {
    if ("text" in part) {
      source += escape(part.text);
      weight += part.text.length;
    } else if (names.includes(part.name)) {
      source += `\\${names.indexOf(part.name) + 1}`;
    } else {
      names.push(part.name);
      quoted.push(part.quoted);
      source += "([\\s\\S]*?)";
    }
  }
  return { source, names, quoted, zh, weight };
}

/** @type {{whole: Array<Compiled & {re: RegExp}>, tails: Array<Compiled & {re: RegExp}>, pieces: Array<Compiled & {re: RegExp}>} | null} */
let compiled = null;

function tables() {
  if (compiled) return compiled;
  const bySpecificity = (/** @type {Compiled} */ a, /** @type {Compiled} */ b) => b.weight - a.weight;
  const all = (/** @type {Record<string, string>} */ table) =>
    Object.entries(table)
      .map(([en, zh]) => compile(en, zh))
      // A format of placeholders alone (`{0}`, passing an inner message on) says nothing to translate.
      .filter((c) => c.weight > 0)
      .sort(bySpecificity);
  const pieces = all(PIECES_ZH);
  const tails = pieces.filter((c) => /^[ ,]/.test(c.source));
  // A message may end in one of the clauses a second write! adds.
  const tail = `((?:${tails.map((c) => c.source.replaceAll("([\\s\\S]*?)", "(?:[\\s\\S]*?)")).join("|")})?)`;
  const whole = all({ ...ERRORS_ZH, ...FOREIGN_ZH }).map((c) => ({ ...c, re: new RegExp(`^${c.source}${tail}$`) }));
  compiled = {
    whole,
    tails: tails.map((c) => ({ ...c, re: new RegExp(`^${c.source}$`) })),
    pieces: pieces.filter((c) => !tails.includes(c)).map((c) => ({ ...c, re: new RegExp(`^${c.source}$`) })),
  };
  return compiled;
}

/**
 * Fills a Chinese template with values by placeholder name.
 * @param {string} zh
 * @param {Map<string, string>} values
 */
function fill(zh, values) {
  return tightenCjk(
    parseFormat(zh)
      .map((p) => ("text" in p ? p.text : `${MARK}${values.get(p.name) ?? ""}${MARK}`))
      .join(""),
  );
}

/**
 * `m`'s captures, each translated unless it sits in quotes, into `c.zh`.
 * @param {Compiled} c @param {RegExpExecArray} m @param {number} depth
 */
function render(c, m, depth) {
  const values = new Map(c.names.map((name, i) => [name, c.quoted[i] ? m[i + 1] : value(m[i + 1], depth + 1)]));
  return fill(c.zh, values);
}

/**
 * A placeholder's value in Chinese: one of the fixed words or pieces, a
 * message, or a list of pieces; anything else as it is.
 * @param {string} text @param {number} depth
 * @returns {string}
 */
function value(text, depth) {
  if (depth > MAX_DEPTH || text === "") return text;
  const { pieces } = tables();
  const piece = (/** @type {string} */ item) => {
    for (const c of pieces) {
      const m = c.re.exec(item);
      if (m) return render(c, m, depth);
    }
    return null;
  };
  // A list (", "-joined) of pieces, such as NoRoom's earlier requests.
  const items = text.includes(", ") ? text.split(", ").map(piece) : [];
  if (items.length && items.every((item) => item !== null)) return items.join("、");
  return piece(text) ?? translate(text, depth) ?? text;
}

/**
 * The Chinese of a whole message, or null when no format matches.
 * @param {string} message @param {number} depth
 * @returns {string | null}
 */
function translate(message, depth) {
  const { whole, tails } = tables();
  for (const c of whole) {
    const m = c.re.exec(message);
    if (!m) continue;
    const rest = m[m.length - 1] ?? "";
    const head = render(c, m, depth);
    if (!rest) return head;
    for (const t of tails) {
      const tm = t.re.exec(rest);
      if (tm) return head + render(t, tm, depth);
    }
    return head + rest;
  }
  return null;
}

/**
 * A message of netlab's in Chinese: the format whose pattern matches the
 * whole message (the most specific first), its values that are messages or
 * the core's fixed words translated too. A message none matches, such as
 * Python's own, comes back unchanged; so does one a page put a label
 * before ("源地址: --src: …") but for the part after the label.
 * @param {string} message
 * @returns {string}
 */
export function localizeError(message) {
  const whole = translate(message, 0);
  if (whole !== null) return whole;
  const labelled = /^([^:：]{1,40})(: |：)([\s\S]+)$/.exec(message);
  const rest = labelled ? translate(labelled[3], 1) : null;
  return labelled && rest !== null ? `${labelled[1]}${labelled[2]}${rest}` : message;
}

/**
 * An error message as the page shows it: in Chinese on the Chinese page,
 * else as netlab wrote it.
 * @param {string} message
 */
export const pageError = (message) => (getLang() === "zh" ? localizeError(message) : message);
