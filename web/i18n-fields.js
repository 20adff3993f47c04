// The header fields' names and meanings in Simplified Chinese, keyed by the
// English the core gives (`PacketField.name`, `PacketField.meaning`), the
// way gettext keys a catalogue: the core stays English and the page words
// it. The names are the usual Chinese textbook terms (header is 报头, as in
// the seeds and the rest of the page), with the abbreviation a capture shows
// where there is one; the detail line keeps the English name beside them,
// because Wireshark shows that one.
// tests/js/i18n_fields.test.mjs checks that every name and meaning in
// core/src/packet has its entry here, and that none is left over.
// @ts-check
import { getLang } from "./i18n.js";

/** @type {Record<string, string>} */
export const NAMES_ZH = {
  // Linux cooked capture
  "Packet type": "包类型",
  "Link-layer address type": "链路层地址类型",
  "Link-layer address length": "链路层地址长度",
  "Interface index": "接口索引",
  "Extra bytes": "多余的字节",
  "Accurate ECN": "精确 ECN (AE)",
  Acknowledgment: "确认 (ACK)",
  "Acknowledgment Number": "确认号",
  "Autonomous address-configuration": "自主地址配置 (A)",
  Checksum: "校验和",
  Class: "类别",
  Code: "代码",
  "Congestion Window Reduced": "拥塞窗口已减小 (CWR)",
  "Copy on fragmentation": "分片时复制",
  "Cur Hop Limit": "当前跳数限制",
  DEI: "可丢弃指示 (DEI)",
  Data: "数据",
  "Default Router Preference": "默认路由器优先级 (Prf)",
  Destination: "目的地址",
  "Destination Address": "目的地址",
  "Destination Port": "目的端口",
  "Differentiated Services Codepoint": "区分服务码点 (DSCP)",
  "Differentiated Services Field": "区分服务字段",
  "Don't fragment": "不分片 (DF)",
  "ECN-Echo": "ECN 回显 (ECE)",
  "End of Option List": "选项表结束",
  "Explicit Congestion Notification": "显式拥塞通知 (ECN)",
  Fin: "终止 (FIN)",
  Flags: "标志",
  "Flow Label": "流标号",
  "Fragment Offset": "片偏移",
  Frame: "帧",
  "Frame Check Sequence": "帧检验序列 (FCS)",
  "Hardware size": "硬件地址长度",
  "Hardware type": "硬件类型",
  "Header Checksum": "报头校验和",
  "Header Length": "报头长度",
  "Home Agent": "家乡代理 (H)",
  "Hop Limit": "跳数限制",
  ID: "VLAN 标识 (VID)",
  Identification: "标识",
  Identifier: "标识符",
  Kind: "种类",
  Length: "长度",
  "Link-layer address": "链路层地址",
  "MSS Value": "MSS 值",
  MTU: "最大传送单元 (MTU)",
  "MTU of next hop": "下一跳的 MTU",
  "Managed address configuration": "管理地址配置 (M)",
  "Maximum segment size": "最大报文段长度 (MSS)",
  "More fragments": "还有分片 (MF)",
  "Next Header": "下一个报头",
  "No-Operation": "无操作 (NOP)",
  Number: "编号",
  "On-link": "在链路上 (L)",
  Opcode: "操作码",
  Option: "选项",
  Options: "选项",
  "Original datagram": "原来的数据报",
  "Other configuration": "其他配置 (O)",
  Override: "覆盖 (O)",
  Padding: "填充",
  "Payload Length": "有效载荷长度",
  Pointer: "指针",
  Preamble: "前导码",
  "Preferred Lifetime": "首选生存期",
  Prefix: "前缀",
  "Prefix Length": "前缀长度",
  "Prefix information": "前缀信息",
  Priority: "优先级 (PCP)",
  Protocol: "协议",
  "Protocol size": "协议地址长度",
  "Protocol type": "协议类型",
  Proxy: "代理 (P)",
  Push: "推送 (PSH)",
  "Reachable Time": "可达时间",
  Reserved: "保留",
  "Reserved bit": "保留位",
  Reset: "复位 (RST)",
  "Rest of header": "报头的其余部分",
  "Retrans Timer": "重传计时器",
  Router: "路由器 (R)",
  "Router Lifetime": "路由器生存期",
  "Router address": "路由器地址 (R)",
  "SACK permitted": "允许 SACK",
  "Sender IP address": "发送方 IP 地址",
  "Sender MAC address": "发送方 MAC 地址",
  "Sequence Number": "序号",
  "Shift count": "移位数",
  Solicited: "被请求 (S)",
  Source: "源地址",
  "Source Address": "源地址",
  "Source Port": "源端口",
  "Source link-layer address": "源链路层地址",
  "Start Frame Delimiter": "帧起始定界符 (SFD)",
  Syn: "同步 (SYN)",
  "Target Address": "目标地址",
  "Target IP address": "目标 IP 地址",
  "Target MAC address": "目标 MAC 地址",
  "Target link-layer address": "目标链路层地址",
  "Time to Live": "生存时间 (TTL)",
  "Timestamp echo reply": "时间戳回显",
  "Timestamp value": "时间戳值",
  Timestamps: "时间戳",
  "Total Length": "总长度",
  "Traffic Class": "通信量类",
  Trailer: "尾部",
  Type: "类型",
  Unused: "未用",
  Urgent: "紧急 (URG)",
  "Urgent Pointer": "紧急指针",
  "Valid Lifetime": "有效生存期",
  Version: "版本",
  Window: "窗口",
  "Window scale": "窗口扩大因子",
  "Multicast Listener Discovery": "组播侦听者发现 (MLD)",
  "Segments Left": "剩余段数",
  "Type-specific data": "类型专用数据",
  Address: "地址",
  "Last Entry": "最后条目",
  Tag: "标签",
  Segment: "段",
  "Reserved bits": "保留位",
  Action: "处理动作",
  "May change": "可被更改",
  "Low-order bits": "低位",
  PadN: "PadN 填充",
  "Router Alert": "路由器告警",
  "Left edge": "左边界",
  "Right edge": "右边界",
  SACK: "选择确认 (SACK)",
  "Recorded Route": "已记录的路由",
  "Empty Route": "空的路由位置",
  Overflow: "溢出计数",
  Flag: "标志",
  "Time stamp": "时间戳",
};

/** @type {Record<string, string>} */
export const MEANINGS_ZH = {
  // Linux cooked capture
  "Who the packet was for, as the kernel saw it: 0 to us, 1 broadcast, 2 multicast, 3 to another host (promiscuous), 4 sent by us.":
    "内核看到的这个包是给谁的：0 给本机，1 广播，2 组播，3 给别的主机（混杂模式），4 本机发出。",
  "The link's address type (ARPHRD_*): 1 Ethernet, 772 the loopback interface, which has no addresses.":
    "链路的地址类型（ARPHRD_*）：1 是以太网，772 是回环接口，它没有地址。",
  "How many bytes of the 8-byte address field hold the sender's link-layer address.": "8 字节的地址字段中有几个字节是发送方的链路层地址。",
  "What follows, as an Ethernet header's Type would say (0x0800 IPv4, 0x86dd IPv6, 0x0806 ARP).":
    "后面跟的是什么，用以太网首部的类型字段的写法（0x0800 IPv4，0x86dd IPv6，0x0806 ARP）。",
  "Reserved, zero.": "保留，为 0。",
  "The interface the packet went through, as `ip link` numbers them: what a capture on any interface adds.":
    "包经过的接口，编号同 `ip link`：在所有接口上抓包时才加上这一项。",
  "The sender's MAC address, when the link is Ethernet.": "链路是以太网时，发送方的 MAC 地址。",
  "The sender's link-layer address, of the type above.": "发送方的链路层地址，类型见上。",
  "The rest of the 8-byte address field, which the address does not fill.": "8 字节地址字段中地址没有用到的部分。",
  "Bytes the capture holds after the packet: not part of the packet.": "抓包文件在这个包后面多出的字节：不属于这个包。",
  // ARP
  "The kind of link: 1 is Ethernet.": "链路的种类：1 是以太网。",
  "The protocol whose addresses are resolved, as an EtherType: 0x0800 IPv4.": "要解析哪种协议的地址，用以太网类型 (EtherType) 表示：0x0800 是 IPv4。",
  "Bytes in a hardware address: 6 for a MAC.": "硬件地址的字节数：MAC 地址是 6。",
  "Bytes in a protocol address: 4 for IPv4.": "协议地址的字节数：IPv4 地址是 4。",
  "1 request (who has this IP?), 2 reply (I have it, here is my MAC).": "1 是请求（谁有这个 IP？），2 是应答（我有，这是我的 MAC）。",
  "The asker's (or answerer's) MAC.": "提问者（或回答者）的 MAC 地址。",
  "The asker's (or answerer's) IP address.": "提问者（或回答者）的 IP 地址。",
  "The MAC being asked for: zeros in a request, the asker's in a reply.": "要问的 MAC 地址：请求里全是 0，应答里是提问者的。",
  "The IP address whose MAC is wanted (in a reply: the asker's).": "想知道其 MAC 地址的那个 IP 地址（应答里是提问者的）。",
  // Payload, padding, trailer
  "The application's bytes: what send() was given and recv() returns.": "应用程序的字节：交给 send() 的、recv() 返回的就是它们。",
  "The IP header and first 8 bytes of the packet this error is about.": "出错的那个数据包的 IP 报头，以及报头后面的前 8 个字节。",
  "The rest of what the quoted packet carried, as far as the error quotes it.": "被引用的数据包所携带内容的其余部分（以差错报文引用的为限）。",
  "Bytes the IP packet carries after the end the UDP Length field gives: no part of the datagram, so recv() never returns them.": "IP 数据包在 UDP 长度字段所说的结尾之后还带着的字节：不属于这个数据报，recv() 永远不会返回它们。",
  "Bytes netlab does not decode (see the findings).": "netlab 不解析的字节（见发现的问题）。",
  "Zeros after the packet, up to Ethernet's 60-byte minimum frame.": "数据包后面补的 0，补足以太网最短 60 字节的帧。",
  "Bytes after the packet and its padding: not part of the packet; a capture may keep the FCS or a switch's tag here.":
    "数据包及其填充之后的字节：不属于数据包；抓包文件可能在这里保留了 FCS 或交换机加的标签。",
  // Ethernet
  "The MAC address of the next station on this link (the next router, not the far host); ff:ff:ff:ff:ff:ff reaches every station.": "这条链路上下一站的 MAC 地址（是下一个路由器，不是远方的主机）；ff:ff:ff:ff:ff:ff 发给所有站点。",
  "The MAC address of the network card that sent the frame.": "发送这个帧的网卡的 MAC 地址。",
  "What the payload is: 0x0800 IPv4, 0x0806 ARP, 0x86dd IPv6, 0x8100 a VLAN tag.": "有效载荷是什么：0x0800 IPv4，0x0806 ARP，0x86dd IPv6，0x8100 VLAN 标签。",
  // ICMP
  "What the message is: 8 echo request, 0 echo reply, 3 unreachable, 11 time exceeded.": "这是什么报文：8 回显请求，0 回显应答，3 目的不可达，11 超时。",
  "The detail within the type (for type 3: 0 network, 1 host, 3 port unreachable).": "类型之下的细节（类型 3 时：0 网络不可达，1 主机不可达，3 端口不可达）。",
  "RFC 1071 checksum of the whole ICMP message (no pseudo-header).": "整个 ICMP 报文的 RFC 1071 校验和（没有伪报头）。",
  "Chosen by the pinger (often its process ID) to match replies to requests.": "由发 ping 的一方选定（常是它的进程号），用来把应答和请求对上。",
  "Counts the pings: icmp_seq in ping's output.": "给 ping 计数：ping 输出里的 icmp_seq。",
  "Zero.": "全为 0。",
  "The largest packet the next link takes: path MTU discovery reads it (RFC 1191).": "下一段链路能通过的最大数据包：路径 MTU 发现读的就是它（RFC 1191）。",
  "Depends on the type.": "取决于类型。",
  // ICMPv6 and Neighbor Discovery
  "What the message is: 128 echo request, 129 echo reply, 1 to 4 errors, 133 to 136 Neighbor Discovery (IPv6's ARP).": "这是什么报文：128 回显请求，129 回显应答，1 到 4 是差错报文，133 到 136 是邻居发现（IPv6 的 ARP）。",
  "The detail within the type (for type 1: 0 no route, 3 address unreachable, 4 port unreachable).": "类型之下的细节（类型 1 时：0 没有路由，3 地址不可达，4 端口不可达）。",
  "RFC 1071 checksum of a pseudo-header (IPv6 addresses, length, next header 58) and the whole message.": "对伪报头（IPv6 地址、长度、下一个报头 58）和整个报文计算的 RFC 1071 校验和。",
  "Zero when sent, ignored when received: room for later use.": "发送时置 0，接收时忽略：留给将来用。",
  "The largest packet the next link takes: IPv6 routers never fragment, so the sender sends smaller ones (path MTU discovery).": "下一段链路能通过的最大数据包：IPv6 路由器从不分片，所以由发送方改发更小的数据包（路径 MTU 发现）。",
  "The byte of the quoted packet where the problem was found.": "在引用的数据包中发现问题的那个字节的位置。",
  "The IPv6 address whose MAC the sender wants, as ARP's Target IP address.": "发送方想知道其 MAC 地址的那个 IPv6 地址，相当于 ARP 的目标 IP 地址。",
  "R: the sender is a router, so hosts may send it packets for other networks.": "R：发送方是路由器，主机可以把发往其他网络的数据包交给它。",
  "S: this answers a Neighbor Solicitation, so the neighbor is known to be reachable.": "S：这是对邻居请求的回答，因此可以确认这个邻居可达。",
  "O: replace the MAC the receiver has cached for this address.": "O：用它替换接收方为这个地址缓存的 MAC 地址。",
  "Three 1-bit fields that say who answers and how to treat the answer.": "三个 1 位的字段，说明是谁在回答、回答该怎样处理。",
  "The address the answer is about: the one solicited, whose MAC the option carries.": "这个通告所说的地址：就是被请求的那个地址，它的 MAC 地址在选项里。",
  "The Hop Limit hosts should give their packets; 0 leaves it to them.": "主机发送数据包时应当使用的跳数限制；为 0 时由主机自己决定。",
  "M: get addresses from DHCPv6.": "M：从 DHCPv6 获取地址。",
  "O: get other settings (DNS servers) from DHCPv6.": "O：从 DHCPv6 获取其他配置（DNS 服务器）。",
  "H: the router is also a Mobile IPv6 home agent.": "H：这个路由器也是移动 IPv6 的家乡代理。",
  "Which default router hosts should prefer: 1 high, 0 medium, 3 low.": "主机应当优先选择哪个默认路由器：1 高，0 中，3 低。",
  "P: the router proxies Neighbor Discovery for another link (RFC 4389).": "P：这个路由器为另一条链路代理邻居发现（RFC 4389）。",
  "How hosts on the link get their addresses and settings, and how much to prefer this router.": "链路上的主机怎样获取地址和配置，以及这个路由器的优先程度。",
  "Seconds hosts may use this router as their default router; 0: not a default router.": "主机可以把这个路由器当作默认路由器的秒数；为 0 表示它不是默认路由器。",
  "Milliseconds a neighbor counts as reachable after it was last confirmed; 0: unspecified.": "邻居在最近一次确认后被视为可达的毫秒数；为 0 表示未指定。",
  "Milliseconds between Neighbor Solicitations sent again; 0: unspecified.": "重发邻居请求的间隔毫秒数；为 0 表示未指定。",
  "Which option this is: 1 source, 2 target link-layer address, 3 prefix, 5 MTU.": "这是哪一种选项：1 源链路层地址，2 目标链路层地址，3 前缀信息，5 MTU。",
  "The option's length in 8-byte units, type and length included.": "选项的长度，以 8 字节为单位，包括类型和长度本身。",
  "A MAC address, so the receiver need not ask for it.": "一个 MAC 地址，这样接收方就不必再去问。",
  "The link's MTU, so that every host on it uses the same one.": "链路的 MTU，让链路上的每台主机都用同一个值。",
  "How many leading bits of the Prefix count: 64 for addresses made by SLAAC.": "前缀字段中有效的前导位数：SLAAC 生成地址时是 64。",
  "L: addresses in the prefix are on this link, reached directly without a router.": "L：这个前缀中的地址就在本链路上，不经过路由器就能直接到达。",
  "A: hosts may make their own address from the prefix (SLAAC).": "A：主机可以用这个前缀自己生成地址（SLAAC，无状态地址自动配置）。",
  "R: the Prefix field holds the router's whole address (Mobile IPv6).": "R：前缀字段里是路由器的完整地址（移动 IPv6）。",
  "How hosts may use the prefix.": "主机可以怎样使用这个前缀。",
  "Seconds the prefix stays valid; 0xffffffff: forever.": "前缀保持有效的秒数；0xffffffff 表示永远有效。",
  "Seconds addresses made from the prefix are preferred for new connections.": "用这个前缀生成的地址被优先用于新连接的秒数。",
  "The network part hosts on this link share, as in 2001:db8:1::/64.": "本链路上的主机共用的网络部分，例如 2001:db8:1::/64。",
  "The option's value, which netlab does not decode.": "选项的值，netlab 不解析。",
  "Option 1: the sender's MAC, so the receiver can answer without asking for it.": "选项 1：发送方的 MAC 地址，接收方不用再问就能回答。",
  "Option 2: the target's MAC, the answer a Neighbor Advertisement gives as an ARP reply does.": "选项 2：目标的 MAC 地址，也就是邻居通告给出的答案，和 ARP 应答一样。",
  "Option 3: a prefix of this link, from which hosts may make their addresses.": "选项 3：本链路的一个前缀，主机可以用它生成自己的地址。",
  "Option 5: the link's MTU, sent by routers where it is not the usual one.": "选项 5：链路的 MTU，在链路的 MTU 不是通常的值时由路由器发送。",
  "As much of the packet this error is about as fits in IPv6's minimum MTU of 1280 bytes.": "出错的那个数据包，在不超过 IPv6 最小 MTU（1280 字节）的前提下尽量多地引用。",
  "The rest of a message whose type netlab does not decode.": "netlab 不解析的那类报文的其余部分。",
  // IPv4
  "The header's length in 32-bit words: 5 (20 bytes) without options, at most 15 (60).": "报头长度，以 32 位字为单位：没有选项时是 5（20 字节），最大 15（60 字节）。",
  "Each router subtracts 1 and drops the packet at 0, so loops end; traceroute counts on it.": "每个路由器减 1，减到 0 就丢弃数据包，所以环路会终止；traceroute 就靠它。",
  "4 for IPv4.": "IPv4 是 4。",
  "The traffic class a network may prioritize (0 best effort, 46 voice).": "网络可以据此优先处理的服务类别（0 尽力而为，46 语音）。",
  "Routers mark 3 here instead of dropping when the sender allows it (1 or 2).": "发送方允许时（1 或 2），路由器在这里标 3，而不是丢弃数据包。",
  "Once 'Type of Service'; now DSCP and ECN.": "从前叫“服务类型”；现在是 DSCP 和 ECN。",
  "Header plus payload in bytes; at most 65535, and 1500 on Ethernet.": "报头加有效载荷的字节数；最多 65535，在以太网上最多 1500。",
  "Tells which fragments belong together when a packet is split.": "数据包被分片时，靠它认出哪些分片属于同一个数据包。",
  "Must be 0.": "必须为 0。",
  "Routers must drop rather than split the packet (path MTU discovery).": "路由器只能丢弃、不能分片（路径 MTU 发现）。",
  "More fragments of the same packet follow this one.": "后面还有同一数据包的分片。",
  "Three bits about fragmentation.": "关于分片的三个位。",
  "Where this fragment's data belongs in the original, in 8-byte blocks.": "这个分片的数据在原数据包中的位置，以 8 字节为单位。",
  "What the payload is: 1 ICMP, 6 TCP, 17 UDP.": "有效载荷是什么：1 ICMP，6 TCP，17 UDP。",
  "RFC 1071 checksum of the header only; every router recomputes it after changing the TTL.": "只对报头计算的 RFC 1071 校验和；每个路由器改了 TTL 后都要重新计算。",
  "The sending host's IP address (发送者的ip).": "发送主机的 IP 地址（发送者的 ip）。",
  "The final host's IP address, unchanged across routers (NAT aside).": "最终目的主机的 IP 地址，经过路由器也不变（NAT 除外）。",
  "Rarely used extras (Record Route, Router Alert), padded to 32 bits.": "很少用的附加项（记录路由、路由器告警），填充到 32 位的整数倍。",
  "Copy flag, class and number in one byte.": "复制标志、类别和编号，合在一个字节里。",
  "The option's length in bytes, type and length included.": "选项的字节数，包括类型和长度本身。",
  // IPv6
  "6 for IPv6.": "IPv6 是 6。",
  "The traffic class a network may prioritize, as in IPv4.": "网络可以据此优先处理的服务类别，和 IPv4 一样。",
  "Congestion marks instead of drops, as in IPv4.": "用拥塞标记代替丢弃，和 IPv4 一样。",
  "IPv4's DS field under a new name: DSCP and ECN.": "换了名字的 IPv4 区分服务字段：DSCP 和 ECN。",
  "Marks packets of one flow so routers can keep them on one path.": "给同一个流的数据包做标记，使路由器能让它们走同一条路径。",
  "Bytes after this 40-byte header (unlike IPv4's Total Length).": "这个 40 字节报头后面的字节数（和 IPv4 的总长度不同）。",
  "What follows: an extension header or the payload (6 TCP, 17 UDP, 58 ICMPv6).": "后面跟着什么：扩展报头或有效载荷（6 TCP，17 UDP，58 ICMPv6）。",
  "IPv4's TTL under an honest name: routers subtract 1 and drop at 0.": "就是 IPv4 的 TTL，换了个名副其实的名字：每个路由器减 1，减到 0 就丢弃。",
  "The sending host's IPv6 address.": "发送主机的 IPv6 地址。",
  "The final host's IPv6 address.": "最终目的主机的 IPv6 地址。",
  // Physical
  "Zeros up to Ethernet's 60-byte minimum, so collisions are seen while still sending; part of the MAC frame (data link), added by the card.": "补 0 到以太网最短的 60 字节，好让发送方在发送过程中还能检测到碰撞；属于 MAC 帧（数据链路层），由网卡加上。",
  "CRC-32 of the frame and padding, the MAC frame's trailer (data link), added by the card; the receiver drops the frame if it does not match.": "帧和填充的 CRC-32，是 MAC 帧的帧尾（数据链路层），由网卡加上；对不上时接收方丢弃这个帧。",
  "Alternating 1s and 0s: the receiver's clock locks on to them.": "1 和 0 交替：接收方的时钟靠它们同步。",
  "0xd5: its last bits 11 mark where the frame begins.": "0xd5：它最后的两位 11 标出帧从哪里开始。",
  "The data link layer's frame, as a capture shows it.": "数据链路层的帧，就是抓包看到的那样。",
  // TCP
  "How many more bytes the receiver will take now (shifted by the window scale option).": "接收方现在还能接收多少字节（要按窗口扩大选项移位）。",
  "The largest segment data the sender can receive: 1460 on Ethernet (1500 - 20 - 20).": "发送方能接收的报文段数据的最大长度：以太网上是 1460（1500 - 20 - 20）。",
  "The sending socket's port (发送者的端口); a client's is picked by the OS.": "发送方套接字的端口（发送者的端口）；客户端的端口由操作系统挑选。",
  "The port the server listens on (接受者的端口), 9000 in the seeds.": "服务端监听的端口（接受者的端口），教程里是 9000。",
  "The number of this segment's first data byte in the sender's byte stream (a SYN counts as one).": "本报文段第一个数据字节在发送方字节流中的编号（SYN 也算一个）。",
  "With ACK set: the next byte the sender expects from the other side; all before it arrived.": "ACK 置 1 时：期望收到对方的下一个字节的编号；在它之前的都已收到。",
  "Data Offset: the header's length in 32-bit words, 5 (20 bytes) to 15 (60).": "数据偏移：报头长度，以 32 位字为单位，5（20 字节）到 15（60 字节）。",
  "AE (RFC 9768), once the ECN nonce NS.": "AE（RFC 9768），从前是 ECN 随机数 NS。",
  "CWR: the sender slowed down after an ECN echo.": "CWR：发送方收到 ECN 回显后已经放慢。",
  "ECE: a router marked congestion on the way here.": "ECE：路上有路由器标记了拥塞。",
  "URG: the Urgent Pointer counts.": "URG：紧急指针有效。",
  "ACK: the Acknowledgment Number counts; set on every segment after the first SYN.": "ACK：确认号有效；第一个 SYN 之后的每个报文段都置 1。",
  "PSH: hand the data to the program now; set on the last segment of a send().": "PSH：马上把数据交给程序；一次 send() 的最后一个报文段置 1。",
  "RST: abort the connection (what 'Connection refused' is made of).": "RST：立即中止连接（“Connection refused” 就是它造成的）。",
  "SYN: open a connection and synchronize sequence numbers (the 3-way handshake).": "SYN：建立连接并同步序号（三次握手）。",
  "FIN: the sender has no more data (close()).": "FIN：发送方的数据已经发完（close()）。",
  "Twelve 1-bit fields that say what the segment does.": "十二个 1 位的字段，说明这个报文段要做什么。",
  "RFC 1071 checksum of a pseudo-header (IP addresses, protocol, length), the header and the data.": "对伪报头（IP 地址、协议、长度）、报头和数据计算的 RFC 1071 校验和。",
  "With URG: where urgent data ends; almost never used.": "URG 置 1 时：紧急数据在哪里结束；几乎没人用。",
  "Extras agreed in the handshake (MSS, window scale, SACK, timestamps), padded to 32 bits.": "握手时商定的附加项（MSS、窗口扩大、SACK、时间戳），填充到 32 位的整数倍。",
  "Which option this is.": "这是哪一种选项。",
  "The option's length in bytes, kind and length included.": "选项的字节数，包括种类和长度本身。",
  "The window field counts in units of 2^shift bytes.": "窗口字段以 2^移位数 字节为单位。",
  "The sender's clock, for round-trip times and protection against wrapped sequence numbers.": "发送方的时钟，用来测往返时间、防止序号绕回。",
  "The other side's latest timestamp value, echoed back.": "把对方最近的时间戳值回送过去。",
  "Kind 0: no options follow.": "种类 0：后面没有选项了。",
  "Kind 1: one byte of filler to align the next option.": "种类 1：一个字节的填充，让下一个选项对齐。",
  "Kind 2 (SYN only): the largest segment data this side accepts.": "种类 2（只在 SYN 中）：本方能接收的报文段数据的最大长度。",
  "Kind 3 (SYN only): lets the 16-bit window describe up to 1 GiB.": "种类 3（只在 SYN 中）：让 16 位的窗口能表示到 1 GiB。",
  "Kind 4 (SYN only): this side understands selective acknowledgments.": "种类 4（只在 SYN 中）：本方支持选择确认。",
  "Kind 8: a clock value and the echo of the other side's.": "种类 8：一个时钟值，以及对方时钟值的回显。",
  "Zeros after End of Option List, up to the header's end.": "选项表结束之后的 0，一直到报头末尾。",
  // UDP
  "The sending socket's port (发送者的端口); replies go back to it.": "发送方套接字的端口（发送者的端口）；回复就发回这个端口。",
  "The port the receiving program bound (接受者的端口), e.g. 9000 in the seeds.": "接收程序 bind 的端口（接受者的端口），例如教程里的 9000。",
  "Header (8 bytes) plus data, in bytes.": "报头（8 字节）加数据的字节数。",
  "RFC 1071 checksum of a pseudo-header (IP addresses, protocol, length), the header and the data; 0 means none over IPv4.": "对伪报头（IP 地址、协议、长度）、报头和数据计算的 RFC 1071 校验和；在 IPv4 上为 0 表示不校验。",
  // 802.1Q
  "Priority Code Point (802.1p): 0 best effort up to 7 network control.": "优先级代码点（802.1p）：0 尽力而为，最高 7 网络控制。",
  "Drop Eligible Indicator: may be dropped first under congestion.": "可丢弃指示：拥塞时可以先丢弃它。",
  "The VLAN the frame belongs to, 1 to 4094 (0 and 4095 are reserved).": "帧所属的 VLAN，1 到 4094（0 和 4095 保留）。",
  "What the payload is, as the untagged frame's Type would say.": "有效载荷是什么，和不带标签的帧的类型字段一样。",
  "What follows this header: another extension header or the payload (6 TCP, 17 UDP, 58 ICMPv6).": "这个报头后面是什么：另一个扩展报头，或者有效载荷（6 TCP，17 UDP，58 ICMPv6）。",
  "Hdr Ext Len: the header's length in 8-byte units, not counting the first 8 bytes.": "扩展报头长度：以 8 字节为单位，不算最前面的 8 个字节。",
  "Which kind of route follows: 0 a list of addresses (deprecated: it let packets bounce between two hosts), 4 Segment Routing.": "后面是哪一种路由：0 是一串地址（已废弃：它能让分组在两台主机之间来回弹），4 是段路由。",
  "How many listed nodes the packet must still visit; 0 when it has reached its final destination.": "分组还要经过几个列出的结点；到达最终目的地时为 0。",
  "What this routing type puts after the first 4 bytes (netlab shows it as bytes).": "这种路由类型在前 4 个字节之后放的内容（netlab 按字节显示）。",
  "A node to visit, in order; the last one is the final destination.": "要依次经过的结点；最后一个就是最终目的地。",
  "The index of the last element of the Segment List (one less than the number of segments).": "段列表最后一个元素的下标（比段的个数少 1）。",
  "No flag is defined yet; sent as 0.": "还没有定义任何标志；发送时为 0。",
  "Marks packets of a class or group; 0 when unused.": "标记属于某一类或某一组的分组；不用时为 0。",
  "A segment to visit; the list is in reverse order, so Segment List[0] is the last one, the final destination.": "要经过的一个段；列表是倒序的，所以段列表[0] 是最后一个，即最终目的地。",
  "Where this fragment's data belongs in the original packet, in 8-byte blocks.": "这个分片的数据在原分组中的位置，以 8 字节为单位。",
  "Tells which fragments belong together; the sender picks a new one for each packet it splits.": "指出哪些分片属于同一个分组；发送方每切分一个分组就选一个新值。",
  "What a node that does not know the option does with the packet.": "不认识这个选项的结点如何处理这个分组。",
  "Whether routers may change the option's data on the way.": "路由器在途中能否更改这个选项的数据。",
  "The rest of the option type's number.": "选项类型编号的其余部分。",
  "Which option this is; its top three bits also say what to do without knowing it.": "这是哪一个选项；它的最高三位还说明不认识它时该怎么办。",
  "Type 0, Pad1: one byte of padding, with no length after it.": "类型 0，Pad1：一个字节的填充，后面没有长度字段。",
  "The option's data length in bytes, after the type and this byte.": "选项数据的长度（字节），不算类型和这个字节。",
  "Zeros that pad the header to a multiple of 8 bytes.": "把报头填充到 8 字节整数倍的零。",
  "Asks every router on the way to look inside the packet (0: an MLD message).": "要求途中每个路由器查看分组的内容（0：MLD 报文）。",
  "A payload over 65535 bytes: its length, when the fixed header's Payload Length is 0.": "超过 65535 字节的有效载荷的长度，此时固定报头的有效载荷长度为 0。",
  "The option's data, as bytes.": "选项的数据，按字节显示。",
  "One option: type, length and data.": "一个选项：类型、长度和数据。",
  "Which multicast groups this host listens to, for the routers on its link (MLD; netlab shows the message's body as bytes).": "告诉本链路上的路由器这台主机在侦听哪些组播组（MLD；netlab 按字节显示报文的内容）。",
  "The service VLAN: the provider's VLAN that carries the customer's frame, whatever the customer's own VLAN inside.": "服务 VLAN：运营商用来承载客户帧的 VLAN，与里面客户自己的 VLAN 无关。",
  "What follows the service tag: 0x8100 when the customer's own 802.1Q tag comes next.": "服务标签后面是什么：后面紧跟客户自己的 802.1Q 标签时为 0x8100。",
  "The first sequence number of a block that arrived after a gap.": "缺口之后已到达的一块数据的第一个序号。",
  "The sequence number just after that block.": "紧接在这块数据之后的序号。",
  "Kind 5: the blocks that arrived beyond a gap (at most 4), so the sender resends only what is missing.": "种类 5：缺口之后已经到达的数据块（最多 4 块），这样发送方只重传缺少的部分。",
  "Where the next entry goes, counted in bytes from the option's first byte (1); past the end when the option is full.": "下一项写在哪里，从选项的第一个字节（记作 1）起按字节计；选项写满时指向末尾之后。",
  "The address of a router the packet passed, written by that router.": "分组经过的一个路由器的地址，由该路由器写入。",
  "Room for a router still to come (zeros until one writes its address).": "留给后面路由器的位置（写入地址之前都是零）。",
  "How many routers found no room left to write their timestamp.": "有多少个路由器因为没有空位而没能写入时间戳。",
  "What each entry holds: 0 timestamps, 1 an address and a timestamp, 3 timestamps of the listed addresses only.": "每一项的内容：0 只有时间戳，1 地址加时间戳，3 只有列出的地址才写时间戳。",
  "The router that wrote (or is asked to write) the timestamp after it.": "写入（或被要求写入）其后时间戳的路由器。",
  "Milliseconds since midnight UT when a router handled the packet; 0 where none wrote yet.": "路由器处理分组的时刻，从世界时午夜起的毫秒数；还没人写入时为 0。",
  "Asks every router on the way to look inside the packet, not just forward it (IGMP and RSVP use it); 0 is the only value.": "要求途中每个路由器查看分组的内容，而不只是转发（IGMP 和 RSVP 用它）；唯一的取值是 0。",
  "The last 4 bytes of a frame of 64 bytes or more, taken (as Wireshark takes them) for the CRC-32 the sending card appends; most captures leave it out, so they may be a trailer instead.": "64 字节及以上的帧的最后 4 个字节，像 Wireshark 一样当作发送方网卡附加的 CRC-32；大多数抓包不含 FCS，所以它们也可能只是尾部字节。",
};

/**
 * Fields a dissector finding names that are not whole fields of the tree
 * (a part of one, or an option's byte).
 * @type {Record<string, string>}
 */
export const FINDING_NAMES_ZH = {
  "Data Offset": "数据偏移",
  "Hardware and Protocol size": "硬件和协议地址长度",
  "Option Length": "选项长度",
};

/**
 * The rule a bad value breaks, as a dissector finding states it.
 * @type {Record<string, string>}
 */
export const RULES_ZH = {
  "an IPv4 header has version 4": "IPv4 报头的版本是 4",
  "the first byte's lowest bit (I/G) is 1, a group address; a frame comes from one card, so its source is an individual address": "第一个字节的最低位（I/G 位）是 1，这是组地址；一个帧只能来自一块网卡，所以源地址必须是单个地址",
  "it counts 32-bit words and is at least 5 (20 bytes)": "它以 32 位字为单位，至少是 5（20 字节）",
  "it counts the header too, so it is at least the Header Length": "它把报头也算在内，所以至少等于报头长度",
  "an option's length counts its type and length bytes and fits in the header": "选项长度包括类型和长度这两个字节，而且不能超出报头",
  "an option other than End of Option List and No-Operation has a length byte": "除了选项表结束和无操作，每个选项都有长度字节",
  "an option's length counts its kind and length bytes, so it is at least 2": "选项长度包括种类和长度这两个字节，所以至少是 2",
  "an option ends inside the header": "选项必须在报头之内结束",
  "a Maximum segment size option is 4 bytes long": "最大报文段长度（MSS）选项长 4 字节",
  "a Window scale option is 3 bytes long": "窗口扩大选项长 3 字节",
  "a SACK permitted option is 2 bytes long": "允许 SACK 选项长 2 字节",
  "a SACK option is 2 bytes and 8 for each block: 10, 18, 26 or 34": "SACK 选项是 2 字节加上每块 8 字节：10、18、26 或 34",
  "a Timestamps option is 10 bytes long": "时间戳选项长 10 字节",
  "it counts the 8-byte header too, so it is at least 8": "它把 8 字节的报头也算在内，所以至少是 8",
  "it should equal the IP payload's length": "它应当等于 IP 有效载荷的长度",
  "netlab decodes ARP over Ethernet (1)": "netlab 只解析以太网上的 ARP（1）",
  "netlab decodes ARP for IPv4 (0x0800)": "netlab 只解析 IPv4 的 ARP（0x0800）",
  "a MAC address has 6 bytes": "MAC 地址是 6 个字节",
  "an IPv4 address has 4 bytes": "IPv4 地址是 4 个字节",
  "an option's length counts 8-byte units and is at least 1": "选项长度以 8 字节为单位，至少是 1",
  "an option ends inside the message": "选项必须在报文之内结束",
  "an option's length counts the data bytes after it, which end inside the header": "选项长度是它后面数据的字节数，这些数据必须在报头之内结束",
};

/**
 * The IANA special-purpose registries' row names (core/src/special.rs), in
 * Chinese; acronyms stay as the registry writes them.
 * @type {Record<string, string>}
 */
export const REGISTRY_NAMES_ZH = {
  "6a44-relay anycast address": "6a44 中继任播地址",
  "6to4": "6to4",
  AMT: "AMT 自动组播隧道",
  "AS112-v4": "AS112-v4",
  "AS112-v6": "AS112-v6",
  Benchmarking: "基准测试",
  "DNS-SD Service Registration Protocol Anycast": "DNS-SD 服务注册协议任播",
  "Deprecated (6to4 Relay Anycast)": "已废弃：6to4 中继任播",
  "Deprecated (previously ORCHID)": "已废弃：原 ORCHID",
  "Direct Delegation AS112 Service": "直接委派 AS112 服务",
  "Discard-Only Address Block": "只丢弃的地址块",
  Documentation: "文档专用",
  "Documentation (TEST-NET-1)": "文档专用 TEST-NET-1",
  "Documentation (TEST-NET-2)": "文档专用 TEST-NET-2",
  "Documentation (TEST-NET-3)": "文档专用 TEST-NET-3",
  "Drone Remote ID Protocol Entity Tags (DETs) Prefix": "无人机远程识别协议实体标签 DET 前缀",
  "Dummy IPv6 Prefix": "虚拟 IPv6 前缀",
  "IETF Protocol Assignments": "IETF 协议分配",
  "IPv4 Service Continuity Prefix": "IPv4 服务连续性前缀",
  "IPv4 dummy address": "IPv4 虚拟地址",
  "IPv4-IPv6 Translat.": "IPv4-IPv6 转换",
  "IPv4-mapped Address": "IPv4 映射地址",
  "Limited Broadcast": "受限广播",
  "Link Local": "链路本地",
  "Link-Local Unicast": "链路本地单播",
  Loopback: "回环",
  "Loopback Address": "回环地址",
  "NAT64/DNS64 Discovery": "NAT64/DNS64 发现",
  ORCHIDv2: "ORCHIDv2",
  "Port Control Protocol Anycast": "端口控制协议 PCP 任播",
  "Private-Use": "私有地址，即内网",
  Reserved: "保留",
  "Segment Routing (SRv6) SIDs": "段路由 SRv6 SID",
  "Shared Address Space": "共享地址空间，用于运营商级 NAT",
  TEREDO: "TEREDO",
  "This host on this network": "本网络上的本主机",
  "This network": "本网络",
  "Traversal Using Relays around NAT Anycast": "TURN 中继穿越 NAT 任播",
  "Unique-Local": "唯一本地",
  "Unspecified Address": "未指定地址",
};

/**
 * A registry row's name in the page's language: on the Chinese page the
 * Chinese, with the registry's English after it where they differ (`short`:
 * the Chinese alone, for a sentence that has the name in brackets already).
 * @param {string} name
 * @param {boolean} [short]
 */
export const registryName = (name, short = false) => {
  const zh = getLang() === "zh" ? REGISTRY_NAMES_ZH[name] : undefined;
  return zh === undefined || zh === name || short ? (zh ?? name) : `${zh} (${name})`;
};

/**
 * A field's name in the page's language.
 * @param {string} name the core's (English) name
 */
export const fieldName = (name) => (getLang() === "zh" ? (NAMES_ZH[name] ?? FINDING_NAMES_ZH[name] ?? VALUE_NAMES_ZH[name] ?? name) : name);

/**
 * A finding's rule in the page's language.
 * @param {string} rule the core's (English) clause
 */
export const findingRule = (rule) => (getLang() === "zh" ? (RULES_ZH[rule] ?? rule) : rule);

/**
 * What a field means in the page's language.
 * @param {string} meaning the core's (English) sentence
 */
export const fieldMeaning = (meaning) => (getLang() === "zh" ? (MEANINGS_ZH[meaning] ?? meaning) : meaning);

// ---------------------------------------------------------------------------
// Field values and layer summaries. The core writes them in English, as
// Wireshark does ("0x2 (Don't fragment)", "5 (20 bytes)", "Not set",
// "0xa077 [correct]", "Src Port: 53000, Dst Port: 9000, …"); on the Chinese
// page these rules word them in Chinese, keeping the numbers, hex, addresses,
// protocol names and Wireshark's abbreviations (ACK, PSH, DF …) as they are.
// A form no rule knows stays English, whole. tests/js/i18n_fields.test.mjs
// fills in every value and summary form written in core/src/packet and checks
// that no English word is left.

/**
 * The names the core puts in brackets after a value (a type's, a code's,
 * the flags set, an option's kind), in Chinese. The option names are also
 * the names of the option fields the core makes for them.
 * @type {Record<string, string>}
 */
export const VALUE_NAMES_ZH = {
  // Linux cooked capture: packet types and address types
  "Unicast to us": "单播给本机",
  Broadcast: "广播",
  Multicast: "组播",
  "Unicast to another host": "单播给别的主机",
  "Sent by us": "本机发出",
  Loopback: "回环",
  "IPv6-in-IPv4": "IPv6-in-IPv4 隧道",
  "IP GRE": "IP GRE 隧道",
  None: "无",
  // ARP hardware type and opcode
  Ethernet: "以太网",
  request: "请求",
  reply: "应答",
  "reverse request": "反向请求",
  "reverse reply": "反向应答",
  // EtherTypes (the protocols' own names stay)
  "802.1Q Virtual LAN": "802.1Q 虚拟局域网",
  "802.1X Authentication": "802.1X 认证",
  "802.1ad Provider Bridging": "802.1ad 运营商网桥",
  // IP protocol numbers
  "IPv6 Hop-by-Hop Option": "IPv6 逐跳选项",
  "IPv4 in IP": "IP 中的 IPv4",
  "IPv6 in IP": "IP 中的 IPv6",
  "Routing Header for IPv6": "IPv6 路由报头",
  "Fragment Header for IPv6": "IPv6 分片报头",
  "No Next Header for IPv6": "IPv6 无下一个报头",
  "Destination Options for IPv6": "IPv6 目的选项",
  // IPv4 flags
  Reserved: "保留",
  "Don't fragment": "不分片",
  "More fragments": "还有分片",
  // IPv4 options
  "End of Options List": "选项表结束",
  "No-Operation": "无操作",
  "Record Route": "记录路由",
  Timestamp: "时间戳",
  Security: "安全",
  "Loose Source Route": "宽松源路由",
  "Stream ID": "流标识",
  "Strict Source Route": "严格源路由",
  "Router Alert": "路由器告警",
  Unknown: "未知",
  // TCP options
  "End of Option List": "选项表结束",
  "Maximum segment size": "最大报文段长度 MSS",
  "Window scale": "窗口扩大因子",
  "SACK permitted": "允许 SACK",
  Timestamps: "时间戳",
  "User Timeout": "用户超时",
  "Multipath TCP": "多路径 TCP",
  "TCP Fast Open Cookie": "TCP 快速打开 Cookie",
  // ICMP types and codes
  "Echo (ping) reply": "回显应答 (ping)",
  "Echo (ping) request": "回显请求 (ping)",
  "Destination unreachable": "目的不可达",
  "Source quench": "源点抑制",
  Redirect: "重定向",
  "Router advertisement": "路由器通告",
  "Router solicitation": "路由器请求",
  "Time-to-live exceeded": "生存时间超时",
  "Parameter problem": "参数问题",
  "Timestamp request": "时间戳请求",
  "Timestamp reply": "时间戳应答",
  "Network unreachable": "网络不可达",
  "Host unreachable": "主机不可达",
  "Protocol unreachable": "协议不可达",
  "Port unreachable": "端口不可达",
  "Fragmentation needed": "需要分片",
  "Source route failed": "源路由失败",
  "Destination network unknown": "目的网络未知",
  "Destination host unknown": "目的主机未知",
  "Network administratively prohibited": "网络被管理禁止",
  "Host administratively prohibited": "主机被管理禁止",
  "Communication administratively filtered": "通信被管理过滤",
  "Time to live exceeded in transit": "传输中生存时间超时",
  "Fragment reassembly time exceeded": "分片重组超时",
  "Redirect for network": "对网络重定向",
  "Redirect for host": "对主机重定向",
  // ICMPv6 types and codes
  "Destination Unreachable": "目的不可达",
  "Packet Too Big": "分组太大",
  "Time Exceeded": "超时",
  "Parameter Problem": "参数问题",
  "Multicast Listener Query": "组播侦听者查询",
  "Multicast Listener Report": "组播侦听者报告",
  "Multicast Listener Done": "组播侦听者完成",
  "Router Solicitation": "路由器请求",
  "Router Advertisement": "路由器通告",
  "Neighbor Solicitation": "邻居请求",
  "Neighbor Advertisement": "邻居通告",
  "Multicast Listener Report Message v2": "组播侦听者报告 v2",
  "No route to destination": "没有到目的地的路由",
  "Communication with destination administratively prohibited": "与目的地的通信被管理禁止",
  "Beyond scope of source address": "超出源地址的范围",
  "Address unreachable": "地址不可达",
  "Source address failed ingress/egress policy": "源地址未通过入口/出口策略",
  "Reject route to destination": "到目的地的路由被拒绝",
  "Hop limit exceeded in transit": "传输中跳数限制超时",
  "Erroneous header field encountered": "遇到错误的报头字段",
  "Unrecognized Next Header type encountered": "遇到无法识别的下一个报头类型",
  "Unrecognized IPv6 option encountered": "遇到无法识别的 IPv6 选项",
  // ICMPv6 options
  "Source link-layer address": "源链路层地址",
  "Target link-layer address": "目标链路层地址",
  "Prefix information": "前缀信息",
  "Redirected header": "被重定向的报头",
  "Recursive DNS Server": "递归 DNS 服务器",
  // Neighbor Advertisement, Router Advertisement and prefix flags; router preference
  Router: "路由器",
  Solicited: "被请求",
  Override: "覆盖",
  Managed: "管理地址配置",
  Other: "其他配置",
  "Home Agent": "家乡代理",
  Proxy: "代理",
  "On-link": "在链路上",
  Autonomous: "自主地址配置",
  "Router address": "路由器地址",
  High: "高",
  Medium: "中",
  Low: "低",
  "Source Route": "源路由",
  "Type 2 Routing": "类型 2 路由",
  "RPL Source Route": "RPL 源路由",
  "Segment Routing": "段路由",
  "skip and continue": "跳过并继续",
  discard: "丢弃",
  "discard and send ICMP Parameter Problem": "丢弃并发送 ICMP 参数问题",
  "discard and send ICMP if not multicast": "丢弃，不是组播时发送 ICMP",
  "Active Networks": "主动网络",
  Pad1: "Pad1 填充",
  PadN: "PadN 填充",
  "Tunnel Encapsulation Limit": "隧道封装限制",
  "Jumbo Payload": "超大有效载荷",
  "Home Address": "家乡地址",
  "Time stamps only": "只有时间戳",
  "Time stamp and address": "时间戳和地址",
  "Time stamps for prespecified addresses": "预先指定地址的时间戳",
  "Router shall examine packet": "路由器应检查分组",
};

/**
 * Bracketed names that stay as they are: protocols' names, and the flag and
 * option abbreviations a capture shows.
 */
export const VALUE_NAMES_KEPT = new Set([
  "IPv4", "ARP", "RARP", "IPv6", "MPLS", "LLDP", "ICMP", "IGMP", "TCP", "UDP", "GRE", "ESP", "AH", "ICMPv6", "OSPF", "SCTP",
  "MTU", "SACK", "TCP-AO", "MLD", "RSVP", "Nimrod",
]);

/**
 * The layers' names that are words, not a protocol's name, in Chinese.
 * @type {Record<string, string>}
 */
export const LAYER_NAMES_ZH = {
  "Linux cooked capture": "Linux cooked capture（Linux 抓包伪首部）",
  "Linux cooked capture v1": "Linux cooked capture v1（Linux 抓包伪首部）",
  Trailer: "尾部",
  "Linux cooked capture v2": "Linux cooked capture v2（Linux 抓包伪首部）",
  "Ethernet physical layer": "以太网物理层",
  "802.1Q Virtual LAN": "802.1Q 虚拟局域网",
  Data: "数据",
  "Ethernet padding": "以太网填充",
  "Ethernet trailer": "以太网尾部",
  "IP payload after the UDP datagram": "UDP 数据报之后的 IP 有效载荷",
  "IPv4 (quoted by ICMP)": "IPv4（ICMP 引用的）",
  "UDP (quoted by ICMP)": "UDP（ICMP 引用的）",
  "TCP (quoted by ICMP)": "TCP（ICMP 引用的）",
  "IPv6 Hop-by-Hop Option": "IPv6 逐跳选项",
  "Routing Header for IPv6": "IPv6 路由报头",
  "Fragment Header for IPv6": "IPv6 分片报头",
  "Destination Options for IPv6": "IPv6 目的选项",
  "IEEE 802.1ad": "IEEE 802.1ad 运营商 VLAN 标签",
  "Ethernet FCS": "以太网帧检验序列 (FCS)",
};

/** Layer names that are protocols' names, kept. */
export const LAYER_NAMES_KEPT = new Set(["Ethernet II", "ARP", "IPv4", "IPv6", "ICMP", "ICMPv6", "UDP", "TCP"]);

/** A bracketed name, or a list of them ("Don't fragment, More fragments"), in Chinese. @param {string} inner */
function bracketZh(inner) {
  if (inner in VALUE_NAMES_ZH) return VALUE_NAMES_ZH[inner];
  if (inner === "an IEEE 802.3 length, not a type") return "IEEE 802.3 长度，不是类型";
  // TCP's flags with none set.
  if (inner === "none") return "无";
  const parts = inner.split(", ");
  if (parts.length < 2) return inner;
  const zh = parts.map((p) => VALUE_NAMES_ZH[p] ?? p);
  // Chinese names are listed with 、, abbreviations as the capture lists them.
  return parts.some((p) => p in VALUE_NAMES_ZH) ? zh.join("、") : inner;
}

/** The notes the dissector adds after a checksum. */
const NOTES_ZH = /** @type {Array<[RegExp, string]>} */ ([
  [/ \[correct\]$/, " [正确]"],
  [/ \[incorrect, should be (0x[0-9a-f]+)\]$/, " [错误，应为 $1]"],
  [/ \[none: the sender did not compute one\]$/, " [无：发送方没有计算校验和]"],
  [/ \[not the frame's CRC-32, (0x[0-9a-f]+): a trailer, or a damaged frame\]$/, " [不是帧的 CRC-32（$1）：可能是尾部字节，或帧已损坏]"],
]);

/**
 * A field's value (`PacketField.display`) in Chinese; what no rule knows
 * is returned as it is.
 * @param {string} text
 */
export function valueZh(text) {
  let s = text;
  let note = "";
  for (const [re, zh] of NOTES_ZH) {
    const m = re.exec(s);
    if (m) {
      note = m[0].replace(re, zh);
      s = s.slice(0, m.index);
      break;
    }
  }
  if (s === "Set") s = "已设置";
  else if (s === "Not set") s = "未设置";
  else {
    // "5 (20 bytes)", and bytes shown in part: "00 01 … (1460 bytes)", "b'…'… (1460 bytes)".
    const bytes = /^([\s\S]*) \((\d+) bytes\)$/.exec(s);
    // "0x2 (Don't fragment)", "8 (Echo (ping) request)", "3 (Port unreachable)".
    const named = /^(0x[0-9a-f]+|\d+) \((.+)\)$/.exec(s);
    if (bytes) s = `${bytes[1]} (${bytes[2]} 字节)`;
    else if (named) s = `${named[1]} (${bracketZh(named[2])})`;
  }
  return s + note;
}

/** Summaries of a fixed form. */
const SUMMARIES_ZH = /** @type {Array<[RegExp, (m: RegExpExecArray) => string]>} */ ([
  [/^(\d+) bytes?$/, (m) => `${m[1]} 字节`],
  [/^Src: (\S+), Dst: (\S+)$/, (m) => `源：${m[1]}，目的：${m[2]}`],
  [/^Src Port: (\d+), Dst Port: (\d+)$/, (m) => `源端口：${m[1]}，目的端口：${m[2]}`],
  [/^Src Port: (\d+), Dst Port: (\d+), Seq: (\d+)$/, (m) => `源端口：${m[1]}，目的端口：${m[2]}，序号：${m[3]}`],
  [
    /^Src Port: (\d+), Dst Port: (\d+), Seq: (\d+), Ack: (\d+), Flags: \[(.*)\]$/,
    (m) => `源端口：${m[1]}，目的端口：${m[2]}，序号：${m[3]}，确认号：${m[4]}，标志：[${m[5] === "none" ? "无" : m[5]}]`,
  ],
  [/^Who has (\S+)\? Tell (\S+)$/, (m) => `谁是 ${m[1]}？请告诉 ${m[2]}`],
  [/^(\S+) is at (\S+)$/, (m) => `${m[1]} 的 MAC 地址是 ${m[2]}`],
  [/^Opcode (\d+)$/, (m) => `操作码 ${m[1]}`],
  [/^PRI: (\d+), DEI: (\d+), ID: (\d+)$/, (m) => `PRI：${m[1]}，DEI：${m[2]}，ID：${m[3]}`],
  [/^Type: (\d+(?: \(.+\))?), Segments Left: (\d+)$/, (m) => `类型：${valueZh(m[1])}，剩余段数：${m[2]}`],
  [
    /^Offset: (\d+) bytes, More fragments: (\S+), Identification: (0x[0-9a-f]+)$/,
    (m) => `片偏移：${m[1]} 字节，还有分片：${{ yes: "是", no: "否" }[m[2]] ?? m[2]}，标识：${m[3]}`,
  ],
  [
    /^(\d+) bytes on the wire: 8 of preamble and SFD, the (\d+)-byte frame, (\d+) of padding, 4 of FCS \(([0-9a-f]+)\)$/,
    (m) => `线路上共 ${m[1]} 字节：8 字节前导码和 SFD，${m[2]} 字节的帧，${m[3]} 字节填充，4 字节 FCS (${m[4]})`,
  ],
]);

/** The longest name in `VALUE_NAMES_ZH` that `text` starts with, followed by its end or punctuation. @param {string} text */
function leadingName(text) {
  let best = "";
  for (const name of [...Object.keys(VALUE_NAMES_ZH), "Unknown type"]) {
    if (name.length > best.length && text.startsWith(name) && /^(?:$|[:, ])/.test(text.slice(name.length))) best = name;
  }
  return best;
}

/**
 * A layer's summary (`PacketLayer.summary`) in Chinese; what no rule knows
 * is returned as it is.
 * @param {string} text
 */
export function summaryZh(text) {
  for (const [re, zh] of SUMMARIES_ZH) {
    const m = re.exec(text);
    if (m) return zh(m);
  }
  // ICMP and ICMPv6: the type, ": " and the code, then what the type adds.
  const type = leadingName(text);
  if (!type) return text;
  let out = type === "Unknown type" ? "未知类型" : VALUE_NAMES_ZH[type];
  let rest = text.slice(type.length);
  if (rest.startsWith(": ")) {
    const code = leadingName(rest.slice(2));
    if (!code) return text;
    out += `：${VALUE_NAMES_ZH[code]}`;
    rest = rest.slice(2 + code.length);
  }
  /** @type {Array<[RegExp, (m: RegExpExecArray) => string]>} */
  const tails = [
    [/^$/, () => ""],
    [/^, id=(\S+), seq=(\d+)$/, (m) => `，id=${m[1]}，seq=${m[2]}`],
    [/^, MTU (\d+)$/, (m) => `，MTU ${m[1]}`],
    [/^, pointer (\d+)$/, (m) => `，指针 ${m[1]}`],
    [/^ for (\S+)$/, (m) => `，询问 ${m[1]}`],
    [/^ ([0-9a-f:.]+)$/, (m) => ` ${m[1]}`],
  ];
  for (const [re, zh] of tails) {
    const m = re.exec(rest);
    if (m) return out + zh(m);
  }
  return text;
}

/**
 * A field's value in the page's language.
 * @param {string} text the core's (English) display
 */
export const fieldValue = (text) => (getLang() === "zh" ? valueZh(text) : text);

/**
 * A layer's summary in the page's language.
 * @param {string} text the core's (English) summary
 */
export const layerSummary = (text) => (getLang() === "zh" ? summaryZh(text) : text);

/**
 * A layer's name in the page's language: protocols keep theirs.
 * @param {string} name the core's (English) name
 */
export const layerName = (name) => (getLang() === "zh" ? (LAYER_NAMES_ZH[name] ?? name) : name);

/**
 * The port table's service descriptions (core/src/port.rs) in Chinese, for
 * the Ports & MAC tool; the services' names and the protocols' acronyms
 * stay as the table writes them.
 * @type {Record<string, string>}
 */
export const SERVICE_DESCRIPTIONS_ZH = {
  "TCP port service multiplexer": "TCP 端口服务多路复用器",
  "Echo: sends back what it receives": "回显：收到什么就发回什么",
  "Discard: drops what it receives": "丢弃：收到什么就丢掉什么",
  "Daytime: the time as text": "日间时间：以文本形式给出时间",
  "Quote of the day": "每日一句",
  "Character generator": "字符发生器",
  "FTP data connection (active mode)": "FTP 数据连接（主动模式）",
  "File Transfer Protocol, control connection": "文件传送协议 FTP，控制连接",
  "Secure Shell remote login": "SSH 安全外壳远程登录",
  "Telnet remote login (unencrypted)": "Telnet 远程登录（不加密）",
  "Simple Mail Transfer Protocol": "简单邮件传送协议 SMTP",
  "Time protocol (seconds since 1900)": "时间协议（自 1900 年起的秒数）",
  "WHOIS directory lookups": "WHOIS 目录查询",
  "TACACS login host protocol": "TACACS 登录主机协议",
  "Domain Name System": "域名系统 DNS",
  "DHCP/BOOTP server": "DHCP/BOOTP 服务器",
  "DHCP/BOOTP client": "DHCP/BOOTP 客户端",
  "Trivial File Transfer Protocol": "简单文件传送协议 TFTP",
  "Internet Gopher": "Internet Gopher 信息检索",
  "Finger user information": "Finger 用户信息查询",
  "World Wide Web (HTTP)": "万维网（HTTP）",
  "Kerberos v5 authentication": "Kerberos v5 身份认证",
  "Post Office Protocol v3 (mail download)": "邮局协议第 3 版 POP3（下载邮件）",
  "ONC RPC portmapper": "ONC RPC 端口映射器",
  "Ident: which user owns a connection": "Ident：某个连接属于哪个用户",
  "Network News Transfer Protocol": "网络新闻传送协议 NNTP",
  "Network Time Protocol": "网络时间协议 NTP",
  "DCE/Microsoft RPC endpoint mapper": "DCE/微软 RPC 端点映射器",
  "NetBIOS name service": "NetBIOS 名字服务",
  "NetBIOS datagram service": "NetBIOS 数据报服务",
  "NetBIOS session service (old SMB)": "NetBIOS 会话服务（旧式 SMB）",
  "Internet Message Access Protocol": "因特网报文存取协议 IMAP",
  "Simple Network Management Protocol": "简单网络管理协议 SNMP",
  "SNMP traps": "SNMP 陷阱（trap）",
  "Border Gateway Protocol": "边界网关协议 BGP",
  "Lightweight Directory Access Protocol": "轻量目录访问协议 LDAP",
  "HTTP over TLS (UDP: HTTP/3 over QUIC)": "基于 TLS 的 HTTP（UDP 上是基于 QUIC 的 HTTP/3）",
  "SMB file sharing over TCP": "基于 TCP 的 SMB 文件共享",
  "Mail submission over TLS": "基于 TLS 的邮件提交",
  "IPsec key exchange": "IPsec 密钥交换",
  "Remote shell (rsh, no passwords)": "远程 shell（rsh，不用密码）",
  "System log messages": "系统日志消息（syslog）",
  "Line printer spooler": "行式打印机假脱机",
  "Routing Information Protocol": "路由信息协议 RIP",
  "DHCPv6 client": "DHCPv6 客户端",
  "DHCPv6 server": "DHCPv6 服务器",
  "Real Time Streaming Protocol": "实时流协议 RTSP",
  "Mail submission": "邮件提交",
  "Internet Printing Protocol": "互联网打印协议 IPP",
  "LDAP over TLS": "基于 TLS 的 LDAP",
  "DNS over TLS": "基于 TLS 的 DNS",
  "rsync file synchronisation": "rsync 文件同步",
  "FTP data over TLS": "基于 TLS 的 FTP 数据连接",
  "FTP control over TLS": "基于 TLS 的 FTP 控制连接",
  "Telnet over TLS": "基于 TLS 的 Telnet",
  "IMAP over TLS": "基于 TLS 的 IMAP",
  "POP3 over TLS": "基于 TLS 的 POP3",
  "SOCKS proxy": "SOCKS 代理",
  OpenVPN: "OpenVPN 虚拟专用网",
  "Microsoft SQL Server": "微软 SQL Server 数据库",
  "Microsoft SQL Server monitor": "微软 SQL Server 监视器",
  "Layer 2 Tunnelling Protocol": "第二层隧道协议 L2TP",
  "RADIUS authentication": "RADIUS 身份认证",
  "RADIUS accounting": "RADIUS 计费",
  "Simple Service Discovery Protocol (UPnP)": "简单服务发现协议 SSDP（UPnP）",
  "Network File System": "网络文件系统 NFS",
  "Docker API (plain)": "Docker API（不加密）",
  "Docker API over TLS": "基于 TLS 的 Docker API",
  "MySQL database": "MySQL 数据库",
  "Microsoft Remote Desktop (RDP)": "微软远程桌面（RDP）",
  Subversion: "Subversion 版本控制",
  "IPsec NAT traversal": "IPsec NAT 穿越",
  "Session Initiation Protocol (VoIP)": "会话发起协议 SIP（网络电话）",
  "SIP over TLS": "基于 TLS 的 SIP",
  "XMPP (Jabber) client connection": "XMPP（Jabber）客户端连接",
  "Multicast DNS": "多播 DNS（mDNS）",
  "Link-Local Multicast Name Resolution": "链路本地多播名字解析 LLMNR",
  "PostgreSQL database": "PostgreSQL 数据库",
  "AMQP message queue (RabbitMQ)": "AMQP 消息队列（RabbitMQ）",
  "Remote Framebuffer (VNC remote desktop)": "远程帧缓冲（VNC 远程桌面）",
  "X Window System": "X 窗口系统",
  "Redis key-value store": "Redis 键值存储",
  "Internet Relay Chat": "因特网中继聊天 IRC",
  "Tencent QQ messaging (vendor's port, not in the IANA registry)": "腾讯 QQ 即时通信（厂商自用端口，不在 IANA 注册表中）",
  "Alternative HTTP port, proxies": "HTTP 备用端口，常用于代理",
  "Git protocol": "Git 协议",
  "Zabbix agent": "Zabbix 监控代理",
  "Memcached cache": "Memcached 缓存",
  "MongoDB database": "MongoDB 数据库",
};

/**
 * A service's description in the page's language.
 * @param {string} description the core's (English) description
 */
export const serviceDescription = (description) => (getLang() === "zh" ? (SERVICE_DESCRIPTIONS_ZH[description] ?? description) : description);
