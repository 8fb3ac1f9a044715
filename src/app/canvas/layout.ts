/**
 * Pure geometry of the canvas: the Trace topology as a nested ELK graph (machines contain
 * namespaces contain interfaces; bridges contain their ports), the ELK result as absolute
 * boxes, the cables drawn between them and the path the marker follows between two places.
 * No DOM here; elkjs itself is loaded lazily by ./elk.ts.
 */
import type { ElkExtendedEdge, ElkNode, LayoutOptions } from 'elkjs/lib/elk-api';
import type { Topology, TopologyInterface } from '../../engine/kernel/trace';
import { arrange, type ArrangeMachine, type Arrangement } from './arrange';
import type { SummaryBox } from './lod';
import { allWordings, ifaceTags, roleLabel } from './words';

export interface Point {
  x: number;
  y: number;
}
export interface Box {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
}
export interface MachineBox extends Box {
  name: string;
  role: string | null;
  title: string;
}
export interface NetnsBox extends Box {
  name: string;
  machine: string;
  root: boolean;
}
export interface IfaceBox extends Box {
  netns: string;
  name: string;
  kind: string;
  addrs: string[];
  up: boolean;
  /** Drawn as a switch box containing its ports. */
  bridge: boolean;
  master: string | null;
}
/** A segment: its bounding box, drawn as one bar per row of machines it reaches, joined by a trunk. */
export interface SegmentBox extends Box {
  name: string;
  title: string;
  bars: Box[];
  trunk: Box | null;
}
export interface Cable {
  id: string;
  kind: 'veth' | 'ether';
  from: string;
  to: string;
  /** Polyline of the drawn cable, from `from` to `to`. */
  points: Point[];
}
export interface CanvasLayout {
  /** Changes with anything that changes the drawing: the topology and the arrangement of rows. */
  key: string;
  /** The topology's key alone (see topologyKey). */
  topologyKey: string;
  width: number;
  height: number;
  machines: MachineBox[];
  netns: NetnsBox[];
  ifaces: IfaceBox[];
  segments: SegmentBox[];
  cables: Cable[];
  /** A big world's machines off the journey's path, drawn as summary boxes (lod.ts). */
  summaries?: SummaryBox[];
  /** What "Fit to view" frames when not the whole drawing: the machines drawn in full (lod.ts). */
  focus?: Box;
}

// ---- ids ---------------------------------------------------------------------------------

export const machineId = (m: string) => `m:${m}`;
export const netnsId = (ns: string) => `n:${ns}`;
export const ifaceId = (ns: string, name: string) => `i:${ns}\u0000${name}`;
export const segmentId = (s: string) => `s:${s}`;
/** An invisible node below a machine's NICs: it pulls them to the bottom, towards the segments. */
const sinkId = (m: string) => `u:${m}`;

// ---- sizes -------------------------------------------------------------------------------

/** Approximate text widths (no DOM measuring, so layout is deterministic and testable). */
export const FONT = { name: 12, addr: 10.5, title: 13, machine: 14 };
const charW = (px: number, mono = false) => px * (mono ? 0.62 : 0.64);
/** Wide characters (CJK) take about one em. */
const isWide = (ch: string) => ch.codePointAt(0)! >= 0x2e80;
export function textWidth(s: string, px: number, mono = false): number {
  let narrow = 0;
  let wide = 0;
  for (const ch of s) {
    if (isWide(ch)) wide++;
    else narrow++;
  }
  return Math.ceil(narrow * charW(px, mono) + wide * px);
}
/** The widest of the texts (one per language). */
const widest = (texts: string[], px: number) => Math.max(0, ...texts.map((s) => textWidth(s, px)));

export const IFACE_PAD_X = 8;
export const IFACE_LINE_1 = 16;
export const IFACE_LINE = 13;
export const NS_HEADER = 24;
export const MACHINE_HEADER = 30;
export const BRIDGE_HEADER_BASE = 22;

export function ifaceSize(i: Pick<TopologyInterface, 'name' | 'addrs' | 'kind'> & { up?: boolean }): {
  width: number;
  height: number;
} {
  const tags = allWordings().map((w) => ifaceTags({ kind: i.kind, up: i.up ?? true }, w));
  const w = Math.max(
    widest(
      tags.map((t) => (t ? `${i.name} ${t}` : i.name)),
      FONT.name,
    ),
    ...i.addrs.map((a) => textWidth(a, FONT.addr, true)),
  );
  return {
    width: Math.max(56, w + IFACE_PAD_X * 2),
    height: 10 + IFACE_LINE_1 + i.addrs.length * IFACE_LINE,
  };
}

// ---- topology key ------------------------------------------------------------------------

const keys = new WeakMap<Topology, string>();

/**
 * A stable key of everything in the topology that changes the drawing (memoisation key). Kept per
 * topology object: a big world's key is a few hundred KB of text, asked for by the canvas and by
 * each layout of it.
 */
export function topologyKey(t: Topology): string {
  let k = keys.get(t);
  if (k === undefined) keys.set(t, (k = keyOf(t)));
  return k;
}

function keyOf(t: Topology): string {
  return JSON.stringify([
    t.machines.map((m) => [m.name, m.role ?? '', m.title ?? '']),
    t.segments.map((s) => [s.name, s.title ?? '']),
    t.netns.map((n) => [
      n.name,
      n.machine,
      n.root,
      n.interfaces.map((i) => [
        i.name,
        i.kind,
        i.addrs,
        i.up,
        i.master ?? '',
        i.peer ? `${i.peer.netns}/${i.peer.interface}` : '',
        i.segment ?? '',
      ]),
    ]),
  ]);
}

// ---- ELK graph ---------------------------------------------------------------------------

/**
 * ELK lays out the inside of each machine on its own (layered, top to bottom); arrange.ts then
 * places the machines in rows and the segments in lanes below them. The root's algorithm only has
 * to be cheap: its positions are not used.
 */
const ROOT_OPTIONS: LayoutOptions = {
  'elk.algorithm': 'box',
  'elk.hierarchyHandling': 'SEPARATE_CHILDREN',
};

export const MACHINE_OPTIONS: LayoutOptions = {
  'elk.algorithm': 'layered',
  'elk.direction': 'DOWN',
  'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
  'elk.edgeRouting': 'POLYLINE',
  'elk.layered.spacing.nodeNodeBetweenLayers': '20',
  'elk.spacing.edgeNode': '16',
  'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  'elk.layered.crossingMinimization.forceNodeModelOrder': 'true',
};

const MACHINE_PAD = 14;

function compoundOptions(header: number, minWidth: number, pad = 12): LayoutOptions {
  return {
    'elk.padding': `[top=${header + pad},left=${pad},bottom=${pad},right=${pad}]`,
    'elk.nodeSize.constraints': 'MINIMUM_SIZE',
    // elkjs 0.12 transposes a compound node's minimum size under direction DOWN with
    // INCLUDE_CHILDREN, so it is given as (height, width); layout.test.ts checks the outcome.
    'elk.nodeSize.minimum': `(${header + pad * 2}, ${minWidth})`,
    'elk.spacing.nodeNode': '16',
  };
}

/** The role tag drawn after a machine's name ("router", "internet"); none for plain hosts. */
export function machineTag(m: { title?: string; name: string; role?: string | null }): string | null {
  if (!m.role || m.role === 'host') return null;
  if ((m.title ?? m.name).toLowerCase().includes(m.role.toLowerCase())) return null;
  return m.role;
}

/** Loopback devices are left out of the drawing: an event on `lo` marks the namespace box. */
const drawn = (i: TopologyInterface) => i.kind !== 'loopback';

/** Internal description of the graph, shared by the ELK graph and the conversion of its result. */
interface Model {
  machines: { name: string; role: string | null; title: string }[];
  segments: { name: string; title: string }[];
  cables: { id: string; kind: 'veth' | 'ether'; from: string; to: string }[];
}

function modelOf(t: Topology): Model {
  const machines = t.machines.map((m) => ({ name: m.name, role: m.role ?? null, title: m.title ?? m.name }));
  for (const ns of t.netns) {
    if (!machines.some((m) => m.name === ns.machine))
      machines.push({ name: ns.machine, role: null, title: ns.machine });
  }
  const segments = t.segments.map((s) => ({ name: s.name, title: s.title ?? s.name }));
  const cables: Model['cables'] = [];
  const seen = new Set<string>();
  const exists = (ns: string, name: string) =>
    t.netns.some((n) => n.name === ns && n.interfaces.some((i) => i.name === name && drawn(i)));
  for (const ns of t.netns) {
    for (const i of ns.interfaces) {
      if (!drawn(i)) continue;
      if (i.peer && exists(i.peer.netns, i.peer.interface)) {
        const a = ifaceId(ns.name, i.name);
        const b = ifaceId(i.peer.netns, i.peer.interface);
        const id = `veth:${[a, b].sort().join('|')}`;
        if (seen.has(id)) continue;
        seen.add(id);
        // Direct the cable from the container side towards the root namespace (top to bottom).
        const peerNs = t.netns.find((n) => n.name === i.peer!.netns);
        const fromHere = !ns.root || peerNs?.root === true;
        cables.push({ id, kind: 'veth', from: fromHere ? a : b, to: fromHere ? b : a });
      }
      if (i.segment) {
        if (!segments.some((s) => s.name === i.segment)) segments.push({ name: i.segment, title: i.segment });
        cables.push({
          id: `ether:${ifaceId(ns.name, i.name)}`,
          kind: 'ether',
          from: ifaceId(ns.name, i.name),
          to: segmentId(i.segment),
        });
      }
    }
  }
  return { machines, segments, cables };
}

/** The machine each interface belongs to (by interface id). */
function machineOfIface(t: Topology): Map<string, string> {
  const out = new Map<string, string>();
  for (const ns of t.netns) for (const i of ns.interfaces) out.set(ifaceId(ns.name, i.name), ns.machine);
  return out;
}

function ifaceNode(ns: string, i: TopologyInterface): ElkNode {
  return { id: ifaceId(ns, i.name), ...ifaceSize(i) };
}

/** The label of a namespace box, widest over the languages (the root's says "(root ns)"). */
export function netnsLabelWidth(ns: { name: string; root: boolean }): number {
  if (!ns.root) return textWidth(ns.name, FONT.title);
  return widest(
    allWordings().map((w) => `${ns.name} (${w.t('canvas.rootNs')})`),
    FONT.title,
  );
}

function netnsNode(ns: Topology['netns'][number]): ElkNode {
  const ifs = ns.interfaces.filter(drawn);
  const bridges = ifs.filter((i) => i.kind === 'bridge');
  const loose = ifs.filter(
    (i) => i.kind !== 'bridge' && !(i.master && bridges.some((b) => b.name === i.master)),
  );
  const kids: ElkNode[] = bridges.map((b) => {
    const { width } = ifaceSize(b);
    return {
      id: ifaceId(ns.name, b.name),
      layoutOptions: compoundOptions(BRIDGE_HEADER_BASE + b.addrs.length * IFACE_LINE, width + 48, 8),
      children: ifs
        .filter((p) => p.master === b.name && p.kind !== 'bridge')
        .map((p) => ifaceNode(ns.name, p)),
    };
  });
  kids.push(...loose.map((i) => ifaceNode(ns.name, i)));
  const labelW = netnsLabelWidth(ns);
  // A namespace with nothing drawn in it (only lo) is a plain node, sized for its label: the
  // compound options' minimum is given transposed (see compoundOptions), which ELK applies
  // as written to a node without children, and the box came out narrow and tall ("h…").
  if (kids.length === 0)
    return { id: netnsId(ns.name), width: Math.max(90, labelW + 24), height: NS_HEADER + 20 };
  return {
    id: netnsId(ns.name),
    layoutOptions: compoundOptions(NS_HEADER, labelW + 24, 10),
    children: kids,
  };
}

function machineNode(
  t: Topology,
  model: Model,
  owner: ReadonlyMap<string, string>,
  m: Model['machines'][number],
): ElkNode {
  const nss = t.netns.filter((n) => n.machine === m.name);
  // Containers first, the root namespace last (model order: the root sits below its pods).
  nss.sort((a, b) => Number(a.root) - Number(b.root));
  const tag = machineTag(m);
  const tagW = tag
    ? Math.ceil(
        widest(
          allWordings().map((w) => roleLabel(tag, w)),
          12,
        ) * 1.35,
      ) + 8
    : 0;
  const headerW = textWidth(m.title, FONT.machine) + tagW;
  const children = nss.map(netnsNode);
  const mine = (id: string) => owner.get(id) === m.name;
  const edges: ElkExtendedEdge[] = model.cables
    .filter((c) => c.kind === 'veth' && mine(c.from) && mine(c.to))
    .map((c) => ({ id: c.id, sources: [c.from], targets: [c.to] }));
  const nics = model.cables.filter((c) => c.kind === 'ether' && mine(c.from));
  if (nics.length > 0) {
    children.push({ id: sinkId(m.name), width: 1, height: 1 });
    for (const c of nics) edges.push({ id: c.id, sources: [c.from], targets: [sinkId(m.name)] });
  }
  return {
    id: machineId(m.name),
    layoutOptions: { ...MACHINE_OPTIONS, ...compoundOptions(MACHINE_HEADER, headerW + 32, MACHINE_PAD) },
    children,
    edges,
  };
}

/** The topology as an ELK graph: one layered (hierarchical) graph per machine. */
export function topologyToElkGraph(t: Topology): ElkNode {
  const model = modelOf(t);
  const owner = machineOfIface(t);
  return {
    id: 'root',
    layoutOptions: ROOT_OPTIONS,
    children: model.machines.map((m) => machineNode(t, model, owner, m)),
  };
}

// ---- ELK result -> absolute boxes ----------------------------------------------------------

export const center = (b: Box): Point => ({ x: b.x + b.width / 2, y: b.y + b.height / 2 });

/** The view's aspect ratio assumed when none is known: a 16:9 screen. */
export const DEFAULT_ASPECT = 16 / 9;

/**
 * The view's aspect ratio, rounded to a half power of two (0.5, 0.71, 1, 1.41, 2, 2.83, 4): the
 * machines are rearranged when the view changes shape, not on every pixel of a resize.
 */
export function aspectBucket(width: number, height: number): number {
  if (!(width > 0 && height > 0)) return DEFAULT_ASPECT;
  const half = Math.round(Math.log2(width / height) * 2) / 2;
  return 2 ** Math.min(2, Math.max(-1, half));
}

interface LocalBoxes {
  machines: Map<string, Box>;
  /** Everything inside a machine, relative to the machine's top-left corner. */
  inner: Map<string, { machine: string; box: Box }>;
}

function localBoxes(g: ElkNode): LocalBoxes {
  const machines = new Map<string, Box>();
  const inner = new Map<string, { machine: string; box: Box }>();
  for (const m of g.children ?? []) {
    const walk = (n: ElkNode, ox: number, oy: number) => {
      const x = ox + (n.x ?? 0);
      const y = oy + (n.y ?? 0);
      inner.set(n.id, { machine: m.id, box: { id: n.id, x, y, width: n.width ?? 0, height: n.height ?? 0 } });
      for (const c of n.children ?? []) walk(c, x, y);
    };
    for (const c of m.children ?? []) walk(c, 0, 0);
    // The sink's layer is not drawn: the machine ends below its lowest namespace.
    const drawnKids = (m.children ?? []).filter((c) => !c.id.startsWith('u:'));
    const bottom = Math.max(0, ...drawnKids.map((c) => (c.y ?? 0) + (c.height ?? 0)));
    const height = bottom > 0 ? Math.min(m.height ?? 0, bottom + MACHINE_PAD) : (m.height ?? 0);
    machines.set(m.id, { id: m.id, x: 0, y: 0, width: m.width ?? 0, height });
  }
  return { machines, inner };
}

/** Where `arrange` puts each machine: it needs each machine's size and where its NICs hang down. */
function arrangeMachines(model: Model, local: LocalBoxes, aspect: number): Arrangement {
  const etherOf = (mid: string) =>
    model.cables.filter((c) => c.kind === 'ether' && local.inner.get(c.from)?.machine === mid);
  const input: ArrangeMachine[] = model.machines.map((m) => {
    const id = machineId(m.name);
    const box = local.machines.get(id) ?? { id, x: 0, y: 0, width: 0, height: 0 };
    const nics = etherOf(id).map((c) => {
      const nic = local.inner.get(c.from)!.box;
      return { id: c.from, segment: c.to, x: nic.x, width: nic.width };
    });
    return { id, width: box.width, height: box.height, nics };
  });
  return arrange(
    input,
    model.segments.map((s) => ({
      id: segmentId(s.name),
      minWidth: Math.max(160, textWidth(s.title, FONT.title) + 40),
    })),
    aspect,
  );
}

/**
 * The absolute box of any machine, namespace or interface id: ELK placed the insides relative to
 * their machine, `arrange` placed the machines. Unknown ids get an empty box at the origin.
 */
function absoluteBox(plan: Arrangement, local: LocalBoxes): (id: string) => Box {
  return (id) => {
    const at = plan.at.get(id);
    if (at) return { ...local.machines.get(id)!, x: at.x, y: at.y };
    const l = local.inner.get(id);
    const origin = l && plan.at.get(l.machine);
    if (!l || !origin) return { id, x: 0, y: 0, width: 0, height: 0 };
    return { ...l.box, x: origin.x + l.box.x, y: origin.y + l.box.y };
  };
}

/** A box for every drawn interface, in topology order, carrying what the canvas labels it with. */
function ifaceBoxes(t: Topology, box: (id: string) => Box): IfaceBox[] {
  const ifaces: IfaceBox[] = [];
  for (const n of t.netns) {
    for (const i of n.interfaces) {
      if (!drawn(i)) continue;
      ifaces.push({
        ...box(ifaceId(n.name, i.name)),
        netns: n.name,
        name: i.name,
        kind: i.kind,
        addrs: i.addrs,
        up: i.up,
        bridge: i.kind === 'bridge',
        master: i.master ?? null,
      });
    }
  }
  return ifaces;
}

/** The drawn cables: veths between interface boxes, ether drops from a NIC to its segment bar. */
function layoutCables(model: Model, plan: Arrangement, ifaces: readonly IfaceBox[]): Cable[] {
  const byId = new Map<string, Box>(ifaces.map((i) => [i.id, i]));
  const cables: Cable[] = [];
  for (const c of model.cables) {
    const a = byId.get(c.from);
    const b = c.kind === 'ether' ? plan.barOf.get(c.from) : byId.get(c.to);
    if (!a || !b) continue;
    cables.push({ ...c, points: c.kind === 'ether' ? etherCable(a, b) : vethCable(a, b) });
  }
  return cables;
}

/** Turn the laid-out ELK graph into absolute boxes and drawn cables, in rows fitting `aspect`. */
export function elkToLayout(t: Topology, g: ElkNode, aspect = DEFAULT_ASPECT): CanvasLayout {
  const model = modelOf(t);
  const local = localBoxes(g);
  const plan = arrangeMachines(model, local, aspect);
  const box = absoluteBox(plan, local);

  const machines: MachineBox[] = model.machines.map((m) => ({ ...box(machineId(m.name)), ...m }));
  const netns: NetnsBox[] = t.netns.map((n) => ({
    ...box(netnsId(n.name)),
    name: n.name,
    machine: n.machine,
    root: n.root,
  }));
  const ifaces = ifaceBoxes(t, box);

  const segments: SegmentBox[] = model.segments.map((s) => {
    const id = segmentId(s.name);
    const { bars, trunk } = plan.segments.get(id)!;
    return { ...boundingBox(id, trunk ? [...bars, trunk] : bars), name: s.name, title: s.title, bars, trunk };
  });

  const cables = layoutCables(model, plan, ifaces);

  const topoKey = topologyKey(t);
  return {
    key: `${topoKey}|${plan.rows}`,
    topologyKey: topoKey,
    width: plan.width,
    height: plan.height,
    machines,
    netns,
    ifaces,
    segments,
    cables,
  };
}

function boundingBox(id: string, boxes: readonly Box[]): Box {
  const x = Math.min(...boxes.map((b) => b.x));
  const y = Math.min(...boxes.map((b) => b.y));
  const right = Math.max(...boxes.map((b) => b.x + b.width));
  const bottom = Math.max(...boxes.map((b) => b.y + b.height));
  return { id, x, y, width: right - x, height: bottom - y };
}

// ---- cables and hop paths ----------------------------------------------------------------

function cubic(p0: Point, p1: Point, p2: Point, p3: Point, n = 16): Point[] {
  const out: Point[] = [];
  for (let k = 0; k <= n; k++) {
    const s = k / n;
    const u = 1 - s;
    out.push({
      x: u * u * u * p0.x + 3 * u * u * s * p1.x + 3 * u * s * s * p2.x + s * s * s * p3.x,
      y: u * u * u * p0.y + 3 * u * u * s * p1.y + 3 * u * s * s * p2.y + s * s * s * p3.y,
    });
  }
  return out;
}

/** A smooth cable between two interface boxes: vertical when one is above the other. */
export function vethCable(a: Box, b: Box): Point[] {
  const ca = center(a);
  const cb = center(b);
  const vertical = a.y + a.height <= b.y || b.y + b.height <= a.y;
  if (vertical) {
    const down = ca.y < cb.y;
    const p0 = { x: ca.x, y: down ? a.y + a.height : a.y };
    const p3 = { x: cb.x, y: down ? b.y : b.y + b.height };
    const dy = (p3.y - p0.y) / 2;
    return cubic(p0, { x: p0.x, y: p0.y + dy }, { x: p3.x, y: p3.y - dy }, p3);
  }
  const right = ca.x < cb.x;
  const p0 = { x: right ? a.x + a.width : a.x, y: ca.y };
  const p3 = { x: right ? b.x : b.x + b.width, y: cb.y };
  const dx = (p3.x - p0.x) / 2;
  return cubic(p0, { x: p0.x + dx, y: p0.y }, { x: p3.x - dx, y: p3.y }, p3);
}

/** A straight drop from a NIC to the segment bar (vertical when the bar spans the NIC). */
export function etherCable(nic: Box, seg: Box): Point[] {
  const c = center(nic);
  const x = Math.min(Math.max(c.x, seg.x + 8), seg.x + seg.width - 8);
  if (seg.y >= nic.y + nic.height)
    return [
      { x: c.x, y: nic.y + nic.height },
      { x, y: seg.y },
    ];
  return [
    { x: c.x, y: nic.y },
    { x, y: seg.y + seg.height },
  ];
}

export interface AnchorIndex {
  /** Where the marker sits for an interface (or a namespace when no interface applies). */
  anchor(netns: string, iface: string | null): { id: string; point: Point; box: Box } | null;
  path(fromId: string, toId: string): Point[];
}

export function polylineLength(pts: readonly Point[]): number {
  let len = 0;
  for (let i = 1; i < pts.length; i++)
    len += Math.hypot(pts[i]!.x - pts[i - 1]!.x, pts[i]!.y - pts[i - 1]!.y);
  return len;
}

/** The point at fraction t (0..1) of a polyline's length. */
export function pointAlong(pts: readonly Point[], t: number): Point {
  if (pts.length === 0) return { x: 0, y: 0 };
  if (pts.length === 1 || t <= 0) return pts[0]!;
  const total = polylineLength(pts);
  let want = Math.min(1, t) * total;
  for (let i = 1; i < pts.length; i++) {
    const a = pts[i - 1]!;
    const b = pts[i]!;
    const seg = Math.hypot(b.x - a.x, b.y - a.y);
    if (want <= seg && seg > 0)
      return { x: a.x + ((b.x - a.x) * want) / seg, y: a.y + ((b.y - a.y) * want) / seg };
    want -= seg;
  }
  return pts[pts.length - 1]!;
}

/**
 * A cable's points without the stretch between its plug and a mark placed further along it
 * (the mark sits on the cable beside the box): the path never doubles back over itself.
 */
export function trimCable(points: readonly Point[], a: Point, b: Point): Point[] {
  const d = (p: Point, q: Point) => Math.hypot(p.x - q.x, p.y - q.y);
  const start = points[0];
  const end = points[points.length - 1];
  if (!start || !end) return [];
  return points.filter((p) => d(p, start) >= d(a, start) && d(p, end) >= d(b, end));
}

/** From one bar of a segment to another: along the first bar to the trunk, along it, along the second. */
export function alongSegment(seg: SegmentBox, p: Point, q: Point): Point[] {
  if (!seg.trunk || Math.abs(p.y - q.y) < 0.5) return [];
  const x = seg.trunk.x + seg.trunk.width / 2;
  return [
    { x, y: p.y },
    { x, y: q.y },
  ];
}

/** The cables of a layout looked up the ways a hop path needs them. */
interface CableIndex {
  /** Veth cables, keyed `from|to` in the direction they were drawn. */
  between: Map<string, Cable>;
  /** The ether cable leaving each NIC for its segment. */
  etherOf: Map<string, Cable>;
  /** Where a cable meets each interface. */
  plug: Map<string, Point>;
}

function indexCables(cables: readonly Cable[]): CableIndex {
  const between = new Map<string, Cable>();
  const etherOf = new Map<string, Cable>();
  for (const c of cables) {
    if (c.kind === 'veth') between.set(`${c.from}|${c.to}`, c);
    else etherOf.set(c.from, c);
  }
  // Where a cable meets each interface: the marker sits there, on the border, not over the labels.
  const plug = new Map<string, Point>();
  for (const c of cables) {
    if (!plug.has(c.from)) plug.set(c.from, c.points[0]!);
    if (c.kind === 'veth' && !plug.has(c.to)) plug.set(c.to, c.points[c.points.length - 1]!);
  }
  return { between, etherOf, plug };
}

/** The boxes a marker can sit on, by id. */
interface AnchorBoxes {
  ifs: Map<string, IfaceBox>;
  nss: Map<string, NetnsBox>;
  sums: Map<string, SummaryBox>;
}

/**
 * Where the mark for box `id` sits (uncached): an interface at its plug, a namespace wherever
 * `placer` puts it, a summarised machine inside its box; null for an unknown id.
 */
function markPoint(
  id: string,
  boxes: AnchorBoxes,
  plug: Map<string, Point>,
  placer?: (box: Box, plug: Point | null) => Point,
): Point | null {
  const i = boxes.ifs.get(id);
  const n = i ? undefined : boxes.nss.get(id);
  if (i) {
    // A bridge has no cable of its own (its ports do): its mark sits beside it, level with its
    // ports, rather than above it among the namespace's name and the cables coming down to them.
    const at =
      plug.get(id) ??
      (i.bridge ? { x: i.x + i.width, y: i.y + i.height / 2 } : { x: i.x + i.width / 2, y: i.y });
    return placer ? placer(i, at) : at;
  }
  if (n) return placer ? placer(n, null) : center(n);
  // A summarised machine: its mark sits inside its box, right of its name.
  const s = boxes.sums.get(id);
  return s ? { x: s.x + s.width - 16, y: s.y + s.height / 2 } : null;
}

/**
 * The hop path from mark `a` (on `fromId`) to mark `b` (on `toId`) along what is drawn: a veth
 * cable either way, or down one ether cable, along the shared segment and up the other. Null when
 * no cable joins them, so the caller routes round the names instead.
 */
function cablePath(
  fromId: string,
  toId: string,
  a: Point,
  b: Point,
  cables: CableIndex,
  segs: Map<string, SegmentBox>,
): Point[] | null {
  const fwd = cables.between.get(`${fromId}|${toId}`);
  if (fwd) return [a, ...trimCable(fwd.points, a, b), b];
  const back = cables.between.get(`${toId}|${fromId}`);
  if (back) return [a, ...trimCable([...back.points].reverse(), a, b), b];
  const ea = cables.etherOf.get(fromId);
  const eb = cables.etherOf.get(toId);
  const seg = ea && eb && ea.to === eb.to ? segs.get(ea.to) : undefined;
  if (!ea || !eb || !seg) return null;
  const p = ea.points[ea.points.length - 1]!;
  const q = eb.points[eb.points.length - 1]!;
  return [
    a,
    ...trimCable(ea.points, a, p),
    ...alongSegment(seg, p, q),
    ...trimCable([...eb.points].reverse(), q, b),
    b,
  ];
}

/**
 * Index the layout for the marker: anchors of interfaces/namespaces and hop paths between them.
 * `placer` moves an anchor off the names (place.ts); given the box and where its cable plugs in
 * (null for a namespace), it returns the mark's centre. `router` draws a path no cable or segment
 * carries (from a bridge port to the bridge, across a namespace) round the names; without it, straight.
 */
export function anchorIndex(
  layout: CanvasLayout,
  placer?: (box: Box, plug: Point | null) => Point,
  router?: (a: Point, b: Point) => Point[],
): AnchorIndex {
  const boxes: AnchorBoxes = {
    ifs: new Map(layout.ifaces.map((i) => [i.id, i])),
    nss: new Map(layout.netns.map((n) => [n.id, n])),
    sums: new Map((layout.summaries ?? []).map((s) => [s.id, s])),
  };
  const segs = new Map(layout.segments.map((s) => [s.id, s]));
  const summaryOf = new Map<string, SummaryBox>();
  for (const s of layout.summaries ?? []) for (const ns of s.netns) summaryOf.set(ns, s);
  const cables = indexCables(layout.cables);
  // Cached, so each mark is placed and each pair routed once however often the marker asks.
  const placed = new Map<string, Point>();
  const routes = new Map<string, Point[]>();
  const pointOf = (id: string): Point | null => {
    const known = placed.get(id);
    if (known) return known;
    const p = markPoint(id, boxes, cables.plug, placer);
    if (p) placed.set(id, p);
    return p;
  };
  return {
    anchor(ns, iface) {
      if (iface !== null) {
        const i = boxes.ifs.get(ifaceId(ns, iface));
        if (i) return { id: i.id, point: pointOf(i.id)!, box: i };
      }
      const n = boxes.nss.get(netnsId(ns));
      if (n) return { id: n.id, point: pointOf(n.id)!, box: n };
      const s = summaryOf.get(ns);
      if (s) return { id: s.id, point: pointOf(s.id)!, box: s };
      return null;
    },
    path(fromId, toId) {
      const a = pointOf(fromId);
      const b = pointOf(toId);
      if (!a || !b) return [];
      if (fromId === toId) return [a];
      const cabled = cablePath(fromId, toId, a, b, cables, segs);
      if (cabled) return cabled;
      if (!router) return [a, b];
      const key = `${fromId}|${toId}`;
      let routed = routes.get(key);
      if (!routed) routes.set(key, (routed = router(a, b)));
      return [...routed];
    },
  };
}
