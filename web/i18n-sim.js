// The simulators' explanations in Simplified Chinese, keyed by the English
// the core writes (`TcpEvent.explanation`: core/src/sim/tcp/explain.rs and
// run.rs; `LanEvent.explanation`: core/src/sim/lan/engine.rs), the way
// gettext keys a catalogue, as web/i18n-fields.js does for the header
// fields: the core stays English and the page words it. Each rule is a
// regular expression over one whole sentence form, its variable parts
// (addresses, MACs, numbers, names, Python's bytes) carried over as they
// are; states (ESTABLISHED, TIME-WAIT), protocol names, Python code
// (`conn.recv(1024)`, `b'hello'`) and what a terminal prints (CPython's
// `[Errno 111] Connection refused`, ping's messages) stay as they are.
// `simExplanation` translates a whole explanation or returns null, never
// half of one. tests/js/i18n_sim.test.mjs runs every scenario and variant
// through it and fails on any explanation left without Chinese or with an
// English word left in it.
// @ts-check

/** @typedef {(m: RegExpExecArray) => string | null} Zh */
/** @typedef {Array<[RegExp, Zh]>} Rules */

const IP = String.raw`\d{1,3}(?:\.\d{1,3}){3}`;
const NET = String.raw`\d{1,3}(?:\.\d{1,3}){3}/\d{1,2}`;
const MAC = String.raw`[0-9a-f]{2}(?::[0-9a-f]{2}){5}`;
/** Python's bytes as `py_bytes` writes them: b'…' or b"…", with escapes. */
const BYTES = String.raw`b'(?:[^'\\]|\\.)*'|b"(?:[^"\\]|\\.)*"`;
/** An RFC 9293 state, as the core names it (SYN-SENT). */
const STATE = String.raw`[A-Z]+(?:-[A-Z0-9]+)*`;
/** CPython's message for an errno, kept as Python prints it. */
const ERRNO = String.raw`\[Errno \d+\] [A-Za-z ]+`;
const SIDE = "(client|server)";

/** @type {Record<string, string>} */
const SIDES_ZH = { client: "客户端", server: "服务端" };
/** @param {string} side */
const side = (side) => SIDES_ZH[side];

/**
 * A regular expression over a whole text, from a template whose spaces and
 * punctuation are literal except the groups written in it.
 * @param {string} source
 */
const whole = (source) => new RegExp(`^${source}$`, "s");

/** The first rule that matches all of `text`, in Chinese; null if none. @param {Rules} rules @param {string} text */
function apply(rules, text) {
  for (const [re, zh] of rules) {
    const m = re.exec(text);
    if (m) return zh(m);
  }
  return null;
}

// ---------------------------------------------------------------- TCP

/** What FIN adds (explain.rs, Why::Fin). @type {Rules} */
const FIN_WHEN = [
  [
    whole(`The ${SIDE} closed first; this FIN closes the ${SIDE}'s direction too, the third segment of the four-way close \\(四次挥手\\)\\.`),
    (m) => `${side(m[1])}先关闭了；这个 FIN 把${side(m[2])}这个方向也关闭，是四次挥手的第三个报文段。`,
  ],
  [
    whole(`The first segment of the four-way close \\(四次挥手\\): the ${SIDE} may still send until it closes too\\.`),
    (m) => `这是四次挥手的第一个报文段：${side(m[1])}在自己也关闭之前仍然可以发送数据。`,
  ],
];

/** What the ACK of a FIN adds, by the state it leaves (explain.rs, Why::FinAck). @type {Rules} */
const FIN_ACK_THEN = [
  [/^$/, () => ""],
  [
    whole(`The ${SIDE} goes to CLOSE-WAIT: its recv\\(\\) returns b'', and it may still send until its own close\\(\\)\\.`),
    (m) => `${side(m[1])}进入 CLOSE-WAIT：它的 recv() 返回 b''，在它自己调用 close() 之前仍然可以发送。`,
  ],
  [
    whole(`The last of the four segments\\. The ${SIDE} waits in TIME-WAIT \\(2×MSL\\) in case this ACK is lost and the FIN comes again\\.`),
    (m) => `这是四次挥手的最后一个报文段。${side(m[1])}在 TIME-WAIT 中等待 (2×MSL)，以防这个 ACK 丢失、FIN 再次到来。`,
  ],
  [
    whole(`Both ends closed at once: the ${SIDE}'s own FIN is not acknowledged yet, so it is in CLOSING\\.`),
    (m) => `两端同时关闭：${side(m[1])}自己的 FIN 还没有被确认，所以它处于 CLOSING。`,
  ],
];

/** What the retransmission timer knows (run.rs, Fired::Retransmit). @type {Rules} */
const RTO_KNOWN = [
  [/^Nothing tells it whether the segment or its ACK was lost$/, () => "它无从知道丢的是这个报文段还是它的 ACK"],
  [
    whole(`(\\d+) duplicate ACKs? said the ${SIDE} still waits for seq (\\d+), fewer than the three a fast retransmit needs \\(RFC 5681 §3\\.2\\)`),
    (m) => `${m[1]} 个重复确认说明${side(m[2])}仍在等待 seq ${m[3]}，不到快速重传所需的三个（RFC 5681 §3.2）`,
  ],
];

/** Why a blocked call raises (run.rs, `raise`). @type {Record<string, string>} */
const RAISE_WHY = {
  "the answer to the SYN was a RST: nothing listens on that port": "对 SYN 的回答是 RST：那个端口上没有程序在监听",
  "a RST aborted the open connection": "一个 RST 中止了已打开的连接",
  "no answer came after every retransmission": "每次重传之后都没有回应",
};

/** Each TCP event's own explanation, before what arrival or loss adds. @type {Rules} */
const TCP = [
  // Segments (explain.rs).
  [
    whole(`The ${SIDE} asks to connect: a SYN with its initial sequence number \\(ISN\\) (\\d+) and its MSS (\\d+)\\. The SYN takes one sequence number, so the answer will acknowledge (\\d+)\\.`),
    (m) => `${side(m[1])}请求连接：发送 SYN，带上自己的初始序号 (ISN) ${m[2]} 和 MSS ${m[3]}。SYN 占用一个序号，所以对方的回答将确认 ${m[4]}。`,
  ],
  [
    whole(
      `The ${SIDE} accepts: its own SYN with its ISN (\\d+), and ACK (\\d+): the ${SIDE}'s ISN \\+ 1, the next number it expects\\. Second of the three-way handshake \\(三次握手\\); MSS (\\d+), window (\\d+)\\.`,
    ),
    (m) =>
      `${side(m[1])}接受连接：发送自己的 SYN，初始序号 (ISN) 为 ${m[2]}，同时 ACK ${m[3]}：即${side(m[4])}的 ISN + 1，也就是它期望收到的下一个序号。这是三次握手的第二次；MSS ${m[5]}，窗口 ${m[6]}。`,
  ],
  [
    whole(
      `The ${SIDE} acknowledges the ${SIDE}'s SYN with ack (\\d+) \\(its ISN \\+ 1\\)\\. Third and last of the three-way handshake: both ends know each other's ISN, and the ${SIDE} is ESTABLISHED\\.`,
    ),
    (m) => `${side(m[1])}用 ack ${m[3]}（${side(m[2])}的 ISN + 1）确认${side(m[2])}的 SYN。这是三次握手的第三次，也是最后一次：双方都知道了对方的 ISN，${side(m[4])}进入 ESTABLISHED。`,
  ],
  [
    whole(
      `The ${SIDE} sends (\\d+) bytes?, (${BYTES}), at seq (\\d+) \\(relative (\\S+): the SYN took number 0, so data starts at 1\\); its next byte will be (\\d+)\\. ACK (\\d+) \\(relative (\\S+)\\) acknowledges what it got, and PSH asks the receiver to hand the bytes to the program now\\. Window (\\d+): the ${SIDE} can take that many more bytes\\.`,
    ),
    (m) =>
      `${side(m[1])}在 seq ${m[4]}（相对序号 ${m[5]}：SYN 占了 0 号，所以数据从 1 开始）发送 ${m[2]} 字节 ${m[3]}；它的下一个字节将是 ${m[6]}。ACK ${m[7]}（相对 ${m[8]}）确认它已收到的数据，PSH 请接收方立刻把这些字节交给程序。窗口 ${m[9]}：${side(m[10])}还能再接收这么多字节。`,
  ],
  [
    whole(
      `The ${SIDE} acknowledges: ack (\\d+) \\(relative (\\S+)\\) is the next byte it expects, so everything before it arrived\\. Window (\\d+): it can take that many more bytes\\. \\(seed 003: every message gets a receipt, 回执\\.\\)`,
    ),
    (m) => `${side(m[1])}确认：ack ${m[2]}（相对 ${m[3]}）是它期望的下一个字节，说明之前的都已收到。窗口 ${m[4]}：它还能再接收这么多字节。（教程 003：每条消息都有回执。）`,
  ],
  [
    whole(`The ${SIDE}'s close\\(\\) sends FIN at seq (\\d+): it has no more data\\. The FIN takes one sequence number\\. (.*)`),
    (m) => {
      const when = apply(FIN_WHEN, m[3]);
      return when === null ? null : `${side(m[1])}的 close() 在 seq ${m[2]} 发送 FIN：它没有更多数据要发了。FIN 占用一个序号。${when}`;
    },
  ],
  [
    whole(`The ${SIDE} acknowledges the ${SIDE}'s FIN with ack (\\d+) \\(the FIN took one number\\)\\. ?(.*)`),
    (m) => {
      const then = apply(FIN_ACK_THEN, m[4]);
      return then === null ? null : `${side(m[1])}用 ack ${m[3]} 确认${side(m[2])}的 FIN（FIN 占用一个序号）。${then}`;
    },
  ],
  [
    whole(
      `No socket listens on (${IP}):(\\d+), so the ${SIDE}'s TCP answers with a reset: RST, seq (\\d+), ack (\\d+) \\(RFC 9293 §3\\.10\\.7\\.1: the SYN's seq \\+ 1\\)\\. The ${SIDE}'s connect\\(\\) raises ConnectionRefusedError: (${ERRNO})\\.`,
    ),
    (m) =>
      `${m[1]}:${m[2]} 上没有套接字在监听，所以${side(m[3])}的 TCP 用复位来回答：RST，seq ${m[4]}，ack ${m[5]}（RFC 9293 §3.10.7.1：SYN 的 seq + 1）。${side(m[6])}的 connect() 抛出 ConnectionRefusedError: ${m[7]}。`,
  ],
  [
    whole(`The ${SIDE} resets: the segment it got acknowledged a number it never sent \\(RFC 9293 §3\\.10\\.7\\)\\.`),
    (m) => `${side(m[1])}发送复位：它收到的报文段确认了一个它从没发送过的序号（RFC 9293 §3.10.7）。`,
  ],
  [
    whole(`The ${SIDE} got a segment it cannot use \\(already received, or outside its window\\) and repeats ack (\\d+): the next byte it still expects\\.`),
    (m) => `${side(m[1])}收到一个用不上的报文段（已经收到过，或在它的窗口之外），于是重复 ack ${m[2]}：这是它仍在等待的下一个字节。`,
  ],
  [
    whole(
      `Three duplicate ACKs in a row all asked for seq (\\d+): the ${SIDE} is getting the segments after it, so that one must be lost\\. The ${SIDE} sends it again at once, without waiting for its timer \\(fast retransmit, RFC 5681 §3\\.2\\)\\.`,
    ),
    (m) => `连续三个重复确认都在要 seq ${m[1]}：${side(m[2])}收到了它后面的报文段，所以这一个一定是丢了。${side(m[3])}立刻重发它，不等计时器到期（快速重传，RFC 5681 §3.2）。`,
  ],
  [
    whole(
      `The ${SIDE} got bytes from after a gap: bytes before them are missing\\. It keeps them \\(RFC 9293 §3\\.10\\.7\\.4, as Linux's out-of-order queue does\\) and repeats ack (\\d+), the first byte still missing: a duplicate ACK that tells the ${SIDE} where the gap is\\.`,
    ),
    (m) =>
      `${side(m[1])}收到了缺口之后的字节：它们前面的字节还没到。它先把这些字节留着（RFC 9293 §3.10.7.4，Linux 的乱序队列也是这样做的），并重复 ack ${m[2]}，即仍然缺少的第一个字节：这个重复确认告诉${side(m[3])}缺口在哪里。`,
  ],
  [
    whole(`The missing bytes arrived\\. With the bytes it kept from after the gap, the ${SIDE} now has everything up to (\\d+), and acknowledges it all at once: ack (\\d+)\\.`),
    (m) => `缺少的字节到了。加上之前留着的缺口之后的字节，${side(m[1])}现在已经有了直到 ${m[2]} 的全部数据，于是一次全部确认：ack ${m[3]}。`,
  ],
  [
    whole(`The ${SIDE} got a SYN on an open connection; it answers with an ACK of where it is \\(RFC 5961 challenge ACK\\) instead of starting over\\.`),
    (m) => `${side(m[1])}在已打开的连接上收到了 SYN；它不重新开始，而是回一个说明自己当前位置的 ACK（RFC 5961 的挑战 ACK）。`,
  ],
  [
    whole(
      `The ${SIDE}'s SYN arrived a second time: it never got the SYN-ACK, which must have been lost\\. The ${SIDE} sends the same SYN-ACK again at once \\(seq (\\d+), ack (\\d+)\\) and restarts its timer, as Linux does; RFC 9293 alone would answer with an ACK and wait for the timer\\.`,
    ),
    (m) =>
      `${side(m[1])}的 SYN 第二次到达：它没有收到 SYN-ACK，那个 SYN-ACK 一定是丢了。${side(m[2])}立刻再发一次同样的 SYN-ACK（seq ${m[3]}，ack ${m[4]}）并重启计时器，Linux 就是这样做的；只按 RFC 9293 的话，它会回一个 ACK 并等计时器到期。`,
  ],
  [
    whole(
      `The ${SIDE}'s program calls close\\(\\) while bytes it never read wait in its receive buffer\\. Linux does not close gracefully then: it aborts with a RST \\(seq (\\d+), ack (\\d+)\\), as RFC 1122 §4\\.2\\.2\\.13 asks, so the ${SIDE} learns its data went unread\\. The ${SIDE}'s next recv\\(\\) or send\\(\\) raises ConnectionResetError: (${ERRNO})\\.`,
    ),
    (m) =>
      `${side(m[1])}的程序调用 close() 时，接收缓冲区里还有它没读过的字节。这时 Linux 不会正常关闭，而是按 RFC 1122 §4.2.2.13 的要求用 RST 中止连接（seq ${m[2]}，ack ${m[3]}），让${side(m[4])}知道它的数据没有被读。${side(m[5])}下一次调用 recv() 或 send() 会抛出 ConnectionResetError: ${m[6]}。`,
  ],
  [
    whole(`The ${SIDE} has already dropped this connection, so a segment of it finds no socket and is answered with a RST \\(seq (\\d+), RFC 9293 §3\\.10\\.7\\.1\\)\\.`),
    (m) => `${side(m[1])}已经丢弃了这个连接，所以属于这个连接的报文段找不到套接字，得到的回答是 RST（seq ${m[2]}，RFC 9293 §3.10.7.1）。`,
  ],
  [
    whole(
      `New data reached the ${SIDE}, whose program has already called close\\(\\): nobody will ever read it, so Linux aborts with a RST \\(seq (\\d+)\\), as RFC 1122 §4\\.2\\.2\\.13 asks\\. The ${SIDE}'s next recv\\(\\) or send\\(\\) raises ConnectionResetError: (${ERRNO})\\.`,
    ),
    (m) =>
      `新的数据到达${side(m[1])}，而它的程序已经调用了 close()：再也没有人会读这些数据，所以 Linux 按 RFC 1122 §4.2.2.13 的要求用 RST 中止连接（seq ${m[2]}）。${side(m[3])}下一次调用 recv() 或 send() 会抛出 ConnectionResetError: ${m[4]}。`,
  ],
  // Timers (run.rs, `fire`).
  [
    whole(
      `The ${SIDE}'s retransmission timer expires: (\\d+) ms passed and seq (\\d+) is still unacknowledged\\. (.+), so it sends the oldest unacknowledged segment again \\(attempt (\\d+)\\) and doubles the timeout to (\\d+) ms \\(RFC 6298 §5\\.5\\)\\.`,
    ),
    (m) => {
      const known = apply(RTO_KNOWN, m[4]);
      return known === null
        ? null
        : `${side(m[1])}的重传计时器到期：已经过了 ${m[2]} ms，seq ${m[3]} 仍未被确认。${known}，所以它重发最早的未确认报文段（第 ${m[5]} 次重传），并把超时时间加倍到 ${m[6]} ms（RFC 6298 §5.5）。`;
    },
  ],
  [
    whole(`The ${SIDE} gives up after (\\d+) retransmissions? without an answer: the connection is dropped \\((${ERRNO})\\)\\.`),
    (m) => `${side(m[1])}重传了 ${m[2]} 次都没有回应，于是放弃：连接被丢弃（${m[3]}）。`,
  ],
  [
    whole(
      `TIME-WAIT ends after (\\d+) ms \\(2×MSL\\): the ${SIDE} kept the connection this long in case its last ACK was lost and the FIN came again\\. Now it is gone \\(CLOSED\\) and the same addresses and ports may start a new connection\\.`,
    ),
    (m) => `TIME-WAIT 在 ${m[1]} ms (2×MSL) 后结束：${side(m[2])}把连接保留这么久，是防止它最后的 ACK 丢失、FIN 再次到来。现在连接没有了 (CLOSED)，同样的地址和端口可以建立新的连接了。`,
  ],
  // Socket calls (run.rs, `call`, `poll_one`, `raise`).
  [
    whole(`After sk\\.bind\\(\\('(${IP})', (\\d+)\\)\\), listen\\(\\) puts the ${SIDE}'s socket in LISTEN: it waits for SYNs\\. Nothing is sent yet\\.`),
    (m) => `在 sk.bind(('${m[1]}', ${m[2]})) 之后，listen() 让${side(m[3])}的套接字进入 LISTEN：它等待 SYN。还什么都没有发送。`,
  ],
  [
    whole(`accept\\(\\) returns: the handshake is complete, and the server gets a new socket, conn, for the client \\('(${IP})', (\\d+)\\)\\.`),
    (m) => `accept() 返回：握手已经完成，服务端为客户端 ('${m[1]}', ${m[2]}) 得到一个新的套接字 conn。`,
  ],
  [/^connect\(\) returns: the client's side of the connection is ESTABLISHED and it may send\.$/, () => "connect() 返回：客户端这一侧的连接已经 ESTABLISHED，可以发送数据了。"],
  [
    whole(`recv\\(1024\\) returns (${BYTES}) \\((\\d+) bytes?\\): TCP handed the bytes to the program in order\\.`),
    (m) => `recv(1024) 返回 ${m[1]}（${m[2]} 字节）：TCP 把这些字节按顺序交给了程序。`,
  ],
  [
    whole(`recv\\(1024\\) returns b'': the ${SIDE} sent FIN, so no more data will come\\. That is how a program learns the other side closed\\.`),
    (m) => `recv(1024) 返回 b''：${side(m[1])}发来了 FIN，不会再有数据了。程序就是这样得知对方已经关闭的。`,
  ],
  [
    whole(`send\\(\\) copies (\\d+) bytes? into the ${SIDE}'s send buffer; the window or the state keeps them there for now\\.`),
    (m) => `send() 把 ${m[1]} 字节复制到${side(m[2])}的发送缓冲区；窗口或连接状态让它们暂时留在那里。`,
  ],
  [
    whole(`close\\(\\) in (${STATE}) sends nothing: the ${SIDE} socket simply goes away\\.`),
    (m) => `在 ${m[1]} 状态下 close() 什么也不发送：${side(m[2])}的套接字就这样消失了。`,
  ],
  [
    whole(`The call raises (\\w+Error): (${ERRNO}): (.+)\\.`),
    (m) => (m[3] in RAISE_WHY ? `调用抛出 ${m[1]}: ${m[2]}：${RAISE_WHY[m[3]]}。` : null),
  ],
];

/** What the driver appends to a segment's explanation (run.rs, `arrive` and `emit`). @type {Rules} */
const TCP_TAILS = [
  [whole(`(.*) On arrival the ${SIDE} goes from (${STATE}) to (${STATE})\\.`), (m) => `到达后，${side(m[2])}从 ${m[3]} 变为 ${m[4]}。`],
  [whole(`(.*) The network loses this segment: the ${SIDE} never sees it\\.`), (m) => `网络丢失了这个报文段：${side(m[2])}根本收不到它。`],
  [
    whole(`(.*) The ${SIDE} already acknowledged these bytes \\(ack (\\d+)\\), but that ACK (was lost|is still on its way): this copy is not needed \\(Wireshark: spurious retransmission\\)\\.`),
    (m) => `${side(m[2])}其实已经确认过这些字节（ack ${m[3]}），只是那个 ACK ${m[4] === "was lost" ? "丢失了" : "还在路上"}：这份副本并不需要（抓包里称为伪重传）。`,
  ],
];

/** A TCP event's explanation in Chinese, or null. @param {string} text */
function tcpZh(text) {
  let body = text;
  let head = "";
  const again = "Retransmission after the timeout. ";
  if (body.startsWith(again)) {
    head = "超时后重传。";
    body = body.slice(again.length);
  }
  /** @type {string[]} */
  const tails = [];
  for (let found = true; found; ) {
    found = false;
    for (const [re, zh] of TCP_TAILS) {
      const m = re.exec(body);
      if (m) {
        tails.unshift(/** @type {string} */ (zh(m)));
        body = m[1];
        found = true;
        break;
      }
    }
  }
  const zh = apply(TCP, body.trimEnd());
  return zh === null ? null : head + zh + tails.join("");
}

// ---------------------------------------------------------------- LAN

/** What a frame carries, as `send_text` names it: the noun and what follows it. @type {Record<string, [string, string]>} */
const CARRIES_ZH = {
  "an ICMP echo request (ping)": ["ICMP 回显请求 (ping)", ""],
  "an ICMP echo reply": ["ICMP 回显应答", ""],
  "ICMP time exceeded, telling the sender its packet died on the way": ["ICMP 超时报文", "，告诉发送方它的数据包死在了半路上"],
  "ICMP destination unreachable, telling the sender there is no way on": ["ICMP 目的不可达报文", "，告诉发送方前面没有路了"],
  "an ICMP message": ["ICMP 报文", ""],
  "a UDP datagram": ["UDP 数据报", ""],
  "an IPv4 packet": ["IPv4 数据包", ""],
};

/** The ICMP messages `icmp_text` (frames.rs) names. @type {Record<string, string>} */
const ICMP_ZH = {
  "ICMP echo request": "ICMP 回显请求",
  "ICMP echo reply": "ICMP 回显应答",
  "ICMP time exceeded": "ICMP 超时报文",
  "ICMP destination unreachable (network)": "ICMP 目的不可达（网络不可达）",
  "ICMP destination unreachable (host)": "ICMP 目的不可达（主机不可达）",
  "ICMP destination unreachable (port)": "ICMP 目的不可达（端口不可达）",
  "ICMP destination unreachable": "ICMP 目的不可达",
  "ICMP message": "ICMP 报文",
};

/** A frame's way out (`send_text`'s head) and what it is. @type {Rules} */
const SEND_BODY = [
  [
    whole(`ARP request: "who has (${IP})\\? Tell (${IP}) \\((${MAC})\\)"\\. Only the owner of that address will answer\\.`),
    (m) => `ARP 请求：“谁是 ${m[1]}？请告诉 ${m[2]} (${m[3]})”。只有拥有这个地址的那一台会回答。`,
  ],
  [whole(`ARP reply, sent to the asker alone \\(unicast\\): "(${IP}) is at (${MAC})"\\.`), (m) => `ARP 应答，只发给提问者（单播）：“${m[1]} 的 MAC 地址是 ${m[2]}”。`],
  [
    whole(`The same IP packet, in a new frame: the MAC addresses belong to this link, the IP addresses stay end to end; TTL is now (\\d+)\\.`),
    (m) => `还是同一个 IP 数据包，装在新的帧里：MAC 地址属于这一段链路，IP 地址从头到尾不变；TTL 现在是 ${m[1]}。`,
  ],
  [
    whole(`Inside(?: from (${IP}) to (${IP}) with TTL (\\d+))?: (.+)\\.`),
    (m) => {
      const carries = CARRIES_ZH[m[4]];
      if (!carries) return null;
      const [noun, then] = carries;
      return m[1] === undefined ? `里面是 ${noun}${then}。` : `里面是从 ${m[1]} 到 ${m[2]}、TTL 为 ${m[3]} 的 ${noun}${then}。`;
    },
  ],
];

/** What a switch learned (engine.rs, `switch`). @type {Rules} */
const SWITCH_LEARN = [
  [whole(`(.+?) learns that (${MAC}) is on port (\\d+): its table now has (\\d+) entr(?:y|ies)\\.`), (m) => `${m[1]} 学到 ${m[2]} 在端口 ${m[3]}：它的表里现在有 ${m[4]} 项。`],
  [whole(`(.+?) already knows (${MAC}) is on port (\\d+)\\.`), (m) => `${m[1]} 已经知道 ${m[2]} 在端口 ${m[3]}。`],
];

/** A list of ports, "2, 3", as Chinese lists it. @param {string} list */
const ports = (list) => list.split(", ").join("、");

/** What a switch does with the frame. @type {Rules} */
const SWITCH_ACT = [
  [
    whole(`The destination is the broadcast address, so it floods the frame out of every other port \\((\\d+(?:, \\d+)*)?\\)\\.`),
    (m) => (m[1] === undefined ? "目的地址是广播地址，但没有别的端口可以泛洪。" : `目的地址是广播地址，所以它把这一帧从其他所有端口（${ports(m[1])}）泛洪出去。`),
  ],
  [
    whole(`It has not learned (${MAC}) yet, so it floods the frame out of every other port \\((\\d+(?:, \\d+)*)?\\)\\.`),
    (m) => (m[2] === undefined ? `它还没学到 ${m[1]}，但没有别的端口可以泛洪。` : `它还没学到 ${m[1]}，所以把这一帧从其他所有端口（${ports(m[2])}）泛洪出去。`),
  ],
  [whole(`It learned (${MAC}) on port (\\d+), so the frame goes out of that port only\\.`), (m) => `它已经在端口 ${m[2]} 学到 ${m[1]}，所以这一帧只从那个端口出去。`],
  [whole(`(${MAC}) is on port (\\d+), where the frame came from: it drops it\\.`), (m) => `${m[1]} 就在端口 ${m[2]}，也就是这一帧进来的端口：它丢弃这一帧。`],
];

/** Each LAN event's explanation (engine.rs). @type {Rules} */
const LAN = [
  [
    whole(
      `(.+?) ANDs both addresses with its mask (${IP}): (${IP}) AND \\2 = (${IP}), (${IP}) AND \\2 = (${IP})\\. The same network, so \\5 should be on \\1's own LAN: it sends straight to it, and needs its MAC\\.`,
    ),
    (m) =>
      `${m[1]} 用自己的子网掩码 ${m[2]} 和两个地址做按位与：${m[3]} AND ${m[2]} = ${m[4]}，${m[5]} AND ${m[2]} = ${m[6]}。是同一个网络，所以 ${m[5]} 应该就在 ${m[1]} 自己的局域网里：直接发给它，为此需要它的 MAC 地址。`,
  ],
  [
    whole(
      `(.+?) ANDs both addresses with its mask (${IP}): (${IP}) AND \\2 = (${IP}), (${IP}) AND \\2 = (${IP})\\. Different networks, so the packet must go through the gateway \\(网关\\)(?: (${IP})|, and \\1 has none)\\.`,
    ),
    (m) =>
      `${m[1]} 用自己的子网掩码 ${m[2]} 和两个地址做按位与：${m[3]} AND ${m[2]} = ${m[4]}，${m[5]} AND ${m[2]} = ${m[6]}。是不同的网络，所以数据包必须经过网关${
        m[7] === undefined ? `，而 ${m[1]} 没有网关` : ` ${m[7]}`
      }。`,
  ],
  [
    whole(
      `(.+?) has no gateway, so its routing table holds only its own network (${NET}): there is no route to (${IP})\\. The kernel refuses before anything is sent\\. Python raises OSError: (${ERRNO})\\.`,
    ),
    (m) => `${m[1]} 没有网关，所以它的路由表里只有自己的网络 ${m[2]}：没有到 ${m[3]} 的路由。内核在发送任何东西之前就拒绝了。Python 抛出 OSError: ${m[4]}。`,
  ],
  [
    whole(`(.+?)'s gateway (${IP}) is not on its own network (${NET}), so it cannot be reached and there is no route to (${IP})\\. Python raises OSError: (${ERRNO})\\.`),
    (m) => `${m[1]} 的网关 ${m[2]} 不在它自己的网络 ${m[3]} 里，所以网关到不了，也就没有到 ${m[4]} 的路由。Python 抛出 OSError: ${m[5]}。`,
  ],
  [whole(`(.+?)'s ARP cache already has (${IP}) → (${MAC}): no need to ask\\.`), (m) => `${m[1]} 的 ARP 缓存里已经有 ${m[2]} → ${m[3]}：不用再问。`],
  [
    whole(`(.+?)'s ARP cache has no MAC for (${IP})\\. A frame needs one \\(switches only read MAC addresses\\), so \\1 holds the packet and asks with ARP\\.`),
    (m) => `${m[1]} 的 ARP 缓存里没有 ${m[2]} 的 MAC 地址。帧需要它（交换机只看 MAC 地址），所以 ${m[1]} 先留着这个数据包，用 ARP 去问。`,
  ],
  [whole(`No ARP reply for (${IP}) after (\\d+) ms\\. (.+?) asks again \\((\\d+) of (\\d+)\\)\\.`), (m) => `过了 ${m[2]} ms 还没有 ${m[1]} 的 ARP 应答。${m[3]} 再问一次（第 ${m[4]} 次，共 ${m[5]} 次）。`],
  [
    whole(`(\\d+) ARP requests? for (${IP}) went unanswered: nobody on that link has the address\\. (.+?) drops the packets it held and tells their senders \\(ICMP host unreachable\\)\\.`),
    (m) => `对 ${m[2]} 的 ${m[1]} 次 ARP 请求都没有回应：那条链路上没有谁有这个地址。${m[3]} 丢弃它留着的数据包，并告诉它们的发送方（ICMP 主机不可达）。`,
  ],
  [
    whole(
      `(\\d+) ARP requests? for (${IP}) went unanswered: nobody on (.+?)'s LAN has that address, so the packet can never be framed\\. \\3 drops it: "Destination Host Unreachable" \\((${ERRNO})\\)\\.`,
    ),
    (m) => `对 ${m[2]} 的 ${m[1]} 次 ARP 请求都没有回应：${m[3]} 的局域网里没有谁有这个地址，所以这个数据包永远无法封装成帧。${m[3]} 丢弃它："Destination Host Unreachable"（${m[4]}）。`,
  ],
  [
    whole(`(.+?) sends a frame out of (.+?), from (${MAC}) to (?:(ff:ff:ff:ff:ff:ff), the broadcast address: every card on the LAN takes it|(${MAC}))\\. (.+)`),
    (m) => {
      const body = apply(SEND_BODY, m[6]);
      if (body === null) return null;
      const to = m[4] === undefined ? m[5] : `${m[4]}，即广播地址：局域网上的每块网卡都会收下它`;
      return `${m[1]} 从 ${m[2]} 发出一帧，从 ${m[3]} 发往 ${to}。${body}`;
    },
  ],
  [
    whole(`(.+?) gets the frame on port (\\d+)\\. (.+?\\.) (.+?) A switch reads only MAC addresses and changes nothing in the frame\\.`),
    (m) => {
      const learn = apply(SWITCH_LEARN, m[3]);
      const act = apply(SWITCH_ACT, m[4]);
      return learn === null || act === null ? null : `${m[1]} 在端口 ${m[2]} 收到这一帧。${learn}${act}交换机只看 MAC 地址，不改动帧里的任何内容。`;
    },
  ],
  [whole(`(.+?)'s card \\((${MAC})\\) gets a frame for (${MAC}), not for it, and drops it unread\\.`), (m) => `${m[1]} 的网卡（${m[2]}）收到一个发给 ${m[3]} 的帧，不是给它的，于是不读内容就丢弃了。`],
  [
    whole(`The request asks for (.+?)'s address, so \\1 notes the asker: (${IP}) is at (${MAC}) \\(RFC 826\\)\\. It will need that to answer\\.`),
    (m) => `这个请求问的是 ${m[1]} 的地址，所以 ${m[1]} 记下提问者：${m[2]} 的 MAC 地址是 ${m[3]}（RFC 826）。回答时要用到它。`,
  ],
  [whole(`(.+?) writes the answer into its ARP cache: (${IP}) is at (${MAC})\\.`), (m) => `${m[1]} 把回答写进自己的 ARP 缓存：${m[2]} 的 MAC 地址是 ${m[3]}。`],
  [
    whole(
      `The ARP request asks for (${IP}); (.+?) is (${IP}) and stays silent\\.( A router answers ARP only for its own addresses, even for a network it can reach \\(Linux does proxy ARP only when told to\\)\\.)?`,
    ),
    (m) =>
      `这个 ARP 请求问的是 ${m[1]}；${m[2]} 是 ${m[3]}，所以不作声。${
        m[4] === undefined ? "" : "路由器只为自己的地址回答 ARP，哪怕是它能到达的网络也不代答（Linux 只在配置了代理 ARP 时才代答）。"
      }`,
  ],
  [
    whole(
      `(${IP}) is (a loopback address \\(127\\.0\\.0\\.0/8\\)|.+?'s own address): the kernel's local routing table sends the packet through the loopback interface lo, not the network card\\. No ARP, no frame: the switch never sees it\\.`,
    ),
    (m) => {
      const whose = m[2].startsWith("a loopback") ? "回环地址（127.0.0.0/8）" : ` ${m[2].slice(0, -"'s own address".length)} 自己的地址`;
      return `${m[1]} 是${whose}：内核的本地路由表让数据包走回环接口 lo，而不是网卡。没有 ARP，也没有帧：交换机根本看不到它。`;
    },
  ],
  [
    whole(`(.+?): (${IP}) is a broadcast address: every station on the network would answer\\. ping refuses unless it is given -b, and prints: (ping: .+)`),
    (m) => `${m[1]}：${m[2]} 是广播地址：网络上的每台主机都会回答。除非加上 -b，否则 ping 拒绝发送，并打印：${m[3]}`,
  ],
  [
    whole(
      `(.+?): (${IP}) is a broadcast address\\. A UDP socket may send there only after setsockopt\\(SOL_SOCKET, SO_BROADCAST, 1\\); without it sendto\\(\\) raises (PermissionError: ${ERRNO})\\.`,
    ),
    (m) => `${m[1]}：${m[2]} 是广播地址。UDP 套接字只有在 setsockopt(SOL_SOCKET, SO_BROADCAST, 1) 之后才能往那里发送；否则 sendto() 抛出 ${m[3]}。`,
  ],
  [whole(`The packet is for (${IP}), not (.+?); a host does not forward, so it drops it\\.`), (m) => `这个数据包是给 ${m[1]} 的，不是给 ${m[2]} 的；主机不转发，所以丢弃它。`],
  [
    whole(`The echo request from (${IP}) reached (.+?) \\((${IP})\\), TTL (\\d+)\\. \\2 answers with an echo reply carrying the same data\\.`),
    (m) => `来自 ${m[1]} 的回显请求到达 ${m[2]}（${m[3]}），TTL ${m[4]}。${m[2]} 回一个带着同样数据的回显应答。`,
  ],
  [
    whole(`The echo reply from (${IP}) is back at (.+?): the ping succeeded\\. It arrived with TTL (\\d+) \\((\\d+) routers? on the way\\)\\.`),
    (m) => `来自 ${m[1]} 的回显应答回到了 ${m[2]}：ping 通了。它到达时 TTL 为 ${m[3]}（路上经过 ${m[4]} 个路由器）。`,
  ],
  [
    whole(`(.+?) gets (ICMP [a-z ()]+?) from (${IP}): its packet to (${IP}) did not arrive\\.`),
    (m) => (m[2] in ICMP_ZH ? `${m[1]} 收到来自 ${m[3]} 的 ${ICMP_ZH[m[2]]}：它发往 ${m[4]} 的数据包没有送到。` : null),
  ],
  [
    whole(`The datagram reaches (.+?)'s port (\\d+): recvfrom\\(1024\\) returns \\((${BYTES}), \\('(${IP})', (\\d+)\\)\\)\\.`),
    (m) => `数据报到达 ${m[1]} 的端口 ${m[2]}：recvfrom(1024) 返回 (${m[3]}, ('${m[4]}', ${m[5]}))。`,
  ],
  [
    whole(
      `The packet arrives with TTL (\\d+)\\. (.+?) must lower it by one before forwarding, and a packet whose TTL reaches 0 is dropped \\(this is what stops packets looping forever\\)\\. \\2 tells the sender with ICMP time exceeded\\.`,
    ),
    (m) => `数据包到达时 TTL 为 ${m[1]}。${m[2]} 转发前必须把它减一，而 TTL 减到 0 的数据包要被丢弃（正是这一点让数据包不会永远兜圈子）。${m[2]} 用 ICMP 超时报文告诉发送方。`,
  ],
  [
    whole(`(.+?) looks (${IP}) up in its routing table: the longest matching prefix is (${NET}) on (.+?), so the next hop is (${IP})( itself \\(its network is on that cable\\))?\\.`),
    (m) =>
      `${m[1]} 在路由表里查 ${m[2]}：最长匹配前缀是 ${m[4]} 上的 ${m[3]}，所以下一跳是 ${m[5]}${m[6] === undefined ? "" : " 本身（它所在的网络就接在那根网线上）"}。`,
  ],
  [whole(`(.+?) looks (${IP}) up in its routing table: no route matches, and it has no default route\\.`), (m) => `${m[1]} 在路由表里查 ${m[2]}：没有匹配的路由，也没有默认路由。`],
  [
    whole(`(.+?) cannot forward the packet to (${IP}): it drops it and tells the sender with ICMP destination unreachable \\(network unreachable\\)\\.`),
    (m) => `${m[1]} 无法把数据包转发到 ${m[2]}：它丢弃数据包，并用 ICMP 目的不可达（网络不可达）告诉发送方。`,
  ],
  [
    whole(`(.+?) lowers the TTL from (\\d+) to (\\d+) and so recomputes the IPv4 header checksum; the new frame will leave from its own MAC (${MAC})\\. The IP addresses do not change\\.`),
    (m) => `${m[1]} 把 TTL 从 ${m[2]} 减到 ${m[3]}，因此要重新计算 IPv4 报头校验和；新的帧将从它自己的 MAC 地址 ${m[4]} 发出。IP 地址不变。`,
  ],
  [
    whole(`(.+?) sends no ICMP error about an ICMP error \\(RFC 1122\\), so that errors cannot snowball\\.`),
    (m) => `${m[1]} 不会为 ICMP 差错报文再发 ICMP 差错报文（RFC 1122），免得差错越滚越多。`,
  ],
  [whole(`(.+?)'s (.+?) has no cable: the frame goes nowhere\\.`), (m) => `${m[1]} 的 ${m[2]} 没接网线：这一帧哪儿也去不了。`],
];

/**
 * A simulator's explanation (a TCP or LAN event's `explanation`) in
 * Chinese, whole; null when no rule knows all of it, so that the page
 * shows the English instead of half a translation.
 * @param {string} text the core's English
 * @returns {string | null}
 */
export function simExplanation(text) {
  return tcpZh(text) ?? apply(LAN, text);
}

/** The rule lists, for the tests: each must be needed by some explanation. */
export const SIM_RULES = { TCP, TCP_TAILS, FIN_WHEN, FIN_ACK_THEN, RTO_KNOWN, LAN, SEND_BODY, SWITCH_LEARN, SWITCH_ACT };
