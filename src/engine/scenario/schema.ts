/**
 * The scenario file format, version 1: machines, their NICs and the L2 segments they are
 * cabled to, the real commands that configure them, the servers they run and the flows a
 * learner can trace. Unknown keys are errors, so a typo never silently changes a world.
 * schema/scenario.schema.json is generated from this (npm run schemas).
 */
import { z } from 'zod';
import { parseCidr } from '../net/ipv4';
import { normalizeMac } from '../net/mac';

export const SCENARIO_VERSION = 1;

export const GROUPS = [
  'Basics',
  'Docker',
  'flannel',
  'Calico',
  'Kubernetes Services',
  'NAT',
  'Troubleshooting',
] as const;

export const ROLES = ['host', 'router', 'internet', 'client'] as const;

const ID_RE = /^[a-z0-9][a-z0-9-]*$/;
/** Machine, netns, segment and interface names: what `ip netns add` and `ip link` accept, minus spaces and slashes. */
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._@-]*$/;

const text = z.string().trim().min(1, 'must not be empty');

export const LocalizedSchema = z
  .strictObject({ en: text, zh: text })
  .describe('Text in English (en) and Simplified Chinese (zh).');

const name = (what: string) =>
  z
    .string()
    .regex(
      NAME_RE,
      `${what} must start with a letter or digit and use only letters, digits, ".", "_", "@", "-"`,
    );

export const NicSchema = z
  .strictObject({
    name: name('an interface name').max(15, 'an interface name has at most 15 characters (IFNAMSIZ)'),
    segment: name('a segment name').describe('The L2 segment (key of `segments`) this NIC is cabled to.'),
    mac: z
      .string()
      .refine((s) => normalizeMac(s) !== null, 'expected a MAC address like 02:00:00:00:00:0a')
      .optional()
      .describe('Generated deterministically from the scenario id when omitted.'),
    addr: z
      .string()
      .refine(
        (s) => parseCidr(s) !== null,
        'expected an IPv4 address with prefix length, like 192.168.0.100/24',
      )
      .optional()
      .describe('Expands into `ip addr add ADDR dev NAME`.'),
  })
  .describe('A physical NIC, created before setup and brought up with `ip link set NAME up`.');

export const SetupObjectSchema = z.strictObject({
  run: text.describe('The command line, as typed on the machine.'),
  by: text
    .optional()
    .describe('Provenance shown on every row it writes, e.g. "flanneld" (-> "flanneld on A").'),
  expect: z
    .literal('fail')
    .optional()
    .describe('The command is expected to fail; its error message is part of the story.'),
});

export const SETUP_ITEM_MESSAGE = 'expected a string or {run, by, expect}';

export const SetupItemSchema = z.union([text, SetupObjectSchema], { error: SETUP_ITEM_MESSAGE });

export const MachineSchema = z.strictObject({
  role: z.enum(ROLES).default('host').describe('Display only.'),
  title: text.optional(),
  nics: z.array(NicSchema).default([]),
  setup: z.array(SetupItemSchema).default([]).describe("Commands run in the machine's root netns, in order."),
});

export const SegmentSchema = z.strictObject({ title: text.optional() });

export const LISTEN_RE = /^(tcp|udp)\/([0-9]{1,5})$/;

export const ServerSchema = z.strictObject({
  netns: name('a netns name'),
  listen: z
    .string()
    .regex(LISTEN_RE, 'expected PROTO/PORT, like tcp/80 or udp/53')
    .refine((s) => {
      const port = Number(LISTEN_RE.exec(s)?.[2]);
      return port >= 1 && port <= 65535;
    }, 'the port must be between 1 and 65535'),
  process: text.describe('The program name, as `ss -p` shows it.'),
  reply: z.int().min(0).max(1_000_000).default(0).describe('Bytes answered per request.'),
});

export const FlowSchema = z.strictObject({
  id: z.string().regex(ID_RE, 'a flow id uses lower-case letters, digits and "-"'),
  netns: name('a netns name').describe(
    'A machine name (its root netns) or a netns created by `ip netns add`.',
  ),
  command: text,
  title: LocalizedSchema,
  description: LocalizedSchema.optional(),
});

export const ScenarioFileSchema = z
  .strictObject({
    version: z.literal(SCENARIO_VERSION),
    id: z.string().regex(ID_RE, 'a scenario id uses lower-case letters, digits and "-"'),
    group: z.enum(GROUPS),
    concept: LocalizedSchema.describe('What the scenario teaches.'),
    title: LocalizedSchema,
    description: LocalizedSchema,
    segments: z.record(name('a segment name'), SegmentSchema.nullable()).default({}),
    machines: z.record(name('a machine name'), MachineSchema),
    servers: z.array(ServerSchema).default([]),
    flows: z.array(FlowSchema).default([]),
  })
  .describe('A Packet Journey scenario: machines configured by real Linux commands, and the flows to trace.');

export type ScenarioFile = z.infer<typeof ScenarioFileSchema>;
export type Localized = z.infer<typeof LocalizedSchema>;

/** The JSON Schema editors use for scenario YAML (draft 2020-12), generated from the zod schema. */
export function scenarioJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ScenarioFileSchema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
  });
  return {
    $id: 'https://packet-journey.invalid/schema/scenario.schema.json',
    title: 'Packet Journey scenario',
    ...schema,
  };
}
