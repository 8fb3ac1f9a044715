/**
 * The kernel lab: a self-contained bash script that builds a scenario in real network
 * namespaces (one per machine, per container/pod namespace and per L2 segment), replays
 * the scenario's setup commands as written, starts its servers, runs a flow and tears
 * everything down on exit. Everything it makes is named with a prefix and lives only in
 * namespaces it created; it never touches the root namespace.
 */
import { quote } from 'shell-quote';
import { buildWorld, type ExecCommand } from '../scenario/build';
import type { Scenario } from '../scenario/load';
import { topologyOf, findFlow } from '../sim/run';
import type { TopologyInterface } from '../kernel/trace';
import type { World } from '../kernel/world';
import { labLine } from './rewrite';
import { httpResponse } from '../net/http';
import { formatRule } from '../kernel/netfilter/xt-text';
import { namespacePaths, normalizePath } from '../commands/netns-files';
import { labDnsLines, labRunsCoreDns } from './coredns-responder';

export interface CapturePoint {
  netns: string;
  interface: string;
}

export interface LabOptions {
  /** Which flow's traffic to run; without it the script builds, prints the tables and stops. */
  flow?: string;
  exec?: ExecCommand[];
  /** Namespace name prefix (default "pj-"). */
  prefix?: string;
  /** Capture these interfaces (both directions) into this directory, one pcap per point and direction. */
  capture?: { dir: string; points: CapturePoint[] };
  /**
   * Flows to run after `flow` in the same world (none may have `before` commands): before
   * each, the state a flow leaves is cleared (resetLines), and with captures each flow's
   * window is written to DIR/marks and its output to DIR/flow-ID.out.
   */
  then?: string[];
  /** Keep the namespaces after the flow (for exploring by hand); teardown then happens on Ctrl-C. */
  keep?: boolean;
}

export function captureFile(p: CapturePoint, dir: 'tx' | 'rx'): string {
  return `${p.netns.replace(/[^A-Za-z0-9._-]/g, '_')}__${p.interface.replace(/[^A-Za-z0-9._-]/g, '_')}__${dir}.pcap`;
}

/** How long the lab keeps capturing after the flow's command exits (frames still in flight, timers). */
export const LAB_TAIL_US = 500_000;
/** How long the lab waits after the setup before the flow: links coming up (linkwatch). */
export const LAB_SETTLE_US = 1_500_000;

/**
 * The command line a flow runs in the lab: the same program, bounded in time. curl and nc
 * get the model's own defaults (commands/apps.ts: 10 s and 5 s) so a connection that gets
 * no answer retransmits its SYN as often on the kernel as in the Trace.
 */
export function labFlowCommand(command: string): string {
  const words = command.trim().split(/\s+/);
  if (words[0] === 'ping' && !words.includes('-W') && !words.includes('-w'))
    return `ping -W 2 ${words.slice(1).join(' ')}`;
  if (words[0] === 'curl' && !words.includes('-m'))
    return `curl -sS -m 10 -o /dev/null ${words.slice(1).join(' ')}`;
  if ((words[0] === 'nc' || words[0] === 'ncat') && !words.includes('-w'))
    return `nc -w 5 ${words.slice(1).join(' ')}`;
  return command;
}

/** What the flow's program reads on stdin: the model's nc writes one line (6 bytes) unless -z. */
export function labFlowStdin(command: string): string {
  const words = command.trim().split(/\s+/);
  const nc = words[0] === 'nc' || words[0] === 'ncat';
  return nc && !words.some((w) => /^-\w*z/.test(w)) ? "printf 'hello\\n' | " : '';
}

/** What every phase of the script writer shares: the built world and the naming helpers. */
interface LabBuild {
  s: Scenario;
  opts: LabOptions;
  world: World;
  topo: ReturnType<typeof topologyOf>;
  built: ReturnType<typeof buildWorld>;
  /** The lab's name of a namespace (the prefix added). */
  ns: (name: string) => string;
  /** The lab's name of a segment's bridge namespace. */
  seg: (name: string) => string;
  /** The script, a line at a time. */
  L: string[];
}

const q = (x: string): string => quote([x]);

type LabServer = Scenario['servers'][number];

export function labScript(s: Scenario, opts: LabOptions = {}): string {
  const prefix = opts.prefix ?? 'pj-';
  const before = s.flows.find((f) => f.id === opts.flow)?.before ?? [];
  const built = buildWorld(s, { exec: [...before, ...(opts.exec ?? [])] });
  const world = built.world;
  const lab: LabBuild = {
    s,
    opts,
    world,
    topo: topologyOf(world),
    built,
    ns: (name) => `${prefix}${name}`,
    seg: (name) => `${prefix}seg-${name}`,
    L: [],
  };
  labPreamble(lab, prefix);
  labNamespaces(lab);
  labEarlyServers(lab);
  labSetup(lab);
  labPins(lab);
  if (opts.flow) labFlow(lab, opts.flow);
  else {
    lab.L.push('');
    lab.L.push('for n in "${LAB_NETNS[@]}"; do echo "== $n"; ip -n "$n" -br addr; ip -n "$n" route; done');
  }
  if (opts.keep) {
    lab.L.push('echo "The lab is up; press Ctrl-C to tear it down."');
    lab.L.push('while true; do sleep 3600; done');
  }
  return lab.L.join('\n') + '\n';
}

/** The header: what the script is, the tools it needs, and the teardown it arms before anything else. */
function labPreamble({ s, opts, world, topo, ns, seg, L }: LabBuild, prefix: string): void {
  L.push('#!/usr/bin/env bash');
  L.push(`# Packet Journey kernel lab for scenario "${s.id}"${opts.flow ? `, flow "${opts.flow}"` : ''}.`);
  L.push(
    '# Builds the scenario in network namespaces prefixed ' +
      q(prefix) +
      ', runs it, and removes them on exit.',
  );
  L.push(
    '# It changes nothing in the root namespace: every command runs inside a namespace this script creates.',
  );
  L.push('set -euo pipefail');
  L.push('[ "$(id -u)" -eq 0 ] || { echo "run as root (network namespaces need it)" >&2; exit 1; }');
  L.push('need() { command -v "$1" >/dev/null 2>&1 || MISSING="$MISSING $2"; }');
  L.push(
    'MISSING=""; need ip iproute2; need tcpdump tcpdump; need ping iputils-ping; need route net-tools; need brctl bridge-utils; need socat socat; need nc netcat-openbsd; need curl curl; need iptables iptables; need ipset ipset; need nft nftables; need sysctl procps',
  );
  // The CoreDNS stand-in is a python3 program; nslookup and dig are BIND 9's.
  if (labRunsCoreDns(world)) L.push('need python3 python3');
  const tool = s.flows
    .find((f) => f.id === opts.flow)
    ?.command.trim()
    .split(/\s+/)[0];
  if (tool === 'nslookup' || tool === 'dig') L.push(`need ${tool} bind9-dnsutils`);
  L.push(
    // Flows run side by side (--jobs): a second script waits for the first one's apt-get.
    'if [ -n "$MISSING" ]; then apt-get -o DPkg::Lock::Timeout=300 update -qq && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq $MISSING >/dev/null; fi',
  );
  const all = [...topo.netns.map((n) => ns(n.name)), ...topo.segments.map((g) => seg(g.name))];
  L.push(`LAB_NETNS=(${all.map(q).join(' ')})`);
  L.push('PIDS=()');
  L.push(...CLEANUP);
  L.push('trap cleanup EXIT');
  // An IPv4 world runs with IPv6 off, as the engine models it; an `ipv6: true` one keeps it on.
  L.push(
    s.ipv6
      ? 'quiet_ns() { :; }'
      : 'quiet_ns() { nsenter --net="/var/run/netns/$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 >/dev/null; }',
  );
  // Only what a run stopped half-way left behind: testing is cheaper than a failing `ip` each.
  L.push('for n in "${LAB_NETNS[@]}"; do if [ -e "/var/run/netns/$n" ]; then ip netns del "$n"; fi; done');
}

/** One namespace per machine, a bridge namespace per segment, and a veth from each NIC to its segment. */
function labNamespaces({ s, topo, ns, seg, L }: LabBuild): void {
  L.push('');
  L.push(
    '# Machines (one namespace each) and the L2 segments between them (a bridge in a namespace of its own).',
  );
  L.push(...buildNamespaces(s, topo, ns, seg));
}

/** A server in a machine's own namespace starts before the setup, as the engine's do. */
function isEarly({ topo }: LabBuild, sv: LabServer): boolean {
  return topo.machines.some((m) => m.name === sv.netns);
}

/**
 * Servers: each answers a request with the bytes the scenario declares (an HTTP response),
 * then closes.
 */
function labServer({ s, ns, L }: LabBuild, sv: LabServer, i: number): void {
  let body = 'SYSTEM:cat';
  if (sv.reply > 0) {
    L.push(`printf '%s' ${q(httpResponse(sv.reply))} > "$LAB_TMP/reply-${i}"`);
    // Like a web server: answer once a request has begun, then close. A client that closes
    // without sending anything (nc -z) gets no answer, as nginx closes such a connection
    // silently ("client closed connection while waiting for request").
    body = `SYSTEM:"if dd bs=1 count=1 2>/dev/null | grep -q ^; then cat $LAB_TMP/reply-${i}; fi"`;
  }
  // In an IPv6 world the server is one socket on [::] taking both families (bindv6only = 0),
  // as the engine's servers are; socat's TCP-LISTEN alone would bind 0.0.0.0 only.
  const v6 = s.ipv6 ? '6' : '';
  const listen =
    sv.proto === 'udp'
      ? `UDP${v6}-RECVFROM:${sv.port},fork,reuseaddr`
      : `TCP${v6}-LISTEN:${sv.port},fork,reuseaddr`;
  L.push(`ip netns exec ${q(ns(sv.netns))} socat ${listen} ${body} & PIDS+=($!)`);
}

/** The pods' resolv.conf files and the CoreDNS stand-in, when the world runs CoreDNS. */
function labDns({ world, ns }: LabBuild): string[] {
  return labDnsLines(world, ns, '$LAB_TMP');
}

/** The reply files' directory, and the machines' own servers, up before the setup (which may talk to them). */
function labEarlyServers(lab: LabBuild): void {
  const { s, L } = lab;
  if (s.servers.length > 0 || labDns(lab).length > 0) {
    L.push('');
    L.push('LAB_TMP=$(mktemp -d); trap \'cleanup; rm -rf "$LAB_TMP"\' EXIT');
  }
  if (s.servers.some((sv) => isEarly(lab, sv))) {
    L.push("# The machines' own servers, up before the setup (which may talk to them).");
    s.servers.forEach((sv, i) => {
      if (isEarly(lab, sv)) labServer(lab, sv, i);
    });
    L.push('sleep 0.2   # let them bind');
  }
}

/**
 * What must be up before the flow's `before` commands run (they are the setup's last
 * entries, as in the engine, which starts every server before them): the pod servers.
 */
function labLateServers(lab: LabBuild): void {
  const { s, topo, ns, L } = lab;
  L.push('');
  // A bridge with no ports keeps the random MAC it was created with: give it the engine's.
  const portless = topo.netns.flatMap((n) =>
    n.interfaces
      .filter((i) => i.kind === 'bridge' && !n.interfaces.some((p) => p.master === i.name))
      .map((i) => `ip -n ${q(ns(n.name))} link set dev ${q(i.name)} address ${i.mac}`),
  );
  if (portless.length > 0)
    L.push('', '# Bridges without ports get the MAC the engine gave them.', ...portless);
  const dns = labDns(lab);
  if (dns.length > 0) L.push('', "# The pods' name service: resolv.conf and CoreDNS.", ...dns);
  if (s.servers.some((sv) => !isEarly(lab, sv))) {
    L.push('');
    L.push('# Servers in the namespaces the setup created.');
    s.servers.forEach((sv, i) => {
      if (!isEarly(lab, sv)) labServer(lab, sv, i);
    });
  }
}

/** The setup commands, as the scenario writes them, then (before the flow's own) the late servers. */
function labSetup(lab: LabBuild): void {
  const { world, topo, ns, L, opts } = lab;
  const { setup, created: madeBy, inputs } = lab.built;
  // Namespace files (Docker's /var/run/docker/netns/ID, /proc/PID/ns/net) by machine.
  const nsOn = (machine: string): ((name: string) => string) => {
    const paths = namespacePaths(world, machine);
    return (name) => ns(paths.get(normalizePath(name)) ?? name);
  };
  L.push('');
  L.push('# The setup commands, as the scenario writes them (namespace names carry the lab prefix).');
  const created = new Set(topo.machines.map((m) => ns(m.name)));
  let lateDone = false;
  for (const e of setup) {
    if (e.source === '--exec' && !lateDone) {
      lateDone = true;
      labLateServers(lab);
    }
    // A flow's `before` line names its netns ("r: ip6tables ..."), which may be one the
    // setup made with `ip netns add` rather than the machine's own.
    const where = ns(e.source === '--exec' ? e.netns : e.machine);
    const stdin = inputs.get(e);
    // A batch a controller fed on stdin (kube-proxy's iptables-restore) goes in a heredoc.
    const line =
      labLine(e.command, where, nsOn(e.machine), madeBy.get(e) ?? []) +
      (stdin !== undefined ? ` <<'PJ_STDIN'\n${stdin.replace(/\n?$/, '\n')}PJ_STDIN` : '');
    L.push(`# ${e.source}${e.by ? ` (${e.by})` : ''}`);
    // Traffic in the setup is there for the state it leaves; a ping that loses its packet
    // exits 1 on the kernel too, and must not end the script.
    if (e.ok && /^(ping|curl|nc)\s/.test(e.command)) {
      L.push(`${line} || true`);
      // When the traffic ended: conformance lets the model wait as long before the flow.
      if (opts.capture) L.push(`echo "traffic \${EPOCHREALTIME/./}" >>${q(`${opts.capture.dir}/marks`)}`);
    } else if (e.ok) L.push(line);
    else L.push(`${line} || true   # expected to fail: ${e.output.replace(/\n/g, ' ')}`);
    const add = /^ip netns add (\S+)/.exec(line);
    if (add && e.ok && !created.has(add[1]!)) {
      created.add(add[1]!);
      L.push(`quiet_ns ${add[1]!}`);
    }
  }
  if (!lateDone) labLateServers(lab);
}

/**
 * The flow pins a Service endpoint (for its own connection, as the engine does); the
 * kernel's choice is random, so the lab makes it take the same one: a rule that jumps
 * straight there, where the random choice begins.
 */
function labPins({ s, opts, world, ns, L }: LabBuild): void {
  const pinned = opts.flow !== undefined ? findFlow(s, opts.flow).endpoint : undefined;
  if (pinned === undefined) return;
  const pins = [...iptablesPins(world, pinned, (n) => q(ns(n))), ...nftPins(world, pinned, (n) => q(ns(n)))];
  if (pins.length > 0)
    L.push('', `# The flow pins endpoint ${pinned}: make kube-proxy's random choice take it.`, ...pins);
}

/** The flow itself: wait for the namespaces to settle, start the captures, run the command. */
function labFlow(lab: LabBuild, flowId: string): void {
  const { s, opts, world, topo, ns, seg, L } = lab;
  const flow = findFlow(s, flowId);
  L.push('');
  // Links that just came up are handed to the qdisc and the bridge by linkwatch, up to a
  // second later: the flow starts 1.5 s after the setup. The captures start in that time.
  L.push(`SETTLED=$(( \${EPOCHREALTIME/./} + ${LAB_SETTLE_US} ))`);
  if (!opts.capture) L.push(SETTLE);
  if (s.ipv6) {
    // The engine takes duplicate address detection as done: wait until no address in any
    // namespace is tentative. DAD runs from a workqueue that takes the RTNL lock, so on a
    // loaded machine (another lab tearing its namespaces down holds it) it can take seconds
    // longer than RetransTimer; a tentative address does not answer solicitations, and the
    // sender's retransmitted NS would then show as a difference. At most 30 s in all.
    L.push(
      'for t in $(seq 1 300); do busy=0; for n in "${LAB_NETNS[@]}"; do if ip -n "$n" -6 addr | grep -q tentative; then busy=1; break; fi; done; [ $busy = 0 ] && break; sleep 0.1; done',
    );
  }
  if (opts.capture) labCaptures(lab, opts.capture);
  const chain = [flow, ...(opts.then ?? []).map((id) => findFlow(s, id))];
  chain.forEach((f, k) => {
    if (k > 0) L.push(...resetLines(topo, world, ns, seg));
    // With captures, the flow's own output goes to a file, to compare with the Trace's, and
    // each flow marks when its window begins and ends: the captures start during the settle,
    // so frames from before a flow (a link's start-up chatter) stay out of its comparison.
    const dir = opts.capture?.dir;
    const mark = (what: string): void => {
      if (dir) L.push(`echo "${what} ${f.id} \${EPOCHREALTIME/./}" >>${q(`${dir}/marks`)}`);
    };
    mark('start');
    L.push(`echo ${q(`== ${f.netns}$ ${f.command}`)}`);
    const out = dir ? ` >${q(`${dir}/${opts.then ? `flow-${f.id}` : 'flow'}.out`)} 2>&1` : '';
    L.push(
      `${labFlowStdin(f.command)}ip netns exec ${q(ns(f.netns))} ${labFlowCommand(f.command)}${out} || true`,
    );
    L.push(`sleep ${LAB_TAIL_US / 1e6}`);
    mark('end');
  });
}

/** A tcpdump per capture point and direction, and a wait until each one listens. */
function labCaptures({ ns, L }: LabBuild, capture: NonNullable<LabOptions['capture']>): void {
  L.push(`mkdir -p ${q(capture.dir)}`);
  let n = 0;
  for (const p of capture.points) {
    for (const dir of ['tx', 'rx'] as const) {
      const file = `${capture.dir}/${captureFile(p, dir)}`;
      L.push(
        `ip netns exec ${q(ns(p.netns))} tcpdump -p -n -U --immediate-mode -i ${q(p.interface)} -Q ${dir === 'tx' ? 'out' : 'in'} -w ${q(file)} 2>${q(`${capture.dir}/.tcpdump-${++n}.log`)} & PIDS+=($!)`,
      );
    }
  }
  L.push('# Wait until every tcpdump says it is listening, so no frame of the flow is missed.');
  L.push(
    `for ((t = 0; t < 200; t++)); do up=0; for ((i = 1; i <= ${n}; i++)); do x=''; IFS= read -r -d '' x 2>/dev/null <${q(capture.dir)}/.tcpdump-$i.log || true; [[ $x == *'listening on'* ]] && up=$((up + 1)); done; [ $up = ${n} ] && break; sleep 0.05; done`,
  );
  L.push('sleep 0.2');
  L.push(SETTLE);
}

/**
 * Between two flows of a chain, the state a flow leaves behind that a freshly built world
 * lacks: neighbour entries (permanent ones stay, as the setup made them), cached routes and
 * next-hop exceptions (PMTU, redirects: `route flush cache` bumps both generation ids), TCP
 * metrics, what bridges learned, and conntrack entries with their NAT bindings. What this
 * misses shows as a difference, and a flow that differs in a chain is run again alone.
 */
function resetLines(
  topo: ReturnType<typeof topologyOf>,
  world: World,
  ns: (name: string) => string,
  seg: (name: string) => string,
): string[] {
  const q = (x: string): string => quote([x]);
  const L = ['', '# Clear what the flow before left in the kernel.'];
  for (const n of topo.netns) {
    const bridges = n.interfaces.filter((i) => i.kind === 'bridge').map((i) => i.name);
    L.push(
      `ip -n ${q(ns(n.name))} -force -batch - <<'LAB_RESET' >/dev/null 2>&1 || true`,
      'neigh flush all',
      'route flush cache',
      'tcp_metrics flush all',
      ...bridges.map((b) => `link set dev ${q(b)} type bridge fdb_flush`),
      'LAB_RESET',
    );
    if (tracksConnections(world, n.name))
      L.push(`ip netns exec ${q(ns(n.name))} conntrack -F >/dev/null 2>&1 || true`);
  }
  for (const g of topo.segments) L.push(`ip -n ${q(seg(g.name))} link set dev seg type bridge fdb_flush`);
  return L;
}

/** Whether a namespace has netfilter rules, so the kernel may hold conntrack entries in it. */
function tracksConnections(world: World, name: string): boolean {
  const n = world.netns.get(name);
  return !n || n.netfilter !== undefined;
}

/** Sleeps what is left until $SETTLED (microseconds since the epoch). */
const SETTLE =
  'LEFT=$(( SETTLED - ${EPOCHREALTIME/./} )); if [ $LEFT -gt 0 ]; then sleep $((LEFT / 1000000)).$(printf %06d $((LEFT % 1000000))); fi';

/**
 * The script's teardown. tcpdump writes out what it holds and exits on SIGINT: the script
 * waits for that (at most 2 s) instead of a fixed time; then every process left in the
 * namespaces is stopped and the namespaces are removed with one `ip` for all.
 */
const CLEANUP = [
  'cleanup() {',
  '  set +e',
  '  for p in "${PIDS[@]}"; do kill -INT "$p" 2>/dev/null; done',
  '  for t in $(seq 1 40); do up=0; for p in "${PIDS[@]}"; do kill -0 "$p" 2>/dev/null && up=1; done; [ $up = 0 ] && break; sleep 0.05; done',
  '  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done',
  '  left=$(for n in "${LAB_NETNS[@]}"; do ip netns pids "$n" 2>/dev/null; done)',
  '  if [ -n "$left" ]; then kill $left 2>/dev/null; fi',
  '  printf \'netns del %s\\n\' "${LAB_NETNS[@]}" | ip -force -batch - 2>/dev/null',
  // The pods' resolv.conf (ip netns exec bind-mounts /etc/netns/NAME/resolv.conf).
  '  for n in "${LAB_NETNS[@]}"; do if [ -d "/etc/netns/$n" ]; then rm -rf "/etc/netns/$n"; fi; done',
  '}',
];

/**
 * The namespaces (one per machine, one per L2 segment holding a bridge) and a veth from each
 * NIC to its segment's bridge. Each `ip` takes a batch (a process costs far more than a line
 * on a loaded machine); the NICs are still made in the scenario's order, so every
 * namespace numbers its interfaces as before.
 */
function buildNamespaces(
  s: Scenario,
  topo: ReturnType<typeof topologyOf>,
  ns: (name: string) => string,
  seg: (name: string) => string,
): string[] {
  const q = (x: string): string => quote([x]);
  const L: string[] = [];
  const names = [...topo.machines.map((m) => ns(m.name)), ...topo.segments.map((g) => seg(g.name))];
  L.push("ip -batch - <<'LAB_NETNS_ADD'", ...names.map((n) => `netns add ${q(n)}`), 'LAB_NETNS_ADD');
  L.push(`for n in ${names.map(q).join(' ')}; do quiet_ns "$n"; done`);
  // A machine's own namespace is a host's: its lo is up, as the model's is (World.createNetns).
  L.push(...topo.machines.map((m) => `ip -n ${q(ns(m.name))} link set lo up`));
  for (const g of topo.segments)
    L.push(
      `ip -n ${q(seg(g.name))} -batch - <<'LAB_SEG'`,
      'link add seg type bridge',
      'link set seg type bridge mcast_snooping 0',
      'link set seg up',
      'LAB_SEG',
    );
  const nicIndex = new Map<string, TopologyInterface>();
  for (const n of topo.netns)
    for (const i of n.interfaces) if (i.kind === 'ether' && i.segment) nicIndex.set(`${n.name}/${i.name}`, i);
  let port = 0;
  const ports = new Map<string, string[]>();
  for (const m of s.machines) {
    if (m.nics.length === 0) continue;
    L.push(`ip -n ${q(ns(m.name))} -batch - <<'LAB_NICS'`);
    for (const nic of m.nics) {
      const p = `p${++port}`;
      const mac = nicIndex.get(`${m.name}/${nic.name}`)?.mac;
      L.push(
        `link add ${q(nic.name)}${mac ? ` address ${mac}` : ''} type veth peer name ${p} netns ${q(seg(nic.segment))}`,
      );
      ports.set(nic.segment, [...(ports.get(nic.segment) ?? []), p]);
    }
    L.push('LAB_NICS');
  }
  for (const [g, ps] of ports)
    L.push(
      `ip -n ${q(seg(g))} -batch - <<'LAB_PORTS'`,
      ...ps.map((p) => `link set ${p} master seg up`),
      'LAB_PORTS',
    );
  return L;
}

/**
 * The same pin for kube-proxy's nftables mode: before each `numgen ... vmap` whose map can go
 * to the endpoint's chain (named "...__IP/PORT", an IPv6 address's colons as dots, in table
 * ip or ip6 kube-proxy), a rule that goes there directly.
 */
function nftPins(world: World, pin: string, nsq: (name: string) => string): string[] {
  const out: string[] = [];
  const endpoint = pin.replaceAll(':', '.');
  const family = pin.includes(':') ? 'ip6' : 'ip';
  for (const n of world.netns.values()) {
    const t = n.nftables?.table(family, 'kube-proxy');
    if (!t) continue;
    for (const c of t.chains.values())
      for (const r of c.rules) {
        const vmap = r.exprs.find((e) => e.op === 'vmap' && e.key?.kind === 'numgen');
        if (vmap?.op !== 'vmap' || vmap.rhs.kind !== 'map') continue;
        const to = vmap.rhs.elems
          .map((m) => m.data)
          .find((d) => 'chain' in d && d.chain.includes(`__${endpoint}/`));
        if (!to || !('chain' in to)) continue;
        // `insert ... index N` goes before the chain's Nth rule: the numgen rule's place.
        out.push(
          `ip netns exec ${nsq(n.name)} nft insert rule ${family} kube-proxy ${q(c.name)} index ${c.rules.indexOf(r)} goto ${q(to.chain)}`,
        );
      }
  }
  return out;
}

/**
 * The iptables pin: in each chain that picks one of the Service's endpoints, a rule jumping
 * to the pinned endpoint's chain, inserted before the first random choice (after the
 * masquerade mark and the session-affinity checks, which still decide first).
 */
function iptablesPins(world: World, endpoint: string, nsq: (name: string) => string): string[] {
  const out: string[] = [];
  // kube-proxy's comment names the endpoint as Endpoint.String(): "IP:port", "[IPv6]:port".
  const v6 = endpoint.includes(':');
  const any = /--comment "[^"]* -> (?:[\d.]+|\[[0-9a-f:.]+\]):\d+"/;
  const quoted = endpoint.replace(/[.[\]]/g, (c) => `\\${c}`);
  const mine = new RegExp(`--comment "[^"]* -> ${v6 ? `\\[${quoted}\\]` : quoted}:\\d+"`);
  const tool = v6 ? 'ip6tables' : 'iptables';
  for (const n of world.netns.values()) {
    const nat = (v6 ? n.ip6tables : n.iptables)?.tables.nat;
    if (!nat) continue;
    for (const c of nat.chains.values()) {
      const rows = c.rules.map((r) => formatRule('nat', c.name, r));
      const hit = c.rules.find((r, i) => mine.test(rows[i]!) && r.target?.kind === 'CHAIN');
      if (hit?.target?.kind !== 'CHAIN') continue;
      const at = rows.findIndex((r) => any.test(r) && !r.includes(' -m recent '));
      out.push(
        `ip netns exec ${nsq(n.name)} ${tool} -t nat -I ${c.name} ${Math.max(0, at) + 1} -m comment --comment "lab: pin ${endpoint}" -j ${hit.target.chain}`,
      );
    }
  }
  return out;
}
