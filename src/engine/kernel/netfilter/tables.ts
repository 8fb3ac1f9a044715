/**
 * The lookup tables iptables consults (/etc/protocols, /etc/services, the ICMP type names,
 * the known target names) and the table/chain helpers shared by the iptables command,
 * iptables-restore and the formatters: table lookup, reference counts, "pristine" tables,
 * and the checks the kernel (nf_tables) makes when a rule set is committed.
 */
import { nfRegistrationTick } from './hook-entries';
import type { IptablesState, XtBackend } from './state';
import { BUILTIN_CHAINS, type Chain, type Rule, type Table, type TableId } from './types';

/** The version string every message carries (Debian 12's iptables, nf_tables backend). */
export const IPT_VERSION = 'v1.8.9 (nf_tables)';

export const TABLE_IDS: TableId[] = ['raw', 'mangle', 'nat', 'filter'];

export function isTableId(s: string): s is TableId {
  return (TABLE_IDS as string[]).includes(s);
}

/** /etc/protocols (Debian netbase): number and first name. */
const PROTOCOLS: [number, string][] = (
  '0 ip;1 icmp;2 igmp;3 ggp;4 ipencap;5 st;6 tcp;8 egp;9 igp;12 pup;17 udp;20 hmp;22 xns-idp;' +
  '27 rdp;29 iso-tp4;33 dccp;36 xtp;37 ddp;38 idpr-cmtp;41 ipv6;43 ipv6-route;44 ipv6-frag;45 idrp;' +
  '46 rsvp;47 gre;50 esp;51 ah;57 skip;58 ipv6-icmp;59 ipv6-nonxt;60 ipv6-opts;73 rspf;81 vmtp;' +
  '88 eigrp;89 ospf;93 ax.25;94 ipip;97 etherip;98 encap;103 pim;108 ipcomp;112 vrrp;115 l2tp;' +
  '124 isis;132 sctp;133 fc;135 mobility-header;136 udplite;137 mpls-in-ip;138 manet;139 hip;' +
  '140 shim6;141 wesp;142 rohc;143 ethernet;262 mptcp'
)
  .split(';')
  .map((e) => {
    const [n, name] = e.split(' ');
    return [Number(n), name!];
  });
const PROTO_BY_NUM = new Map(PROTOCOLS.filter(([n]) => n !== 0));
const PROTO_BY_NAME = new Map<string, number>(PROTOCOLS.map(([n, name]) => [name, n]));
// xtables_chain_protos (looked up before /etc/protocols) and netbase's aliases.
for (const [alias, n] of [
  ['all', 0],
  ['icmpv6', 58],
  ['ipv6-mh', 135],
  ['mh', 135],
  ['hopopt', 0],
] as const)
  PROTO_BY_NAME.set(alias, n);

/**
 * `-p` argument -> the canonical name iptables-save prints ("all" for 0), or null when
 * unknown. Numbers are accepted and printed by name when /etc/protocols has one.
 */
export function canonicalProto(s: string): string | null {
  const lower = s.toLowerCase();
  let n: number | undefined;
  if (/^\d+$/.test(lower)) {
    n = Number(lower);
    if (n > 255) return null;
  } else n = PROTO_BY_NAME.get(lower);
  if (n === undefined) return null;
  if (n === 0) return 'all';
  return PROTO_BY_NUM.get(n) ?? String(n);
}

/** Protocol number of a canonical name ("all" -> 0). */
export function protoNumber(name: string): number {
  if (/^\d+$/.test(name)) return Number(name);
  return PROTO_BY_NAME.get(name) ?? 0;
}

const TCP_SERVICES =
  '1:tcpmux 7:echo 9:discard 11:systat 13:daytime 15:netstat 17:qotd 19:chargen 20:ftp-data 21:ftp ' +
  '22:ssh 23:telnet 25:smtp 37:time 43:whois 49:tacacs 53:domain 70:gopher 79:finger 80:http ' +
  '88:kerberos 102:iso-tsap 104:acr-nema 110:pop3 111:sunrpc 113:auth 119:nntp 135:epmap ' +
  '139:netbios-ssn 143:imap2 161:snmp 162:snmp-trap 163:cmip-man 164:cmip-agent 174:mailq 179:bgp ' +
  '199:smux 209:qmtp 210:z3950 345:pawserv 346:zserv 369:rpc2portmap 370:codaauth2 389:ldap 427:svrloc ' +
  '443:https 444:snpp 445:microsoft-ds 464:kpasswd 465:submissions 487:saft 554:rtsp 607:nqs 628:qmqp ' +
  '631:ipp 646:ldp 512:exec 513:login 514:shell 515:printer 538:gdomap 540:uucp 543:klogin 544:kshell ' +
  '548:afpovertcp 563:nntps 587:submission 636:ldaps 655:tinc 706:silc 749:kerberos-adm 853:domain-s ' +
  '873:rsync 989:ftps-data 990:ftps 992:telnets 993:imaps 995:pop3s 1080:socks 1093:proofd 1094:rootd ' +
  '1194:openvpn 1099:rmiregistry 1352:lotusnote 1433:ms-sql-s 1524:ingreslock 1645:datametrics ' +
  '1646:sa-msg-port 1649:kermit 1677:groupwise 1812:radius 1813:radius-acct 2000:cisco-sccp 2049:nfs ' +
  '2086:gnunet 2101:rtcm-sc104 2119:gsigatekeeper 2135:gris 2401:cvspserver 2430:venus 2431:venus-se ' +
  '2432:codasrv 2433:codasrv-se 2583:mon 2628:dict 2792:f5-globalsite 2811:gsiftp 2947:gpsd ' +
  '3050:gds-db 3205:isns 3260:iscsi-target 3306:mysql 3389:ms-wbt-server 3493:nut 3632:distcc ' +
  '3689:daap 3690:svn 4031:suucp 4094:sysrqd 4190:sieve 4369:epmd 4373:remctl 4353:f5-iquery ' +
  '4460:ntske 4691:mtn 4899:radmin-port 5060:sip 5061:sip-tls 5222:xmpp-client 5269:xmpp-server ' +
  '5308:cfengine 5432:postgresql 5556:freeciv 5671:amqps 5672:amqp 6000:x11 6001:x11-1 6002:x11-2 ' +
  '6003:x11-3 6004:x11-4 6005:x11-5 6006:x11-6 6007:x11-7 6346:gnutella-svc 6347:gnutella-rtr ' +
  '6379:redis 6444:sge-qmaster 6445:sge-execd 6446:mysql-proxy 6697:ircs-u 7000:bbs 7100:font-service ' +
  '8080:http-alt 8140:puppet 9101:bacula-dir 9102:bacula-fd 9103:bacula-sd 9667:xmms2 10809:nbd ' +
  '10050:zabbix-agent 10051:zabbix-trapper 10080:amanda 11112:dicom 11371:hkp 17500:db-lsp 22125:dcap ' +
  '22128:gsidcap 22273:wnn6 750:kerberos4 751:kerberos-master 754:krb-prop 2121:iprop 871:supfilesrv ' +
  '1127:supfiledbg 106:poppassd 775:moira-db 777:moira-update 783:spamd 1178:skkserv 1236:rmtcfg ' +
  '1313:xtel 1314:xtelw 2600:zebrasrv 2601:zebra 2602:ripd 2603:ripngd 2604:ospfd 2605:bgpd ' +
  '2606:ospf6d 2607:ospfapi 2608:isisd 4557:fax 4559:hylafax 4949:munin 5666:nrpe 5667:nsca 5680:canna ' +
  '6514:syslog-tls 6566:sane-port 6667:ircd 8021:zope-ftp 8081:tproxy 8088:omniorb ' +
  '8990:clc-build-daemon 9098:xinetd 9418:git 9673:zope 10000:webmin 10081:kamanda 10082:amandaidx ' +
  '10083:amidxtape 17004:sgi-cad 24554:binkp 27374:asp 30865:csync2 57000:dircproxy 60177:tfido ' +
  '60179:fido';
const UDP_SERVICES =
  '7:echo 9:discard 13:daytime 19:chargen 21:fsp 37:time 49:tacacs 53:domain 67:bootps 68:bootpc ' +
  '69:tftp 88:kerberos 111:sunrpc 123:ntp 137:netbios-ns 138:netbios-dgm 161:snmp 162:snmp-trap ' +
  '163:cmip-man 164:cmip-agent 177:xdmcp 213:ipx 319:ptp-event 320:ptp-general 369:rpc2portmap ' +
  '370:codaauth2 371:clearcase 389:ldap 427:svrloc 443:https 464:kpasswd 500:isakmp 554:rtsp ' +
  '623:asf-rmcp 646:ldp 512:biff 513:who 514:syslog 517:talk 518:ntalk 520:route 538:gdomap ' +
  '546:dhcpv6-client 547:dhcpv6-server 636:ldaps 655:tinc 853:domain-s 1194:openvpn 1434:ms-sql-m ' +
  '1645:datametrics 1646:sa-msg-port 1701:l2f 1812:radius 1813:radius-acct 2049:nfs 2086:gnunet ' +
  '2101:rtcm-sc104 2430:venus 2431:venus-se 2432:codasrv 2433:codasrv-se 2583:mon 3130:icpv2 3205:isns ' +
  '3493:nut 4500:ipsec-nat-t 4569:iax 5060:sip 5061:sip-tls 5353:mdns 6346:gnutella-svc ' +
  '6347:gnutella-rtr 6696:babel 7000:afs3-fileserver 7001:afs3-callback 7002:afs3-prserver ' +
  '7003:afs3-vlserver 7004:afs3-kaserver 7005:afs3-volser 7007:afs3-bos 7008:afs3-update ' +
  '7009:afs3-rmtsys 750:kerberos4 751:kerberos-master 752:passwd-server 2102:zephyr-srv ' +
  '2103:zephyr-clt 2104:zephyr-hm 779:moira-ureg 1210:predict 5555:rplay 17001:sgi-cmsd 17002:sgi-crsd ' +
  '17003:sgi-gcd 27374:asp';
function serviceMaps(data: string): { byPort: Map<number, string>; byName: Map<string, number> } {
  const byPort = new Map<number, string>();
  const byName = new Map<string, number>();
  for (const e of data.split(' ')) {
    const [p, name] = e.split(':');
    const port = Number(p);
    if (!byPort.has(port)) byPort.set(port, name!);
    if (!byName.has(name!)) byName.set(name!, port);
  }
  return { byPort, byName };
}
const SERVICES: Record<string, ReturnType<typeof serviceMaps>> = {
  tcp: serviceMaps(TCP_SERVICES),
  udp: serviceMaps(UDP_SERVICES),
};

/** /etc/services: the name `iptables -L` shows for a port (without -n). */
export function serviceName(port: number, proto: string): string | undefined {
  return (SERVICES[proto] ?? SERVICES.tcp!).byPort.get(port);
}

/** A port or service name ("80", "http") -> number, or null (xtables_parse_port). */
export function parsePort(s: string, proto: string): number | null {
  if (/^\d+$/.test(s)) {
    const n = Number(s);
    return n <= 65535 ? n : null;
  }
  return (SERVICES[proto] ?? SERVICES.tcp!).byName.get(s) ?? null;
}

/** libip6t_icmp6's icmpv6_codes: [name, type, code_min, code_max], the first of a type printed. */
export const ICMPV6_TYPES: [string, number, number, number][] = [
  ['destination-unreachable', 1, 0, 0xff],
  ['no-route', 1, 0, 0],
  ['communication-prohibited', 1, 1, 1],
  ['beyond-scope', 1, 2, 2],
  ['address-unreachable', 1, 3, 3],
  ['port-unreachable', 1, 4, 4],
  ['failed-policy', 1, 5, 5],
  ['reject-route', 1, 6, 6],
  ['packet-too-big', 2, 0, 0xff],
  ['time-exceeded', 3, 0, 0xff],
  ['ttl-exceeded', 3, 0, 0xff],
  ['ttl-zero-during-transit', 3, 0, 0],
  ['ttl-zero-during-reassembly', 3, 1, 1],
  ['parameter-problem', 4, 0, 0xff],
  ['bad-header', 4, 0, 0],
  ['unknown-header-type', 4, 1, 1],
  ['unknown-option', 4, 2, 2],
  ['echo-request', 128, 0, 0xff],
  ['ping', 128, 0, 0xff],
  ['echo-reply', 129, 0, 0xff],
  ['pong', 129, 0, 0xff],
  ['mld-listener-query', 130, 0, 0xff],
  ['mld-listener-report', 131, 0, 0xff],
  ['mld-listener-done', 132, 0, 0xff],
  ['mld-listener-reduction', 132, 0, 0xff],
  ['router-solicitation', 133, 0, 0xff],
  ['router-advertisement', 134, 0, 0xff],
  ['neighbour-solicitation', 135, 0, 0xff],
  ['neighbor-solicitation', 135, 0, 0xff],
  ['neighbour-advertisement', 136, 0, 0xff],
  ['neighbor-advertisement', 136, 0, 0xff],
  ['redirect', 137, 0, 0xff],
];

/** xtables' ICMP type names: [name, type, code_min, code_max]. */
export const ICMP_TYPES: [string, number, number, number][] = [
  ['any', 0xff, 0, 0xff],
  ['echo-reply', 0, 0, 0xff],
  ['pong', 0, 0, 0xff],
  ['destination-unreachable', 3, 0, 0xff],
  ['network-unreachable', 3, 0, 0],
  ['host-unreachable', 3, 1, 1],
  ['protocol-unreachable', 3, 2, 2],
  ['port-unreachable', 3, 3, 3],
  ['fragmentation-needed', 3, 4, 4],
  ['source-route-failed', 3, 5, 5],
  ['network-unknown', 3, 6, 6],
  ['host-unknown', 3, 7, 7],
  ['network-prohibited', 3, 9, 9],
  ['host-prohibited', 3, 10, 10],
  ['TOS-network-unreachable', 3, 11, 11],
  ['TOS-host-unreachable', 3, 12, 12],
  ['communication-prohibited', 3, 13, 13],
  ['host-precedence-violation', 3, 14, 14],
  ['precedence-cutoff', 3, 15, 15],
  ['source-quench', 4, 0, 0xff],
  ['redirect', 5, 0, 0xff],
  ['network-redirect', 5, 0, 0],
  ['host-redirect', 5, 1, 1],
  ['TOS-network-redirect', 5, 2, 2],
  ['TOS-host-redirect', 5, 3, 3],
  ['echo-request', 8, 0, 0xff],
  ['ping', 8, 0, 0xff],
  ['router-advertisement', 9, 0, 0xff],
  ['router-solicitation', 10, 0, 0xff],
  ['time-exceeded', 11, 0, 0xff],
  ['ttl-exceeded', 11, 0, 0xff],
  ['ttl-zero-during-transit', 11, 0, 0],
  ['ttl-zero-during-reassembly', 11, 1, 1],
  ['parameter-problem', 12, 0, 0xff],
  ['ip-header-bad', 12, 0, 0],
  ['required-option-missing', 12, 1, 1],
  ['timestamp-request', 13, 0, 0xff],
  ['timestamp-reply', 14, 0, 0xff],
  ['address-mask-request', 17, 0, 0xff],
  ['address-mask-reply', 18, 0, 0xff],
];

/** Standard verdicts and the extension targets a user chain may not be named after. */
export const TARGET_NAMES = new Set([
  'ACCEPT',
  'DROP',
  'RETURN',
  'QUEUE',
  'REJECT',
  'LOG',
  'MARK',
  'MASQUERADE',
  'SNAT',
  'DNAT',
  'REDIRECT',
  'CONNMARK',
  'CT',
  'NOTRACK',
  'TRACE',
  'TCPMSS',
  'NFQUEUE',
  'NFLOG',
  'TPROXY',
  'CLASSIFY',
  'DSCP',
  'TOS',
  'TTL',
  'ULOG',
  'AUDIT',
  'CHECKSUM',
  'CONNSECMARK',
  'SECMARK',
  'SET',
  'NETMAP',
  'CLUSTERIP',
  'ECN',
  'HMARK',
  'IDLETIMER',
  'LED',
  'RATEEST',
  'SYNPROXY',
  'TEE',
  'TCPOPTSTRIP',
  'MIRROR',
  'SAME',
]);

export function isBuiltin(table: TableId, chain: string): boolean {
  return BUILTIN_CHAINS[table].includes(chain);
}

/** Number of rules in the table that jump or go to `chain` (the "(N references)" of -L). */
export function referenceCount(table: Table, chain: string): number {
  let n = 0;
  for (const c of table.chains.values())
    for (const r of c.rules) if (r.target?.kind === 'CHAIN' && r.target.chain === chain) n++;
  return n;
}

/** Tables a command wrote to (they show in iptables-save even when back to their initial state). */
const touched = new WeakMap<IptablesState, Set<TableId>>();

/** When each table registered its hooks: the first command that wrote to it. */
const registered = new WeakMap<IptablesState, Map<TableId, number>>();

/** Records that a command wrote to `table` (the first write registers the table's hooks). */
export function touchTable(state: IptablesState, table: TableId): void {
  let set = touched.get(state);
  if (!set) touched.set(state, (set = new Set()));
  set.add(table);
  let reg = registered.get(state);
  if (!reg) registered.set(state, (reg = new Map()));
  if (!reg.has(table)) reg.set(table, nfRegistrationTick());
}

/**
 * When `table` registered its hooks (0 if no command wrote to it). One time per table for
 * both back ends: iptables-legacy's table registers every hook at once; iptables-nft makes
 * each built-in chain when a rule first needs it, which this model does not tell apart.
 */
export function tableRegistered(state: IptablesState, table: TableId): number {
  return registered.get(state)?.get(table) ?? 0;
}

/** Forgets that a table was written (iptables-restore replaced it with an empty block). */
export function untouchTable(state: IptablesState, table: TableId): void {
  touched.get(state)?.delete(table);
}

/**
 * nf_tables keeps only the chains iptables-nft made: a built-in chain once a rule or policy was
 * written to it, a user chain from -N; a deleted user chain goes. Records the new ones in order.
 */
export function noteNftChains(state: IptablesState, table: TableId): void {
  if (state.backend !== 'nft') return;
  const t = state.tables[table];
  const builtins = BUILTIN_CHAINS[table];
  const prefix = `${table} `;
  for (const k of state.nftChains)
    if (k.startsWith(prefix) && !t.chains.has(k.slice(prefix.length))) state.nftChains.delete(k);
  for (const c of t.chains.values()) {
    const k = prefix + c.name;
    if (state.nftChains.has(k)) continue;
    const made = !builtins.includes(c.name) || c.rules.length > 0 || c.policy !== 'ACCEPT';
    if (made) state.nftChains.add(k);
  }
}

/** A table as it is when iptables has never written to it: built-in chains only, ACCEPT, no counters. */
export function isPristine(table: Table): boolean {
  const builtins = BUILTIN_CHAINS[table.id];
  if (table.chains.size !== builtins.length) return false;
  for (const name of builtins) {
    const c = table.chains.get(name);
    if (!c || c.rules.length > 0 || c.policy !== 'ACCEPT' || c.counters.packets || c.counters.bytes)
      return false;
  }
  return true;
}

/**
 * iptables-nft's table order: nft_for_each_table walks xtables_ipv4[] by its index, enum
 * nft_table_type (mangle, security, raw, filter, nat); ip6tables-save and iptables-save on
 * 6.18 with iptables 1.8.9 both print *mangle before *raw.
 */
export const SAVE_ORDER: TableId[] = ['mangle', 'raw', 'filter', 'nat'];

/** The tables iptables-save prints, in its order: those written to or not pristine. */
export function visibleTables(state: IptablesState): TableId[] {
  const set = touched.get(state);
  return SAVE_ORDER.filter((id) => set?.has(id) || !isPristine(state.tables[id]));
}

/** A copy of a table that a command can change and then commit (rules are shared, never mutated). */
export function cloneTable(table: Table): Table {
  const chains = new Map<string, Chain>();
  for (const [name, c] of table.chains) chains.set(name, copyChain(c));
  return { id: table.id, chains };
}

function copyChain(c: Chain): Chain {
  return { name: c.name, policy: c.policy, rules: c.rules.slice(), counters: { ...c.counters } };
}

/**
 * A change to a live table, copy-on-write per chain: the first write to a chain replaces it
 * with a copy, so a command costs what it touches, and `rollback` puts back every chain it
 * replaced, added or removed (an error changes nothing). Without a transaction (a private
 * draft, as iptables-restore builds) chains are written in place.
 */
export class TableTx {
  private readonly owned = new WeakSet<Chain>();
  private readonly undo: (() => void)[] = [];

  constructor(readonly table: Table) {}

  /** `c`, made safe to change. */
  own(c: Chain): Chain {
    if (this.owned.has(c)) return c;
    const copy = copyChain(c);
    const chains = this.table.chains;
    chains.set(c.name, copy);
    this.owned.add(copy);
    this.undo.push(() => chains.set(c.name, c));
    return copy;
  }

  /** Adds a new chain (owned: it is this change's). */
  add(c: Chain): void {
    const chains = this.table.chains;
    chains.set(c.name, c);
    this.owned.add(c);
    this.undo.push(() => chains.delete(c.name));
  }

  /** Removes a chain. */
  remove(c: Chain): void {
    const chains = this.table.chains;
    chains.delete(c.name);
    this.undo.push(() => chains.set(c.name, c));
  }

  /** Replaces the whole chain map (a rename rewrites every jump to the chain). */
  replaceAll(chains: Map<string, Chain>): void {
    const old = this.table.chains;
    this.table.chains = chains;
    for (const c of chains.values()) this.owned.add(c);
    this.undo.push(() => (this.table.chains = old));
  }

  rollback(): void {
    for (let i = this.undo.length - 1; i >= 0; i--) this.undo[i]!();
    this.undo.length = 0;
  }
}

/** Makes `table` hold what `draft` holds (the commit of a validated change). */
export function commitTable(table: Table, draft: Table): void {
  table.chains = draft.chains;
}

/** Hooks (built-in chains) where a target with restrictions may run, per x_tables target. */
const TARGET_HOOKS: Partial<Record<string, { table: TableId; chains: string[] }>> = {
  DNAT: { table: 'nat', chains: ['PREROUTING', 'OUTPUT'] },
  REDIRECT: { table: 'nat', chains: ['PREROUTING', 'OUTPUT'] },
  SNAT: { table: 'nat', chains: ['POSTROUTING', 'INPUT'] },
  MASQUERADE: { table: 'nat', chains: ['POSTROUTING'] },
  REJECT: { table: 'filter', chains: ['INPUT', 'FORWARD', 'OUTPUT'] },
};

/** Is rule `r` refused in `table` when reached from `hook` (null: whatever hook, the table-wide checks only)? */
function badTarget(table: TableId, r: Rule, hook: string | null): boolean {
  const t = r.target;
  if (!t) return false;
  if (t.kind === 'REJECT' && t.with === 'tcp-reset' && (r.proto?.name !== 'tcp' || r.proto.neg)) return true;
  const allowed = TARGET_HOOKS[t.kind];
  if (!allowed) return false;
  if (allowed.table !== table) return true;
  return hook !== null && !allowed.chains.includes(hook);
}

/**
 * xt_physdev's physdev_mt_check: --physdev-out and --physdev-is-out need --physdev-is-bridged
 * (not inverted) in a rule that can run from OUTPUT, where a packet has no bridge port yet
 * (EINVAL, "--physdev-out and --physdev-is-out only supported in the FORWARD and POSTROUTING
 * chains with bridged traffic"). `hook` is a hook in the rule's mask: x_tables' (legacy) mask
 * is every hook its chain is reachable from, nft_compat's only its base chain's own hook.
 * Measured (iptables 1.8.9, Linux 6.18): refused in OUTPUT of filter, nat, mangle and raw
 * (exit 4 for nf_tables, `iptables: Invalid argument. Run `dmesg' ...` exit 1 for legacy),
 * also with `! --physdev-is-bridged`; accepted with --physdev-is-bridged, or in a user chain
 * OUTPUT jumps to under nf_tables (legacy then refuses the jump).
 */
function badPhysdev(r: Rule, hook: string | null): boolean {
  if (hook !== 'OUTPUT') return false;
  return r.matches.some(
    (m) => m.module === 'physdev' && (m.physdevOut || m.isOut) && (!m.isBridged || m.isBridged.neg),
  );
}

/** Is rule `r` refused when it runs from `hook`, sitting in `chain` (its own base chain, or one reached by jumps)? */
function badRule(table: TableId, r: Rule, hook: string, chain: string, backend: XtBackend): boolean {
  return badTarget(table, r, hook) || badPhysdev(r, backend === 'legacy' || chain === hook ? hook : null);
}

/**
 * Depth-first search over jumps from `start`: false when it reaches a loop. `state` carries
 * the colours between calls (1 on the current path, 2 done), so several starts share the work.
 */
function loopFree(table: Table, start: string, state: Map<string, 1 | 2>): boolean {
  const s = state.get(start);
  if (s === 1) return false;
  if (s === 2) return true;
  state.set(start, 1);
  for (const r of table.chains.get(start)?.rules ?? [])
    if (r.target?.kind === 'CHAIN' && !loopFree(table, r.target.chain, state)) return false;
  state.set(start, 2);
  return true;
}

/** The chains reachable from `start` by jumps and gotos, `start` included. */
function reachable(table: Table, start: string): Set<string> {
  const seen = new Set<string>();
  const stack = [start];
  while (stack.length) {
    const name = stack.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    for (const r of table.chains.get(name)?.rules ?? [])
      if (r.target?.kind === 'CHAIN') stack.push(r.target.chain);
  }
  return seen;
}

/** enum nf_inet_hooks order, in which the kernel names hooks. */
const HOOK_ORDER = ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'];

/**
 * Why the kernel refused a target, in the words xt_check_target logs (dmesg) with the EINVAL that
 * iptables prints: the wrong table, or a built-in chain (hook) the target cannot run from.
 */
export function targetHint(table: TableId, chain: string, target: string | undefined): string | undefined {
  const allowed = target !== undefined ? TARGET_HOOKS[target] : undefined;
  if (!allowed) return undefined;
  if (allowed.table !== table)
    return `${target} is only valid in the ${allowed.table} table (the kernel logs: "x_tables: ip_tables: ${target} target: only valid in ${allowed.table} table, not ${table}")`;
  if (BUILTIN_CHAINS[table].includes(chain) && !allowed.chains.includes(chain)) {
    const hooks = HOOK_ORDER.filter((h) => allowed.chains.includes(h));
    return `${target} only runs from ${hooks.join(' or ')} (the kernel logs: "x_tables: ip_tables: ${target} target: used from hooks ${chain}, but only usable from ${hooks.join('/')}")`;
  }
  return undefined;
}

/**
 * The chains the hooks reach by jumps and gotos, each after every chain that jumps to it (a
 * reverse postorder of one depth-first search from all hooks), or null when the search meets
 * a loop. One walk however many hooks reach a chain.
 */
function hookOrder(table: Table, hooks: readonly string[]): string[] | null {
  const state = new Map<string, 1 | 2>();
  const post: string[] = [];
  const visit = (name: string): boolean => {
    const s = state.get(name);
    if (s !== undefined) return s === 2;
    state.set(name, 1);
    for (const r of table.chains.get(name)?.rules ?? [])
      if (r.target?.kind === 'CHAIN' && !visit(r.target.chain)) return false;
    state.set(name, 2);
    post.push(name);
    return true;
  };
  for (const name of hooks) if (!visit(name)) return null;
  return post.reverse();
}

/**
 * Is a rule of chain `c` refused, with `mask` the hooks its chain is reachable from (bit i
 * for the table's i-th built-in chain)? Only a target with hook restrictions, or a physdev
 * match run from OUTPUT, can be.
 */
function badChain(table: Table, c: Chain, mask: number, backend: XtBackend): boolean {
  const hooks = BUILTIN_CHAINS[table.id];
  const output = 1 << hooks.indexOf('OUTPUT');
  for (const r of c.rules) {
    const restricted = r.target !== undefined && TARGET_HOOKS[r.target.kind] !== undefined;
    if (!restricted) {
      if (mask & output && badRule(table.id, r, 'OUTPUT', c.name, backend)) return true;
      continue;
    }
    if (badTarget(table.id, r, null)) return true;
    for (let h = 0; h < hooks.length; h++)
      if (mask & (1 << h) && badRule(table.id, r, hooks[h]!, c.name, backend)) return true;
  }
  return false;
}

/**
 * The checks the kernel makes on commit: no jump loop reachable from a hook (EMLINK), targets only reachable
 * from the hooks and table they support, REJECT tcp-reset only on `-p tcp` (EINVAL).
 * Returns the errno text or null. The chains the hooks reach are taken in an order where
 * every chain comes after those jumping to it, so a chain's hooks are known when its turn
 * comes and handed on to its jumps' targets: each rule is looked at twice (the search, the
 * check), however many hooks reach it.
 */
export function kernelCheck(table: Table, backend: XtBackend = 'nft'): string | null {
  const hooks = BUILTIN_CHAINS[table.id];
  // Loops: from the base chains only (nf_tables accepts a loop among chains no hook reaches,
  // and refuses the rule that makes it reachable).
  const order = hookOrder(table, hooks);
  if (!order) return 'Too many links';
  const masks = new Map<string, number>();
  for (let h = 0; h < hooks.length; h++) masks.set(hooks[h]!, 1 << h);
  for (const name of order) {
    const c = table.chains.get(name);
    if (!c) continue;
    const mask = masks.get(name) ?? 0;
    if (badChain(table, c, mask, backend)) return 'Invalid argument';
    for (const r of c.rules)
      if (r.target?.kind === 'CHAIN') masks.set(r.target.chain, (masks.get(r.target.chain) ?? 0) | mask);
  }
  // Chains no hook reaches are still checked for the table.
  for (const c of table.chains.values())
    if (!masks.has(c.name) && badChain(table, c, 0, backend)) return 'Invalid argument';
  return null;
}

/** The built-in chains (hooks) from which `chain` is reachable, found by walking jumps backwards. */
function hooksReaching(table: Table, chain: string): string[] {
  const builtins = BUILTIN_CHAINS[table.id];
  if (builtins.includes(chain)) return [chain];
  // One pass over the rules' targets gives who jumps where; then a backwards search from `chain`.
  const into = new Map<string, string[]>();
  for (const c of table.chains.values())
    for (const r of c.rules) {
      if (r.target?.kind !== 'CHAIN') continue;
      const from = into.get(r.target.chain);
      if (from) from.push(c.name);
      else into.set(r.target.chain, [c.name]);
    }
  const seen = new Set<string>([chain]);
  const stack = [chain];
  const hooks: string[] = [];
  while (stack.length) {
    for (const from of into.get(stack.pop()!) ?? []) {
      if (seen.has(from)) continue;
      seen.add(from);
      if (builtins.includes(from)) hooks.push(from);
      stack.push(from);
    }
  }
  return hooks;
}

/**
 * kernelCheck for a table that passed it before `added` went into `chain`: only what the new
 * rules change is searched (the hooks their chain is reachable from, the chains their jumps
 * reach), so a rule costs what the rule reaches, not what the table holds. Same answers as
 * kernelCheck on the whole table.
 */
export function ruleCheck(
  table: Table,
  chain: string,
  added: readonly Rule[],
  backend: XtBackend = 'nft',
): string | null {
  for (const r of added) if (badTarget(table.id, r, null)) return 'Invalid argument';
  const restricted = added.some(
    (r) => (r.target?.kind !== 'CHAIN' && TARGET_HOOKS[r.target?.kind ?? '']) || badPhysdev(r, 'OUTPUT'),
  );
  const jumps = added.flatMap((r) => (r.target?.kind === 'CHAIN' ? [r.target.chain] : []));
  if (!restricted && jumps.length === 0) return null;
  const hooks = hooksReaching(table, chain);
  if (hooks.length === 0) return null;
  const state = new Map<string, 1 | 2>();
  for (const j of jumps) if (!loopFree(table, j, state)) return 'Too many links';
  const below = new Set<string>();
  for (const j of jumps) for (const name of reachable(table, j)) below.add(name);
  for (const hook of hooks) {
    for (const r of added) if (badRule(table.id, r, hook, chain, backend)) return 'Invalid argument';
    for (const name of below)
      for (const r of table.chains.get(name)?.rules ?? [])
        if (badRule(table.id, r, hook, name, backend)) return 'Invalid argument';
  }
  return null;
}

/** Chains in the order iptables lists them: built-ins in hook order, then user chains sorted by name. */
export function orderedChains(table: Table): Chain[] {
  const builtins = BUILTIN_CHAINS[table.id];
  const out: Chain[] = [];
  for (const name of builtins) {
    const c = table.chains.get(name);
    if (c) out.push(c);
  }
  const user = [...table.chains.values()].filter((c) => !builtins.includes(c.name));
  user.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return out.concat(user);
}
