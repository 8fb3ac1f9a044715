import type { DetectLocal, Service } from '../controllers/kube-proxy';
import type { DockerdOptions } from '../controllers/dockerd';
/**
 * Loads scenario YAML into a Scenario: YAML syntax, then the zod schema, then the checks
 * that need more than one field. Every error names the file, the line and the path, like
 * `scenarios/x.yaml:14 machines.node1.setup[3]: expected a string or {run, by, expect}`.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { parseCidr } from '../net/ipv4';
import { MAX_YAML_DEPTH, tooDeep } from './depth';
import { asEngineError } from '../util/errors';
import { normalizeMac } from '../net/mac';
import { ScenarioError } from './errors';
import {
  LISTEN_RE,
  ScenarioFileSchema,
  type KubeProxySchema,
  type Localized,
  type ScenarioFile,
} from './schema';

export const MAX_SCENARIO_BYTES = 1024 * 1024;
export const MAX_ALIAS_COUNT = 100;

export interface ScenarioNic {
  name: string;
  segment: string;
  mac?: string;
  /** "a.b.c.d/len" */
  addr?: string;
  line: number;
}

export interface SetupStep {
  run: string;
  by?: string;
  expectFail: boolean;
  /** The YAML line of this item, for errors and the setup log. */
  line: number;
}

export type ScenarioController =
  | {
      kind: 'flanneld';
      iface: string;
      subnet?: string;
      subnet6?: string;
      vtepMac6?: string;
      forwardRules: boolean;
      ipMasq: boolean;
      vtepMac?: string;
      kubeSubnetMgr: boolean;
      autostart: boolean;
      line: number;
    }
  | {
      kind: 'kube-proxy';
      mode: 'iptables' | 'ipvs' | 'nftables' | 'userspace';
      clusterCIDR?: string;
      serviceCIDR?: string;
      nodeIP?: string;
      masqueradeAll: boolean;
      detectLocal?: DetectLocal;
      nodePortAddresses: string[];
      localhostNodePorts: boolean;
      line: number;
    }
  | {
      kind: 'calico-node';
      iface: string;
      block?: string;
      block6?: string;
      routeReflector: boolean;
      networking: 'bird' | 'none';
      labels: Record<string, string>;
      pods: { name: string; namespace: string; ip?: string; ip6?: string; labels: Record<string, string> }[];
      line: number;
    }
  | {
      kind: 'cni-bridge';
      bridge: string;
      subnet: string;
      subnet6?: string;
      mtu?: number;
      hairpin?: boolean;
      pods: { name: string; ip?: string }[];
      line: number;
    }
  | ({ kind: 'dockerd'; line: number } & DockerdOptions)
  | {
      kind: 'coredns';
      pod: string;
      clusterDomain: string;
      ttl: number;
      serial: number;
      hosts: { ip: string; names: string[] }[];
      line: number;
    }
  | { kind: 'kubelet'; clusterDNS: string; clusterDomain: string; line: number };

export interface ScenarioMachine {
  name: string;
  role: string;
  title?: string;
  nics: ScenarioNic[];
  setup: SetupStep[];
  /** Controllers to start on this machine (none when absent). */
  controllers?: ScenarioController[];
  line: number;
}

export interface ScenarioSegment {
  name: string;
  title?: string;
  line: number;
}

export interface ScenarioServer {
  netns: string;
  proto: 'tcp' | 'udp';
  port: number;
  process: string;
  reply: number;
  line: number;
}

export interface ScenarioFlow {
  id: string;
  netns: string;
  command: string;
  title: Localized;
  description?: Localized;
  /** Pin the endpoint a Service's random or round-robin choice takes. */
  endpoint?: string;
  /** Commands run before the flow, after the world is built (`--exec` for this flow only). */
  before?: { netns: string; line: string }[];
  line: number;
}

export interface Correction {
  id: string;
  note: { file: string; quote: string };
  says: Localized;
  linux: Localized;
  evidence: { flow?: string; netns?: string; command?: string; output?: string };
  terms: string[];
  at?: { flow: string; netns?: string; interface?: string };
  line: number;
}

export interface Scenario {
  /** The file it was loaded from, as given (used in every error message). */
  file: string;
  version: number;
  id: string;
  group: string;
  concept: Localized;
  title: Localized;
  description: Localized;
  segments: ScenarioSegment[];
  /** Initial contents of the etcd-like store, key to value. */
  store?: Record<string, string>;
  /** Kubernetes Services kube-proxy controllers program. */
  services?: Service[];
  /** In file order. */
  machines: ScenarioMachine[];
  servers: ScenarioServer[];
  flows: ScenarioFlow[];
  /** "The notes say / Linux does". */
  corrections?: Correction[];
  /** IPv6 runs in the namespaces (otherwise they have disable_ipv6 set, as the lab checks IPv4 worlds). */
  ipv6?: boolean;
}

type PathSeg = string | number;

/** `machines.node1.setup[3]` */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else {
      const s = String(p);
      out += /^[A-Za-z0-9_-]+$/.test(s) ? (out ? `.${s}` : s) : `[${JSON.stringify(s)}]`;
    }
  }
  return out;
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  if (key === null || key === undefined) return undefined;
  return typeof key === 'object' ? undefined : String(key);
}

/** The YAML node at `path`, or the deepest ancestor that exists; `key` selects the key node of the last map pair. */
function nodeAt(doc: Document, path: readonly PropertyKey[], key = false): Node | null {
  let node: unknown = doc.contents;
  let best = (doc.contents as Node | null) ?? null;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    if (isMap(node)) {
      const pair = node.items.find((p) => keyText(p.key) === String(seg));
      if (!pair) return best;
      if (key && i === path.length - 1 && pair.key && typeof pair.key === 'object') return pair.key as Node;
      node = pair.value;
      if (!node) return (pair.key as Node | null) ?? best;
    } else if (isSeq(node) && typeof seg === 'number') {
      node = node.items[seg];
      if (!node) return best;
    } else {
      return best;
    }
    best = node as Node;
  }
  return best;
}

interface Ctx {
  file: string;
  doc: Document;
  lc: LineCounter;
}

function lineOf(ctx: Ctx, path: readonly PropertyKey[], key = false): number {
  const node = nodeAt(ctx.doc, path, key);
  const off = node?.range?.[0];
  if (off === undefined) return 1;
  return ctx.lc.linePos(off).line;
}

function fail(ctx: Ctx, path: readonly PropertyKey[], message: string, key = false): never {
  const where = formatPath(path);
  throw new ScenarioError(`${ctx.file}:${lineOf(ctx, path, key)}${where ? ` ${where}` : ''}: ${message}`);
}

/** Pick the most useful issue: inside a union, the branch whose type matched. */
function pickIssue(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    // A branch that failed only on its type at the union's own path did not match at all.
    const deeper = issue.errors.find(
      (branch) => branch.length > 0 && !(branch[0]!.code === 'invalid_type' && branch[0]!.path.length === 0),
    );
    if (deeper) {
      const inner = pickIssue(deeper[0]!);
      return { ...inner, path: [...issue.path, ...inner.path] } as z.core.$ZodIssue;
    }
  }
  return issue;
}

function issueMessage(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.length === 1
        ? `unknown key "${issue.keys[0]}"`
        : `unknown keys ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    case 'invalid_value':
      if (issue.input === undefined) return 'missing required key';
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_type':
      if (issue.input === undefined) return `missing required key (expected ${issue.expected})`;
      return issue.message.replace(/^Invalid input: /, '');
    default:
      return issue.message;
  }
}

function utf8Length(s: string, limit: number): number {
  let n = 0;
  for (let i = 0; i < s.length && n <= limit; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

function baseName(file: string): string {
  const b = file.split(/[\\/]/).pop() ?? file;
  return b.replace(/\.ya?ml$/i, '');
}

/**
 * --detect-local-mode with the flag it needs, as kube-proxy validates it at start-up
 * (it refuses to start when the mode's argument is missing).
 */
function kubeProxyDetectLocal(
  ctx: Ctx,
  path: readonly PropertyKey[],
  k: z.infer<typeof KubeProxySchema>,
): DetectLocal | undefined {
  const need = (v: string | undefined, flag: string): string =>
    v ?? fail(ctx, path, `detectLocalMode ${k.detectLocalMode} needs ${flag}`);
  switch (k.detectLocalMode) {
    case undefined:
      return undefined;
    case 'ClusterCIDR':
      return { mode: 'ClusterCIDR', cidr: need(k.clusterCIDR, 'clusterCIDR (--cluster-cidr)') };
    case 'NodeCIDR':
      return { mode: 'NodeCIDR', cidr: need(k.podCIDR, "podCIDR (the node's spec.podCIDR)") };
    case 'BridgeInterface':
      return {
        mode: 'BridgeInterface',
        bridge: need(k.bridgeInterface, 'bridgeInterface (--pod-bridge-interface)'),
      };
    case 'InterfaceNamePrefix':
      return {
        mode: 'InterfaceNamePrefix',
        prefix: need(k.interfaceNamePrefix, 'interfaceNamePrefix (--pod-interface-name-prefix)'),
      };
  }
}

/** Parse and validate scenario YAML. Throws ScenarioError naming FILE:LINE PATH. */
export function loadScenario(text: string, file: string): Scenario {
  try {
    return loadChecked(text, file);
  } catch (err) {
    // The depth check above the parser should make this unreachable; if a text still overflows the
    // stack, the learner gets the reason rather than "Maximum call stack size exceeded".
    if (err instanceof RangeError)
      throw new ScenarioError(`${file}: the YAML nests too deeply to load (${err.message})`);
    throw asEngineError(err, { scenario: file, step: 'load the scenario' });
  }
}

/** The file read and checked against the schema: its YAML document, line counter and data. */
function parseChecked(text: string, file: string): { ctx: Ctx; f: ScenarioFile } {
  if (text.length > MAX_SCENARIO_BYTES || utf8Length(text, MAX_SCENARIO_BYTES) > MAX_SCENARIO_BYTES) {
    throw new ScenarioError(`${file}: the file is larger than 1 MB`);
  }
  const deep = tooDeep(text);
  if (deep) {
    throw new ScenarioError(
      `${file}:${deep.line}:${deep.col}: the YAML nests more than ${MAX_YAML_DEPTH} levels deep; a scenario needs far fewer`,
    );
  }
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const pos = e.linePos?.[0] ?? lc.linePos(e.pos[0]);
    const msg = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new ScenarioError(`${file}:${pos.line}:${pos.col}: ${msg}`);
  }
  const ctx: Ctx = { file, doc, lc };
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    throw new ScenarioError(`${file}:1: ${err instanceof Error ? err.message : String(err)}`);
  }
  const parsed = ScenarioFileSchema.safeParse(raw ?? {}, { reportInput: true });
  if (!parsed.success) {
    const issue = pickIssue(parsed.error.issues[0]!);
    if (issue.code === 'unrecognized_keys')
      fail(ctx, [...issue.path, issue.keys[0]!], issueMessage(issue), true);
    fail(ctx, issue.path, issueMessage(issue));
  }
  const f = parsed.data;

  if (/\.ya?ml$/i.test(file) && baseName(file) !== f.id) {
    fail(ctx, ['id'], `the id "${f.id}" must equal the file's base name "${baseName(file)}"`);
  }

  return { ctx, f: parsed.data };
}

function loadChecked(text: string, file: string): Scenario {
  const { ctx, f } = parseChecked(text, file);
  const doc = ctx.doc;
  // Map order as written (an object would move integer-like keys first).
  const orderOf = (key: string): string[] => {
    const m = doc.get(key, true);
    return isMap(m) ? m.items.map((p) => keyText(p.key) ?? '') : [];
  };

  const segments: ScenarioSegment[] = orderOf('segments').map((name) => {
    const title = f.segments[name]?.title;
    return { name, ...(title !== undefined ? { title } : {}), line: lineOf(ctx, ['segments', name], true) };
  });
  const segNames = new Set(segments.map((s) => s.name));

  const machines: ScenarioMachine[] = orderOf('machines').map((name) =>
    loadMachine(ctx, name, f.machines[name]!, segNames),
  );
  for (const s of segments) {
    if (machines.some((m) => m.name === s.name))
      fail(ctx, ['segments', s.name], `"${s.name}" is also a machine name`, true);
  }

  const servers: ScenarioServer[] = f.servers.map((s, i) => {
    const m = LISTEN_RE.exec(s.listen)!;
    return {
      netns: s.netns,
      proto: m[1] as 'tcp' | 'udp',
      port: Number(m[2]),
      process: s.process,
      reply: s.reply,
      line: lineOf(ctx, ['servers', i]),
    };
  });

  const flowIds = new Map<string, number>();
  const flows: ScenarioFlow[] = f.flows.map((fl, i) => {
    const first = flowIds.get(fl.id);
    if (first !== undefined)
      fail(ctx, ['flows', i, 'id'], `duplicate flow id "${fl.id}" (first at flows[${first}])`);
    flowIds.set(fl.id, i);
    return {
      id: fl.id,
      netns: fl.netns,
      command: fl.command,
      title: fl.title,
      ...(fl.description ? { description: fl.description } : {}),
      ...(fl.endpoint ? { endpoint: fl.endpoint } : {}),
      ...(fl.before
        ? {
            before: fl.before.map((b) => {
              const k = b.indexOf(':');
              return { netns: b.slice(0, k).trim(), line: b.slice(k + 1).trim() };
            }),
          }
        : {}),
      line: lineOf(ctx, ['flows', i]),
    };
  });

  const corrections = loadCorrections(ctx, f, flowIds);

  return {
    file,
    version: f.version,
    id: f.id,
    group: f.group,
    concept: f.concept,
    title: f.title,
    description: f.description,
    segments,
    store: f.store,
    services: f.services,
    machines,
    servers,
    flows,
    corrections,
    ...(f.ipv6 ? { ipv6: true } : {}),
  };
}

type FileMachine = ScenarioFile['machines'][string];
type FileController = FileMachine['controllers'][number];

/** One machine: its NICs (cabled to known segments), setup commands and controllers. */
function loadMachine(ctx: Ctx, name: string, m: FileMachine, segNames: Set<string>): ScenarioMachine {
  const seen = new Set<string>();
  const nics = m.nics.map((n, i): ScenarioNic => {
    const path: PathSeg[] = ['machines', name, 'nics', i];
    if (seen.has(n.name)) fail(ctx, [...path, 'name'], `duplicate nic "${n.name}"`);
    seen.add(n.name);
    if (n.name === 'lo') fail(ctx, [...path, 'name'], 'lo exists in every netns; it is not a NIC');
    if (!segNames.has(n.segment)) {
      const known = [...segNames].join(', ') || '(none)';
      fail(ctx, [...path, 'segment'], `no segment "${n.segment}"; segments: ${known}`);
    }
    const nic: ScenarioNic = { name: n.name, segment: n.segment, line: lineOf(ctx, path) };
    if (n.mac !== undefined) nic.mac = normalizeMac(n.mac)!;
    if (n.addr !== undefined) {
      const c = parseCidr(n.addr)!;
      nic.addr = n.addr.includes('/') ? n.addr : `${n.addr}/${c.len}`;
    }
    return nic;
  });
  const setup = m.setup.map((item, i): SetupStep => {
    const line = lineOf(ctx, ['machines', name, 'setup', i]);
    if (typeof item === 'string') return { run: item, expectFail: false, line };
    return {
      run: item.run,
      ...(item.by !== undefined ? { by: item.by } : {}),
      expectFail: item.expect === 'fail',
      line,
    };
  });
  const controllers = m.controllers.map((c, i) =>
    loadController(ctx, ['machines', name, 'controllers', i], c),
  );
  return {
    name,
    role: m.role,
    ...(m.title !== undefined ? { title: m.title } : {}),
    nics,
    setup,
    controllers,
    line: lineOf(ctx, ['machines', name], true),
  };
}

/** A controller entry, as the builder takes it (defaults filled, MACs normalized, line numbers). */
function loadController(ctx: Ctx, at: PathSeg[], c: FileController): ScenarioController {
  if ('kube-proxy' in c) {
    const k = c['kube-proxy'];
    const detectLocal = kubeProxyDetectLocal(ctx, [...at, 'kube-proxy'], k);
    return {
      kind: 'kube-proxy',
      mode: k.mode,
      ...(k.clusterCIDR !== undefined ? { clusterCIDR: k.clusterCIDR } : {}),
      ...(k.serviceCIDR !== undefined ? { serviceCIDR: k.serviceCIDR } : {}),
      ...(k.nodeIP !== undefined ? { nodeIP: k.nodeIP } : {}),
      masqueradeAll: k.masqueradeAll,
      ...(detectLocal ? { detectLocal } : {}),
      nodePortAddresses: k.nodePortAddresses,
      localhostNodePorts: k.localhostNodePorts,
      line: lineOf(ctx, at),
    };
  }
  if ('calico-node' in c) {
    const k = c['calico-node'];
    return {
      kind: 'calico-node',
      iface: k.iface,
      ...(k.block !== undefined ? { block: k.block } : {}),
      ...(k.block6 !== undefined ? { block6: k.block6 } : {}),
      routeReflector: k.routeReflector,
      networking: k.networking,
      labels: k.labels,
      pods: k.pods.map((p) => (typeof p === 'string' ? { name: p, namespace: 'default', labels: {} } : p)),
      line: lineOf(ctx, at),
    };
  }
  if ('dockerd' in c) {
    const d = c.dockerd;
    return {
      kind: 'dockerd',
      bridge: d.bridge,
      bip: d.bip,
      ...(d.mac !== undefined ? { mac: normalizeMac(d.mac)! } : {}),
      networks: d.networks.map(({ name, subnet, vni, netns }) => ({
        name,
        subnet,
        vni,
        ...(netns !== undefined ? { netns } : {}),
      })),
      ...(d.advertise !== undefined ? { advertise: d.advertise } : {}),
      ...(d.fixedCidrV6 !== undefined ? { fixedCidrV6: d.fixedCidrV6 } : {}),
      containers: d.containers,
      line: lineOf(ctx, at),
    };
  }
  if ('coredns' in c) return { kind: 'coredns', ...c.coredns, line: lineOf(ctx, at) };
  if ('kubelet' in c) return { kind: 'kubelet', ...c.kubelet, line: lineOf(ctx, at) };
  if ('cni-bridge' in c) {
    const b = c['cni-bridge'];
    return {
      kind: 'cni-bridge',
      bridge: b.bridge,
      subnet: b.subnet,
      ...(b.subnet6 !== undefined ? { subnet6: b.subnet6 } : {}),
      ...(b.mtu !== undefined ? { mtu: b.mtu } : {}),
      hairpin: b.hairpin,
      pods: b.pods.map((p) => (typeof p === 'string' ? { name: p } : p)),
      line: lineOf(ctx, at),
    };
  }
  const f = c.flanneld;
  return {
    kind: 'flanneld',
    iface: f.iface,
    ...(f.subnet !== undefined ? { subnet: f.subnet } : {}),
    forwardRules: f.forwardRules,
    ipMasq: f.ipMasq,
    ...(f.vtepMac !== undefined ? { vtepMac: normalizeMac(f.vtepMac)! } : {}),
    ...(f.subnet6 !== undefined ? { subnet6: f.subnet6 } : {}),
    ...(f.vtepMac6 !== undefined ? { vtepMac6: normalizeMac(f.vtepMac6)! } : {}),
    kubeSubnetMgr: f.kubeSubnetMgr,
    autostart: f.autostart,
    line: lineOf(ctx, at),
  };
}

/** Corrections, each naming flows that exist. */
function loadCorrections(ctx: Ctx, f: ScenarioFile, flowIds: Map<string, number>): Correction[] {
  return f.corrections.map((c, i) => {
    for (const [where, id] of [
      ['evidence', c.evidence.flow],
      ['at', c.at?.flow],
    ] as const)
      if (id !== undefined && !flowIds.has(id))
        fail(
          ctx,
          ['corrections', i, where, 'flow'],
          `no flow "${id}"; flows: ${[...flowIds.keys()].join(', ')}`,
        );
    return {
      id: c.id,
      note: c.note,
      says: c.says,
      linux: c.linux,
      evidence: c.evidence,
      terms: c.terms,
      ...(c.at ? { at: c.at } : {}),
      line: lineOf(ctx, ['corrections', i]),
    };
  });
}
