/**
 * A zod mirror of the Trace type in ./trace.ts. The compiler checks below keep the two
 * identical; schema/trace.schema.json is generated from it (npm run schemas), so the
 * published JSON Schema cannot drift from the TypeScript contract.
 */
import { DROP_REASONS } from '../kernel/drop-reason';
import { MESSAGE_CODES } from '../kernel/message-codes';
import { z } from '../util/zod';
import type { Layer } from '../net/layers';
import type {
  Capture,
  Chapter,
  EventKind,
  Hop,
  KeyMoment,
  TableName,
  TableSnapshot,
  Topology,
  Trace,
  TraceEvent,
  Verdict,
} from '../kernel/trace';

const mac = z.string().regex(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
const ip = z.string().regex(/^\d{1,3}(\.\d{1,3}){3}$/);
/** RFC 5952 text: hex groups and colons (a trailing dotted quad for mapped addresses). */
const ip6 = z.string().regex(/^[0-9a-f:]*:[0-9a-f:.]*$/);
const u = (max: number) => z.int().min(0).max(max);

const dnsName = z
  .string()
  .regex(/^([^.]+\.)*$|^\.$/)
  .describe('A fully qualified name with its trailing dot.');
const dnsType = z.enum(['A', 'NS', 'CNAME', 'SOA', 'PTR', 'AAAA']);
const dnsRecord = z.union([
  z.strictObject({
    name: dnsName,
    type: z.enum(['A', 'AAAA', 'CNAME', 'NS', 'PTR']),
    ttl: u(0xffffffff),
    data: z.string().describe('The address (A, AAAA) or the name (CNAME, NS, PTR).'),
  }),
  z.strictObject({
    name: dnsName,
    type: z.literal('SOA'),
    ttl: u(0xffffffff),
    data: z.strictObject({
      mname: dnsName,
      rname: dnsName,
      serial: u(0xffffffff),
      refresh: u(0xffffffff),
      retry: u(0xffffffff),
      expire: u(0xffffffff),
      minimum: u(0xffffffff),
    }),
  }),
]);

/** A DNS message (RFC 1035 4.1): the header's flags, then the four sections. */
const DnsLayerSchema = z
  .strictObject({
    proto: z.literal('dns'),
    id: u(0xffff),
    qr: z.boolean().describe('QR: a response.'),
    aa: z.boolean().describe('Authoritative answer.'),
    tc: z.boolean().describe('Truncated.'),
    rd: z.boolean().describe('Recursion desired.'),
    ra: z.boolean().describe('Recursion available.'),
    ad: z.boolean().optional().describe('Authentic data (dig sets it in queries); absent when clear.'),
    cd: z.boolean().optional().describe('Checking disabled; absent when clear.'),
    rcode: u(15).describe('0 NOERROR, 2 SERVFAIL, 3 NXDOMAIN, ...'),
    question: z.array(z.strictObject({ name: dnsName, type: dnsType })),
    answer: z.array(dnsRecord),
    authority: z.array(dnsRecord),
    additional: z.array(dnsRecord),
    opt: z
      .strictObject({
        udpSize: u(0xffff),
        extRcode: u(255),
        version: u(255),
        flags: u(0xffff).describe('DO is 0x8000.'),
        options: z.array(z.strictObject({ code: u(0xffff), data: z.string().regex(/^([0-9a-f]{2})*$/) })),
      })
      .optional()
      .describe('The EDNS OPT record (RFC 6891), counted in ARCOUNT.'),
  })
  .describe('A DNS message carried in UDP to or from port 53.');

export const LayerSchema = z.discriminatedUnion('proto', [
  z.strictObject({ proto: z.literal('eth'), src: mac, dst: mac, type: u(0xffff) }),
  z.strictObject({
    proto: z.literal('arp'),
    op: z.union([z.literal(1), z.literal(2)]),
    sha: mac,
    spa: ip,
    tha: mac,
    tpa: ip,
  }),
  z.strictObject({
    proto: z.literal('ipv4'),
    src: ip,
    dst: ip,
    ttl: u(255),
    protocol: u(255),
    id: u(0xffff),
    df: z.boolean(),
    tos: u(255),
  }),
  z.strictObject({
    proto: z.literal('icmp'),
    type: u(255),
    code: u(255),
    id: u(0xffff).optional(),
    seq: u(0xffff).optional(),
    mtu: u(0xffff).optional(),
    gateway: ip.optional(),
  }),
  z.strictObject({
    proto: z.literal('ipv6'),
    src: ip6,
    dst: ip6,
    hlim: u(255),
    next: u(255),
    tc: u(255),
    flow: u(0xfffff),
  }),
  z.strictObject({
    proto: z.literal('icmpv6'),
    type: u(255),
    code: u(255),
    id: u(0xffff).optional(),
    seq: u(0xffff).optional(),
    mtu: u(0xffffffff).optional(),
    target: ip6.optional(),
    lladdr: mac.optional(),
    flags: u(255).optional(),
  }),
  z.strictObject({
    proto: z.literal('udp'),
    sport: u(0xffff),
    dport: u(0xffff),
    zeroChecksum: z.literal(true).optional(),
  }),
  z.strictObject({
    proto: z.literal('tcp'),
    sport: u(0xffff),
    dport: u(0xffff),
    flags: z.string(),
    seq: u(0xffffffff),
    ack: u(0xffffffff),
    window: u(0xffff),
  }),
  z.strictObject({ proto: z.literal('vxlan'), vni: u(0xffffff) }),
  z.strictObject({ proto: z.literal('gre'), protocol: u(0xffff), key: u(0xffffffff).optional() }),
  DnsLayerSchema,
]);

const VERDICTS = [
  'delivered',
  'dropped',
  'unreachable',
  'timeout',
  'refused',
  'unresolved',
  'error',
] as const;
const EVENT_KINDS = [
  'command',
  'tx',
  'rx',
  'bridge-forward',
  'bridge-flood',
  'route-lookup',
  'neigh-resolve',
  'arp',
  'forward',
  'netfilter',
  'nat',
  'encap',
  'decap',
  'deliver',
  'icmp-error',
  'drop',
  'ignore',
  'bridge-learn',
  'userspace',
  'control',
] as const;
const TABLES = [
  'routes',
  'neigh',
  'fdb',
  'addrs',
  'links',
  'sysctl',
  'sockets',
  'iptables',
  'ip6tables',
  'nftables',
  'conntrack',
  'ipvs',
] as const;

const TableNameSchema = z.enum(TABLES);
const step = z.int().min(0);
const time = z.number().min(0);

/** An explanation: a code of the closed set (kernel/message-codes.ts) and the values it names. */
const ExplainSchema = z.strictObject({
  code: z.enum(MESSAGE_CODES),
  args: z.record(z.string(), z.union([z.string(), z.number()])),
});

export const TraceEventSchema = z.strictObject({
  step,
  time,
  netns: z.string(),
  machine: z.string(),
  interface: z.string().optional(),
  kind: z.enum(EVENT_KINDS),
  packetId: z.int().min(1).optional(),
  packet: z.array(LayerSchema).optional(),
  payload: z.int().min(0).optional(),
  decidedBy: z.strictObject({ table: TableNameSchema, netns: z.string(), row: z.string() }).optional(),
  reason: z.enum(DROP_REASONS).optional(),
  traversed: z
    .array(
      z.strictObject({
        table: z.string(),
        chain: z.string(),
        row: z.string(),
        matched: z.boolean(),
        probability: z.number().min(0).max(1).optional(),
        count: z.number().int().min(1).optional(),
        last: z.string().optional(),
      }),
    )
    .optional(),
  explain: ExplainSchema,
  explanation: z.string(),
});

const CHAPTERS = [
  'resolve',
  'leave-pod',
  'bridge',
  'route',
  'netfilter',
  'encapsulate',
  'underlay',
  'decapsulate',
  'deliver',
  'reply',
] as const;
const KEY_MOMENTS = ['nat', 'encap', 'decap', 'drop', 'icmp-error', 'backend', 'proxy-arp'] as const;
const where = z.strictObject({ netns: z.string(), interface: z.string() });

export const HopSchema = z.strictObject({
  first: step.describe('Index of the first event of the hop (inclusive).'),
  last: step.describe('Index of the last event of the hop (inclusive).'),
  focus: step.describe('Index of the event that stands for the hop.'),
  kind: z.enum(['move', 'decision', 'resolve']),
  chapter: z.enum(CHAPTERS),
  machine: z.string(),
  netns: z.string(),
  from: where.optional(),
  to: where.optional(),
  packetId: z.int().min(1).optional(),
  reply: z.boolean(),
  key: z.array(z.enum(KEY_MOMENTS)).optional(),
  explain: ExplainSchema,
  title: z.string(),
});

export const CaptureSchema = z.strictObject({
  step,
  time,
  netns: z.string(),
  machine: z.string(),
  interface: z.string(),
  direction: z.enum(['tx', 'rx']),
  packetId: z.int().min(1),
  link: z.enum(['eth', 'raw']),
  layers: z.array(LayerSchema),
  payload: z.int().min(0),
  length: z.int().min(0),
  tcpdump: z.string(),
});

export const TableSnapshotSchema = z.strictObject({
  step,
  netns: z.string(),
  table: TableNameSchema,
  rows: z.array(z.string()),
  origins: z.array(z.string()).optional(),
  total: z
    .int()
    .min(0)
    .optional()
    .describe(
      'Rows of the whole table when `rows` holds only the chains the journey walked (a big iptables table).',
    ),
});

export const TopologySchema = z.strictObject({
  machines: z.array(
    z.strictObject({ name: z.string(), role: z.string().optional(), title: z.string().optional() }),
  ),
  netns: z.array(
    z.strictObject({
      name: z.string(),
      machine: z.string(),
      root: z.boolean(),
      interfaces: z.array(
        z.strictObject({
          name: z.string(),
          ifindex: z.int().min(1),
          kind: z.string(),
          mac,
          mtu: z.int().min(0),
          up: z.boolean(),
          // IPv4 (a.b.c.d/len), then IPv6 in RFC 5952 form (fd00::1/64).
          addrs: z.array(z.string().regex(/^(\d{1,3}(\.\d{1,3}){3}\/\d{1,2}|[0-9a-f:]+\/\d{1,3})$/)),
          master: z.string().optional(),
          peer: z.strictObject({ netns: z.string(), interface: z.string() }).optional(),
          segment: z.string().optional(),
        }),
      ),
    }),
  ),
  segments: z.array(z.strictObject({ name: z.string(), title: z.string().optional() })),
});

export const SetupLogEntrySchema = z.strictObject({
  machine: z.string(),
  netns: z.string(),
  command: z.string(),
  source: z.string(),
  by: z.string().optional(),
  ok: z.boolean(),
  output: z.string(),
  expectedFailure: z.boolean().optional(),
});

export const TraceSchema = z
  .strictObject({
    version: z.int().min(1),
    scenario: z.string(),
    flow: z.string(),
    command: z.strictObject({ netns: z.string(), line: z.string() }),
    verdict: z.enum(VERDICTS),
    reason: z.string().optional(),
    output: z.string(),
    topology: TopologySchema,
    setup: z.array(SetupLogEntrySchema),
    events: z.array(TraceEventSchema),
    hops: z.array(HopSchema).describe('The events grouped into hops; they partition the events in order.'),
    captures: z.array(CaptureSchema),
    tables: z.array(TableSnapshotSchema),
    tableNetns: z
      .array(z.string())
      .describe(
        "The namespaces whose tables `tables` records (those the journey touches); another namespace's tables are unchanged by the flow and computed on demand.",
      ),
  })
  .describe('One traced flow: the contract between the Packet Journey engine and every viewer.');

// Compile-time checks: the zod mirror and the TypeScript contract are the same types.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
/** Each layer by its proto with every field required: an optional field missing on one side shows. */
type ByProto<U extends { proto: string }> = { [P in U['proto']]: Required<Extract<U, { proto: P }>> };
export type TraceSchemaChecks = [
  Assert<Same<z.infer<typeof TraceSchema>, Trace>>,
  Assert<Same<z.infer<typeof TraceEventSchema>, TraceEvent>>,
  Assert<Same<z.infer<typeof CaptureSchema>, Capture>>,
  Assert<Same<z.infer<typeof HopSchema>, Hop>>,
  Assert<Same<(typeof CHAPTERS)[number], Chapter>>,
  Assert<Same<(typeof KEY_MOMENTS)[number], KeyMoment>>,
  Assert<Same<z.infer<typeof TableSnapshotSchema>, TableSnapshot>>,
  Assert<Same<z.infer<typeof TopologySchema>, Topology>>,
  Assert<Same<z.infer<typeof LayerSchema>, Layer>>,
  Assert<Same<ByProto<z.infer<typeof LayerSchema>>, ByProto<Layer>>>,
  Assert<Same<(typeof VERDICTS)[number], Verdict>>,
  Assert<Same<(typeof EVENT_KINDS)[number], EventKind>>,
  Assert<Same<(typeof TABLES)[number], TableName>>,
];

/** The JSON Schema (draft 2020-12) of a Trace, generated from the zod mirror. */
export function traceJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(TraceSchema, { target: 'draft-2020-12' });
  return {
    $id: 'https://packet-journey.invalid/schema/trace.schema.json',
    title: 'Packet Journey trace',
    ...schema,
  };
}
