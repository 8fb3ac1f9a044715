/**
 * Pure geometry of the canvas: the Trace topology as a nested ELK graph (machines contain
 * namespaces contain interfaces; bridges contain their ports), the ELK result as absolute
 * boxes, the cables drawn between them and the path the marker follows between two places.
 * No DOM here; elkjs itself is loaded lazily by ./elk.ts.
 */
import type { ElkExtendedEdge, ElkNode, LayoutOptions } from 'elkjs/lib/elk-api';
import type { Topology, TopologyInterface } from '../../engine/sim/trace';

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
export interface SegmentBox extends Box {
  name: string;
  title: string;
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
  key: string;
  width: number;
  height: number;
  machines: MachineBox[];
  netns: NetnsBox[];
  ifaces: IfaceBox[];
  segments: SegmentBox[];
  cables: Cable[];
}

// ---- ids ---------------------------------------------------------------------------------

export const machineId = (m: string) => `m:${m}`;
export const netnsId = (ns: string) => `n:${ns}`;
export const ifaceId = (ns: string, name: string) => `i:${ns}\u0000${name}`;
export const segmentId = (s: string) => `s:${s}`;

// ---- sizes -------------------------------------------------------------------------------

/** Approximate text widths (no DOM measuring, so layout is deterministic and testable). */
export const FONT = { name: 12, addr: 10.5, title: 13, machine: 14 };
const charW = (px: number, mono = false) => px * (mono ? 0.62 : 0.58);
export const textWidth = (s: string, px: number, mono = false) => Math.ceil(s.length * charW(px, mono));

export const IFACE_PAD_X = 8;
export const IFACE_LINE_1 = 16;
export const IFACE_LINE = 13;
export const NS_HEADER = 24;
export const MACHINE_HEADER = 30;
export const BRIDGE_HEADER_BASE = 22;

export function ifaceSize(i: Pick<TopologyInterface, 'name' | 'addrs' | 'kind'>): {
  width: number;
  height: number;
} {
  const kindTag = i.kind === 'veth' || i.kind === 'ether' ? '' : ` ${i.kind}`;
  const w = Math.max(
    textWidth(i.name + kindTag, FONT.name),
    ...i.addrs.map((a) => textWidth(a, FONT.addr, true)),
  );
  return {
    width: Math.max(56, w + IFACE_PAD_X * 2),
    height: 10 + IFACE_LINE_1 + i.addrs.length * IFACE_LINE,
  };
}

// ---- topology key ------------------------------------------------------------------------

/** A stable key of everything in the topology that changes the drawing (memoisation key). */
export function topologyKey(t: Topology): string {
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

const ROOT_OPTIONS: LayoutOptions = {
  'elk.algorithm': 'layered',
  'elk.direction': 'DOWN',
  'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
  'elk.edgeRouting': 'POLYLINE',
  'elk.spacing.nodeNode': '28',
  'elk.layered.spacing.nodeNodeBetweenLayers': '44',
  'elk.spacing.edgeNode': '16',
  'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  'elk.layered.crossingMinimization.forceNodeModelOrder': 'true',
  'elk.padding': '[top=16,left=16,bottom=16,right=16]',
};

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

function ifaceNode(ns: string, i: TopologyInterface): ElkNode {
  return { id: ifaceId(ns, i.name), ...ifaceSize(i) };
}

/** The topology as a nested ELK graph (layered, hierarchical). */
export function topologyToElkGraph(t: Topology): ElkNode {
  const model = modelOf(t);
  const children: ElkNode[] = model.machines.map((m) => {
    const nss = t.netns.filter((n) => n.machine === m.name);
    // Containers first, the root namespace last (model order: the root sits below its pods).
    nss.sort((a, b) => Number(a.root) - Number(b.root));
    const tag = machineTag(m);
    const headerW = textWidth(m.title, FONT.machine) + (tag ? Math.ceil(textWidth(tag, 12) * 1.35) + 8 : 0);
    return {
      id: machineId(m.name),
      layoutOptions: compoundOptions(MACHINE_HEADER, headerW + 32, 14),
      children: nss.map((ns) => {
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
        const nsNode: ElkNode = {
          id: netnsId(ns.name),
          layoutOptions: compoundOptions(NS_HEADER, textWidth(ns.name, FONT.title) + 24, 10),
          children: kids,
        };
        if (kids.length === 0) {
          nsNode.width = Math.max(90, textWidth(ns.name, FONT.title) + 24);
          nsNode.height = NS_HEADER + 20;
        }
        return nsNode;
      }),
    };
  });
  for (const s of model.segments) {
    children.push({
      id: segmentId(s.name),
      width: Math.max(160, textWidth(s.title, FONT.title) + 40),
      height: 30,
    });
  }
  const edges: ElkExtendedEdge[] = model.cables.map((c) => ({
    id: c.id,
    sources: [c.from],
    targets: [c.to],
  }));
  return { id: 'root', layoutOptions: ROOT_OPTIONS, children, edges };
}

// ---- ELK result -> absolute boxes ----------------------------------------------------------

export const center = (b: Box): Point => ({ x: b.x + b.width / 2, y: b.y + b.height / 2 });

/** Turn the laid-out ELK graph into absolute boxes and drawn cables. */
export function elkToLayout(t: Topology, g: ElkNode): CanvasLayout {
  const abs = new Map<string, Box>();
  const walk = (n: ElkNode, ox: number, oy: number) => {
    const x = ox + (n.x ?? 0);
    const y = oy + (n.y ?? 0);
    abs.set(n.id, { id: n.id, x, y, width: n.width ?? 0, height: n.height ?? 0 });
    for (const c of n.children ?? []) walk(c, x, y);
  };
  for (const c of g.children ?? []) walk(c, 0, 0);
  const model = modelOf(t);
  const box = (id: string): Box => abs.get(id) ?? { id, x: 0, y: 0, width: 0, height: 0 };

  const machines: MachineBox[] = model.machines.map((m) => ({ ...box(machineId(m.name)), ...m }));
  const netns: NetnsBox[] = t.netns.map((n) => ({
    ...box(netnsId(n.name)),
    name: n.name,
    machine: n.machine,
    root: n.root,
  }));
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
  const byId = new Map<string, Box>(ifaces.map((i) => [i.id, i]));

  // Segments are drawn as wide bars spanning every NIC cabled to them.
  const segments: SegmentBox[] = model.segments.map((s) => {
    const b = { ...box(segmentId(s.name)) };
    const nics = model.cables.filter((c) => c.to === b.id).map((c) => byId.get(c.from));
    let lo = b.x;
    let hi = b.x + b.width;
    for (const nic of nics) {
      if (!nic) continue;
      lo = Math.min(lo, nic.x - 12);
      hi = Math.max(hi, nic.x + nic.width + 12);
    }
    return { ...b, x: lo, width: hi - lo, name: s.name, title: s.title };
  });
  // Stretched bars must not run into each other: split the overlap in the middle.
  for (const a of segments) {
    for (const b of segments) {
      if (a === b || a.y >= b.y + b.height || b.y >= a.y + a.height) continue;
      if (a.x >= b.x || a.x + a.width <= b.x - 8) continue;
      const mid = (a.x + a.width + b.x) / 2;
      a.width = Math.max(40, mid - 4 - a.x);
      const right = b.x + b.width;
      b.x = mid + 4;
      b.width = Math.max(40, right - b.x);
    }
  }
  const segById = new Map<string, Box>(segments.map((s) => [s.id, s]));

  const cables: Cable[] = [];
  for (const c of model.cables) {
    const a = byId.get(c.from);
    const b = c.kind === 'ether' ? segById.get(c.to) : byId.get(c.to);
    if (!a || !b) continue;
    cables.push({ ...c, points: c.kind === 'ether' ? etherCable(a, b) : vethCable(a, b) });
  }

  let width = g.width ?? 0;
  let height = g.height ?? 0;
  for (const s of segments) {
    width = Math.max(width, s.x + s.width + 16);
    height = Math.max(height, s.y + s.height + 16);
  }
  return { key: topologyKey(t), width, height, machines, netns, ifaces, segments, cables };
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

/** Index the layout for the marker: anchors of interfaces/namespaces and hop paths between them. */
export function anchorIndex(layout: CanvasLayout): AnchorIndex {
  const ifs = new Map(layout.ifaces.map((i) => [i.id, i]));
  const nss = new Map(layout.netns.map((n) => [n.id, n]));
  const segs = new Map(layout.segments.map((s) => [s.id, s]));
  const cableBetween = new Map<string, Cable>();
  const etherOf = new Map<string, Cable>();
  for (const c of layout.cables) {
    if (c.kind === 'veth') cableBetween.set(`${c.from}|${c.to}`, c);
    else etherOf.set(c.from, c);
  }
  // Where a cable meets each interface: the marker sits there, on the border, not over the labels.
  const plug = new Map<string, Point>();
  for (const c of layout.cables) {
    if (!plug.has(c.from)) plug.set(c.from, c.points[0]!);
    if (c.kind === 'veth' && !plug.has(c.to)) plug.set(c.to, c.points[c.points.length - 1]!);
  }
  const pointOf = (id: string): Point | null => {
    const i = ifs.get(id);
    if (i) return plug.get(id) ?? { x: i.x + i.width / 2, y: i.y };
    const n = nss.get(id);
    return n ? center(n) : null;
  };
  return {
    anchor(ns, iface) {
      if (iface !== null) {
        const i = ifs.get(ifaceId(ns, iface));
        if (i) return { id: i.id, point: pointOf(i.id)!, box: i };
      }
      const n = nss.get(netnsId(ns));
      if (n) return { id: n.id, point: pointOf(n.id)!, box: n };
      return null;
    },
    path(fromId, toId) {
      const a = pointOf(fromId);
      const b = pointOf(toId);
      if (!a || !b) return [];
      if (fromId === toId) return [a];
      const fwd = cableBetween.get(`${fromId}|${toId}`);
      if (fwd) return [a, ...fwd.points, b];
      const back = cableBetween.get(`${toId}|${fromId}`);
      if (back) return [a, ...[...back.points].reverse(), b];
      const ea = etherOf.get(fromId);
      const eb = etherOf.get(toId);
      if (ea && eb && ea.to === eb.to && segs.has(ea.to)) {
        return [a, ...ea.points, ...[...eb.points].reverse(), b];
      }
      return [a, b];
    },
  };
}
