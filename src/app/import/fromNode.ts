/**
 * Import from real nodes: the JSON of `ip -j -d link`, `ip -j addr`, `ip -j route`, `ip -j neigh`,
 * `bridge -j fdb show` and the text of `iptables-save` (and optionally `sysctl net.ipv4.ip_forward`),
 * one block per node (`### node: NAME`), optionally split per network namespace (`### netns: NAME`)
 * and per command (`### ip -j addr`, ...; without these headers each part is recognised by its shape).
 * The result is scenario YAML whose machines run the commands that recreate those interfaces,
 * addresses, routes, permanent neighbours, FDB entries and iptables rules. Pure TypeScript: no DOM.
 */
import { stringify } from 'yaml';
import { UserError } from '../../engine';

/** Most bytes an import may have. */
export const MAX_IMPORT_BYTES = 1024 * 1024;
const MAX_NODES = 64;
const MAX_ITEMS = 5000;

/*
 * The host, each `ip netns` namespace, then each Docker container's: Docker keeps those under
 * /var/run/docker/netns (not /var/run/netns), so `ip netns` does not list them; nsenter enters
 * them by file. A namespace is dumped once however many names it has (compared by its inode in
 * /proc/self/ns/net: Docker's "default" file is the host's own, and some hosts link Docker's into
 * /var/run/netns). A container's netns is named after the container whose SandboxKey it is.
 */
export const COLLECT_SCRIPT = `{ dump() {
    echo "### ip -j -d link";      "$@" ip -j -d link
    echo "### ip -j addr";         "$@" ip -j addr
    echo "### ip -j route";        "$@" ip -j route
    echo "### ip -j neigh";        "$@" ip -j neigh
    echo "### bridge -j fdb show"; "$@" bridge -j fdb show
    echo "### iptables-save";      "$@" iptables-save
    echo "### sysctl";             "$@" sysctl net.ipv4.ip_forward
  }
  once() { [ -n "$1" ] || return 1; case "$seen" in *" $1 "*) return 1;; esac; seen="$seen$1 "; }
  echo "### node: $(hostname)"; dump; seen=" $(readlink /proc/self/ns/net) "
  for ns in $(ip netns list | cut -d' ' -f1); do
    once "$(ip netns exec "$ns" readlink /proc/self/ns/net)" || continue
    echo "### netns: $ns"; dump ip netns exec "$ns"
  done
  for f in /var/run/docker/netns/*; do
    [ -e "$f" ] && once "$(nsenter --net="$f" readlink /proc/self/ns/net)" || continue
    name=$(docker ps -q 2>/dev/null | xargs -r docker inspect -f '{{.NetworkSettings.SandboxKey}} {{.Name}}' 2>/dev/null |
      awk -v k="$f" '$1 == k { sub("^/", "", $2); print $2; exit }')
    echo "### netns: \${name:-docker-\${f##*/}}"; dump nsenter --net="$f"
  done
} > "$(hostname).txt"`;

type Json = Record<string, unknown>;
type Part = 'link' | 'addr' | 'route' | 'neigh' | 'fdb' | 'iptables' | 'sysctl';

interface NsData {
  name: string | null;
  link: Json[];
  addr: Json[];
  route: Json[];
  neigh: Json[];
  fdb: Json[];
  iptables: string;
  sysctl: string;
}

interface NodeData {
  name: string;
  namespaces: NsData[];
}

export interface ImportResult {
  yaml: string;
  warnings: string[];
}

export class ImportError extends UserError {
  constructor(message: string) {
    super('import', message);
    this.name = 'ImportError';
  }
}

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._@-]*$/;
const IFNAME_RE = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,14}$/;
const IPV4_RE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const CIDR_RE = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(\/\d{1,2})?$/;
const MAC_RE = /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/;

/** A machine or netns name the scenario accepts (anything else becomes dashes). */
export function safeName(raw: string, fallback: string): string {
  const s = raw
    .trim()
    .replace(/[^A-Za-z0-9._@-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 63);
  return s && NAME_RE.test(s) ? s : fallback;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const isIpv4 = (s: string | undefined): s is string =>
  !!s && IPV4_RE.test(s) && s.split('.').every((o) => Number(o) <= 255);

function classify(items: Json[]): Part | null {
  const first = items[0];
  if (!first) return null;
  if ('addr_info' in first) return 'addr';
  if ('ifname' in first && ('link_type' in first || 'flags' in first) && !('mac' in first)) return 'link';
  if ('mac' in first && ('ifname' in first || 'dev' in first)) return 'fdb';
  if (
    'dst' in first &&
    ('lladdr' in first || 'state' in first) &&
    !('protocol' in first || 'gateway' in first)
  )
    return 'neigh';
  if ('dst' in first) return 'route';
  return null;
}

function partOfHeader(h: string): Part | null {
  const t = h.toLowerCase();
  if (t.includes('iptables')) return 'iptables';
  if (t.includes('sysctl')) return 'sysctl';
  if (t.includes('fdb')) return 'fdb';
  if (/\bneigh/.test(t) || t.includes('arp')) return 'neigh';
  if (/\broute/.test(t)) return 'route';
  if (/\baddr/.test(t)) return 'addr';
  if (/\blink/.test(t)) return 'link';
  return null;
}

function emptyNs(name: string | null): NsData {
  return { name, link: [], addr: [], route: [], neigh: [], fdb: [], iptables: '', sysctl: '' };
}

function parseJsonArray(text: string, where: string): Json[] {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new ImportError(`${where}: not valid JSON (paste the output of the command as printed)`);
  }
  if (!Array.isArray(v)) throw new ImportError(`${where}: expected a JSON array`);
  if (v.length > MAX_ITEMS) throw new ImportError(`${where}: more than ${MAX_ITEMS} entries`);
  return v.filter((x): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x));
}

/**
 * A netns name not yet used on the node: two namespaces may arrive under one name (a container
 * named like an `ip netns` one, once they are safe names); the later one gets a -2, -3... suffix.
 */
function uniqueNetns(node: NodeData, name: string): string {
  const taken = (n: string) => node.namespaces.some((ns) => ns.name === n);
  let out = name;
  for (let k = 2; taken(out); k++) out = `${name.slice(0, 58)}-${k}`;
  return out;
}

/**
 * Files one command's output (`body`, from `startLine`) in its netns: under its command header, or,
 * without one, recognised line by line (one JSON array per line, as ip -j prints, or iptables-save text).
 */
function addOutput(
  node: NodeData | null,
  ns: NsData | null,
  part: Part | null,
  body: string,
  startLine: number,
) {
  if (!node || !ns) throw new ImportError(`line ${startLine}: output before the first "### node: NAME" line`);
  const where = `node ${node.name}${ns.name ? ` netns ${ns.name}` : ''}, line ${startLine}`;
  if (part === 'iptables' || part === 'sysctl') {
    ns[part] += `${body}\n`;
    return;
  }
  const chunks = part ? [body] : body.split('\n').filter((l) => l.trim());
  const texts: string[] = [];
  for (const c of chunks) {
    const t = c.trim();
    if (t.startsWith('[')) {
      const items = parseJsonArray(t, where);
      const kind = part ?? classify(items);
      if (kind === null) {
        if (items.length) throw new ImportError(`${where}: cannot tell which command printed this JSON`);
        continue;
      }
      if (kind !== 'iptables' && kind !== 'sysctl') ns[kind].push(...items);
    } else if (/^net\.ipv4\./.test(t)) ns.sysctl += `${t}\n`;
    else texts.push(t);
  }
  if (texts.length) ns.iptables += `${texts.join('\n')}\n`;
}

/** Splits the pasted text into nodes, namespaces and command outputs. */
export function parseBlocks(text: string): NodeData[] {
  if (text.length > MAX_IMPORT_BYTES) {
    throw new ImportError(`the text is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB`);
  }
  const nodes: NodeData[] = [];
  let node: NodeData | null = null;
  let ns: NsData | null = null;
  let part: Part | null = null;
  let buf: string[] = [];
  let lineNo = 0;
  let startLine = 0;

  const flush = () => {
    const body = buf.join('\n').trim();
    buf = [];
    if (body) addOutput(node, ns, part, body, startLine);
  };

  for (const raw of text.split(/\r?\n/)) {
    lineNo++;
    const line = raw.replace(/\s+$/, '');
    const h = /^###\s*(node|netns)\s*:\s*(.*)$/i.exec(line);
    if (h) {
      flush();
      if (h[1]!.toLowerCase() === 'node') {
        if (nodes.length >= MAX_NODES) throw new ImportError(`more than ${MAX_NODES} nodes`);
        const name = safeName(h[2]!, `node${nodes.length + 1}`);
        if (nodes.some((n) => n.name === name))
          throw new ImportError(`line ${lineNo}: node "${name}" appears twice`);
        node = { name, namespaces: [emptyNs(null)] };
        nodes.push(node);
        ns = node.namespaces[0]!;
      } else {
        if (!node)
          throw new ImportError(`line ${lineNo}: "### netns:" before the first "### node: NAME" line`);
        ns = emptyNs(uniqueNetns(node, safeName(h[2]!, `ns${node.namespaces.length}`)));
        node.namespaces.push(ns);
      }
      part = null;
      startLine = lineNo + 1;
      continue;
    }
    const c = /^###\s*(.+)$/.exec(line);
    if (c) {
      flush();
      part = partOfHeader(c[1]!);
      startLine = lineNo + 1;
      continue;
    }
    if (buf.length === 0) startLine = lineNo;
    buf.push(line);
  }
  flush();
  if (nodes.length === 0)
    throw new ImportError('no "### node: NAME" line: start each node\'s block with one');
  return nodes;
}

// --- commands ---------------------------------------------------------------------------------------------------

interface Iface {
  ifindex: number;
  name: string;
  kind: string;
  linkType: string;
  mac?: string;
  mtu?: number;
  up: boolean;
  master?: string;
  linkIndex?: number;
  linkName?: string;
  linkNetnsid?: number;
  info: Json;
}

function ifacesOf(ns: NsData, warn: (s: string) => void): Iface[] {
  // `ip -j -d link` has the kinds; `ip -j addr` has the same entries without them: merge by ifindex.
  const byIndex = new Map<number, Json>();
  for (const j of [...ns.addr, ...ns.link]) {
    const i = num(j.ifindex);
    if (i === undefined) continue;
    byIndex.set(i, { ...byIndex.get(i), ...j });
  }
  const out: Iface[] = [];
  for (const [ifindex, j] of [...byIndex].sort((a, b) => a[0] - b[0])) {
    const name = str(j.ifname) ?? '';
    if (!IFNAME_RE.test(name)) {
      warn(`interface "${name.slice(0, 40)}" skipped: not a valid interface name`);
      continue;
    }
    const linkinfo = (j.linkinfo ?? {}) as Json;
    const flags = Array.isArray(j.flags) ? j.flags : [];
    const mac = str(j.address);
    out.push({
      ifindex,
      name,
      kind: str(linkinfo.info_kind) ?? (j.link_type === 'loopback' ? 'loopback' : 'physical'),
      linkType: str(j.link_type) ?? 'ether',
      mac: mac && MAC_RE.test(mac) ? mac.toLowerCase() : undefined,
      mtu: num(j.mtu),
      up: flags.includes('UP') || j.operstate === 'UP',
      master: str(j.master),
      linkIndex: num(j.link_index),
      linkName: str(j.link),
      linkNetnsid: num(j.link_netnsid),
      info: (linkinfo.info_data ?? {}) as Json,
    });
  }
  return out;
}

function nsPrefix(ns: NsData): string {
  return ns.name ? `ip netns exec ${ns.name} ` : '';
}

const DEFAULT_MTU: Record<string, number> = { vxlan: 1450, ipip: 1480 };

function ipv4Addrs(ns: NsData, ifname: string): string[] {
  const out: string[] = [];
  for (const j of ns.addr) {
    if (j.ifname !== ifname || !Array.isArray(j.addr_info)) continue;
    for (const a of j.addr_info as Json[]) {
      const local = str(a.local);
      const len = num(a.prefixlen);
      if (a.family === 'inet' && isIpv4(local) && len !== undefined && len >= 0 && len <= 32) {
        out.push(`${local}/${len}`);
      }
    }
  }
  return out;
}

function routeCommands(ns: NsData, known: Set<string>, warn: (s: string) => void): string[] {
  const out: string[] = [];
  for (const r of ns.route) {
    const dst = str(r.dst);
    const dev = str(r.dev);
    const gw = str(r.gateway);
    const proto = str(r.protocol);
    const type = str(r.type);
    if (!dst || (dst !== 'default' && !CIDR_RE.test(dst))) continue;
    if (proto === 'kernel') continue; // written by the kernel when the address was added
    if (type && type !== 'unicast') {
      if (type === 'blackhole' || type === 'unreachable' || type === 'prohibit')
        out.push(`ip route add ${type} ${dst}`);
      continue;
    }
    if (dev && !known.has(dev)) {
      warn(`route ${dst} via dev ${dev} skipped: no such interface`);
      continue;
    }
    const flags = Array.isArray(r.flags) ? r.flags : [];
    const parts = ['ip route add', dst];
    if (gw) {
      if (!isIpv4(gw)) continue;
      parts.push('via', gw);
    }
    if (dev) parts.push('dev', dev);
    if (flags.includes('onlink')) parts.push('onlink');
    const metric = num(r.metric);
    if (metric) parts.push('metric', String(metric));
    out.push(parts.join(' '));
  }
  return out;
}

function neighCommands(ns: NsData, known: Set<string>): string[] {
  const out: string[] = [];
  for (const n of ns.neigh) {
    const state = Array.isArray(n.state) ? n.state : [];
    const dst = str(n.dst);
    const dev = str(n.dev);
    const ll = str(n.lladdr);
    // Only what someone wrote: learned entries (REACHABLE, STALE, ...) are ARP's to relearn.
    if (!state.includes('PERMANENT') || !isIpv4(dst) || !dev || !known.has(dev) || !ll || !MAC_RE.test(ll))
      continue;
    out.push(`ip neigh add ${dst} lladdr ${ll.toLowerCase()} dev ${dev} nud permanent`);
  }
  return out;
}

function fdbCommands(ns: NsData, ifaces: Iface[]): string[] {
  const out: string[] = [];
  const kinds = new Map(ifaces.map((i) => [i.name, i.kind]));
  for (const f of ns.fdb) {
    const mac = str(f.mac);
    const dev = str(f.ifname) ?? str(f.dev);
    const dst = str(f.dst);
    const state = str(f.state) ?? '';
    if (!mac || !MAC_RE.test(mac) || !dev || !kinds.has(dev)) continue;
    if (kinds.get(dev) === 'vxlan' && isIpv4(dst)) {
      out.push(`bridge fdb append ${mac.toLowerCase()} dev ${dev} dst ${dst}`);
    } else if (state === 'static' && str(f.master)) {
      out.push(`bridge fdb add ${mac.toLowerCase()} dev ${dev} master static`);
    }
    // Learned entries and the bridge's own permanent ones come back by themselves.
  }
  return out;
}

/** iptables-save as individual iptables commands: chains first, then every rule in order, then policies. */
export function iptablesCommands(text: string, warn: (s: string) => void): string[] {
  const out: string[] = [];
  const policies: string[] = [];
  let table: string | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    if (line.startsWith('*')) {
      table = line.slice(1).trim();
      if (!/^(filter|nat|mangle|raw)$/.test(table)) {
        warn(`iptables table "${table.slice(0, 20)}" skipped`);
        table = null;
      }
      continue;
    }
    if (line === 'COMMIT') {
      out.push(...policies.splice(0));
      table = null;
      continue;
    }
    if (!table) continue;
    const t = table === 'filter' ? '' : `-t ${table} `;
    const chain = /^:(\S+)\s+(\S+)/.exec(line);
    if (chain) {
      const [, name, policy] = chain;
      if (policy === '-') out.push(`iptables ${t}-N ${name}`);
      else if (policy !== 'ACCEPT') policies.push(`iptables ${t}-P ${name} ${policy}`);
      continue;
    }
    if (/^-[AI]\s/.test(line)) {
      out.push(`iptables ${t}${line}`);
      continue;
    }
    warn(`iptables-save line skipped: ${line.slice(0, 60)}`);
  }
  out.push(...policies);
  return out;
}

interface MachineOut {
  nics: { name: string; segment: string; mac?: string }[];
  setup: string[];
}

type NsIfaces = { ns: NsData; ifaces: Iface[] }[];

/**
 * The commands that make the node's veth pairs: a pair is found by each end pointing at the other
 * (link_index, in this netns or another via link_netnsid) and made once; an end whose peer was not
 * pasted gets a stand-in peer, left down.
 */
function vethCommands(node: NodeData, nsIfaces: NsIfaces, warn: (s: string) => void): string[] {
  const create: string[] = [];
  const created = new Set<string>(); // "ns\0ifname"
  const key = (ns: NsData, name: string) => `${ns.name ?? ''}\u0000${name}`;
  for (const { ns, ifaces } of nsIfaces) {
    for (const i of ifaces) {
      if (i.kind !== 'veth' || created.has(key(ns, i.name))) continue;
      const peer = nsIfaces
        .flatMap(({ ns: pns, ifaces: pifs }) => pifs.map((p) => ({ pns, p })))
        .find(
          ({ pns, p }) =>
            p.kind === 'veth' &&
            !(pns === ns && p.name === i.name) &&
            !created.has(key(pns, p.name)) &&
            ((i.linkIndex !== undefined && p.ifindex === i.linkIndex && p.linkIndex === i.ifindex) ||
              (pns === ns && i.linkName === p.name)),
        );
      if (peer) {
        // Each end is made in its own netns: a container's eth0 never passes through the host,
        // which has an eth0 of its own (so do all the other containers). The host's end, if any, adds.
        const hostAdds = ns.name !== null && peer.pns.name === null;
        const [a, b] = hostAdds ? [peer.pns, ns] : [ns, peer.pns];
        const [aName, bName] = hostAdds ? [peer.p.name, i.name] : [i.name, peer.p.name];
        const there = b !== a && b.name ? ` netns ${b.name}` : '';
        create.push(`${nsPrefix(a)}ip link add ${aName} type veth peer name ${bName}${there}`);
        created.add(key(peer.pns, peer.p.name));
      } else {
        const other = `${i.name.slice(0, 12)}-p`;
        warn(
          `${node.name}: the other end of veth ${i.name} was not pasted (paste its netns with "### netns: NAME"); it is created as ${other}, left down`,
        );
        create.push(`${nsPrefix(ns)}ip link add ${i.name} type veth peer name ${other}`);
      }
      created.add(key(ns, i.name));
    }
  }
  return create;
}

/** What a node becomes, gathered in the order its setup runs them: create, then configure, then the rest. */
interface NodeBuild {
  nics: MachineOut['nics'];
  create: string[];
  config: string[];
  later: string[];
  addrs: string[];
}

/**
 * The command that creates one interface of a kind the import knows (a physical one becomes a NIC);
 * false when it is skipped (said in a warning). A veth was made with its pair already.
 */
function createIface(
  node: NodeData,
  ns: NsData,
  i: Iface,
  ifaces: Iface[],
  known: Set<string>,
  out: NodeBuild,
  warn: (s: string) => void,
): boolean {
  const x = nsPrefix(ns);
  if (i.kind === 'physical') {
    if (ns.name) {
      warn(`${node.name}: ${i.name} in netns ${ns.name} has no kind (add -d to ip link); skipped`);
      return false;
    }
    out.nics.push({ name: i.name, segment: 'lan', ...(i.mac ? { mac: i.mac } : {}) });
  } else if (i.kind === 'bridge') {
    out.create.push(`${x}ip link add ${i.name} type bridge`);
  } else if (i.kind === 'dummy') {
    out.create.push(`${x}ip link add ${i.name} type dummy`);
  } else if (i.kind === 'vxlan') {
    const id = num(i.info.id);
    if (id === undefined) {
      warn(`${node.name}: vxlan ${i.name} has no id (collect with ip -j -d link); skipped`);
      return false;
    }
    const parts = [`${x}ip link add ${i.name} type vxlan id ${id}`];
    const local = str(i.info.local);
    if (isIpv4(local)) parts.push(`local ${local}`);
    const dev = str(i.info.link) ?? ifaces.find((d) => d.ifindex === num(i.info.link))?.name;
    if (dev && known.has(dev)) parts.push(`dev ${dev}`);
    const port = num(i.info.port);
    if (port !== undefined) parts.push(`dstport ${port}`);
    if (i.info.learning === false) parts.push('nolearning');
    out.create.push(parts.join(' '));
  } else if (i.kind !== 'veth') {
    warn(`${node.name}: ${i.name} of kind ${i.kind} is not imported`);
    return false;
  }
  return true;
}

/** One netns of a node: its interfaces (made, configured, enslaved, up), forwarding, routes and rules. */
function convertNs(node: NodeData, ns: NsData, ifaces: Iface[], out: NodeBuild, warn: (s: string) => void) {
  const x = nsPrefix(ns);
  const known = new Set(ifaces.map((i) => i.name));
  for (const i of ifaces) {
    if (i.kind === 'loopback') continue;
    if (!createIface(node, ns, i, ifaces, known, out, warn)) continue;
    if (i.kind !== 'physical') {
      if (i.mac && i.kind !== 'bridge') out.config.push(`${x}ip link set ${i.name} address ${i.mac}`);
    }
    if (i.mtu !== undefined && i.mtu !== (DEFAULT_MTU[i.kind] ?? 1500)) {
      out.config.push(`${x}ip link set ${i.name} mtu ${i.mtu}`);
    }
    if (i.master && known.has(i.master)) out.later.push(`${x}ip link set ${i.name} master ${i.master}`);
    for (const a of ipv4Addrs(ns, i.name)) {
      out.config.push(`${x}ip addr add ${a} dev ${i.name}`);
      out.addrs.push(a.split('/')[0]!);
    }
    if (i.up) out.later.push(`${x}ip link set ${i.name} up`);
  }
  const fwd = /net\.ipv4\.ip_forward\s*=\s*([01])/.exec(ns.sysctl);
  if (fwd) out.later.push(`${x}sysctl -w net.ipv4.ip_forward=${fwd[1]}`);
  const rest = [
    ...routeCommands(ns, known, (s) => warn(`${node.name}: ${s}`)),
    ...neighCommands(ns, known),
    ...fdbCommands(ns, ifaces),
    ...iptablesCommands(ns.iptables, (s) => warn(`${node.name}: ${s}`)),
  ].map((c) => `${x}${c}`);
  out.later.push(...rest);
}

function convertNode(
  node: NodeData,
  warn: (s: string) => void,
): { machine: MachineOut; addrs: string[]; netns: string[] } {
  const nsIfaces = node.namespaces.map((ns) => ({
    ns,
    ifaces: ifacesOf(ns, (s) => warn(`${node.name}: ${s}`)),
  }));
  const out: NodeBuild = { nics: [], create: [], config: [], later: [], addrs: [] };
  for (const { ns } of nsIfaces) if (ns.name) out.create.push(`ip netns add ${ns.name}`);
  out.create.push(...vethCommands(node, nsIfaces, warn));
  const netns: string[] = [];
  for (const { ns, ifaces } of nsIfaces) {
    convertNs(node, ns, ifaces, out, warn);
    if (ns.name) netns.push(ns.name);
  }
  return {
    machine: { nics: out.nics, setup: [...out.create, ...out.config, ...out.later] },
    addrs: out.addrs,
    netns,
  };
}

/** The scenario YAML for the pasted blocks. Throws ImportError with a clear message. */
export function fromNode(text: string, opts: { id?: string } = {}): ImportResult {
  const warnings: string[] = [];
  const warn = (s: string) => {
    if (warnings.length < 200) warnings.push(s);
  };
  const nodes = parseBlocks(text);
  const machines: Record<string, MachineOut> = {};
  const addrs = new Map<string, string[]>();
  const netnsOf = new Map<string, string[]>();
  let hasNics = false;
  for (const node of nodes) {
    const r = convertNode(node, warn);
    // A machine without NICs (only its name was pasted) is valid: it has lo and whatever its setup makes.
    if (r.machine.nics.length) hasNics = true;
    else warn(`${node.name}: no NICs in ip -j -d link: the machine is not cabled to the others`);
    machines[node.name] = {
      ...(r.machine.nics.length ? { nics: r.machine.nics } : {}),
      setup: r.machine.setup,
    } as MachineOut;
    addrs.set(node.name, r.addrs);
    netnsOf.set(node.name, r.netns);
  }
  // A first flow to start from: the first node (or its first netns) pings an address of another node.
  const first = nodes[0]!.name;
  const from = netnsOf.get(first)?.[0] ?? first;
  const target =
    nodes.slice(1).flatMap((n) => addrs.get(n.name) ?? [])[0] ??
    addrs.get(first)?.find((a) => !a.startsWith('127.'));
  const flows = target
    ? [
        {
          id: 'imported-ping',
          netns: from,
          command: `ping -c 1 ${target}`,
          title: { en: `${from} pings ${target}`, zh: `${from} ping ${target}` },
        },
      ]
    : [];
  if (!target) warn('no IPv4 address found: add a flow by hand');
  const doc = {
    version: 1,
    id: opts.id ?? 'imported',
    group: 'Basics',
    concept: {
      en: 'Your own nodes, rebuilt from what they print.',
      zh: '用你自己的节点输出重建的网络。',
    },
    title: {
      en: `Imported: ${nodes.map((n) => n.name).join(', ')}`,
      zh: `导入：${nodes.map((n) => n.name).join('、')}`,
    },
    description: {
      en: 'Converted from ip -j, bridge -j and iptables-save output pasted into Packet Journey.',
      zh: '由粘贴到 Packet Journey 的 ip -j、bridge -j 和 iptables-save 输出转换而来。',
    },
    ...(hasNics ? { segments: { lan: { title: 'the nodes\u2019 network' } } } : {}),
    machines,
    flows,
  };
  return { yaml: stringify(doc, { lineWidth: 0 }), warnings };
}
