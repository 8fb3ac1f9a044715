/**
 * The validator of a v1 link's edits (zod). A module of its own so the page loads zod only when a
 * link carries edits (link.ts imports it dynamically).
 */
import { z } from '../../engine/util/zod';
import {
  MAX_DECODED,
  MAX_EXECS,
  MAX_LINE,
  NETNS_RE,
  noControl,
  type EditsV1Json,
  type LinkEdits,
  type LinkResult,
} from './link';
import { fmt } from './strings';

export const ExecSchema = z.strictObject({
  netns: z.string().regex(NETNS_RE, 'expected a netns name'),
  line: z
    .string()
    .min(1, 'expected a command')
    .max(MAX_LINE, `a command has at most ${MAX_LINE} characters`)
    .refine(noControl, 'a command is one line without control characters'),
});

export const EditsV1Schema = z.strictObject({
  yaml: z.string().max(MAX_DECODED).optional(),
  execs: z.array(ExecSchema).max(MAX_EXECS).optional(),
}) satisfies z.ZodType<EditsV1Json>;

function zodMessage(err: z.ZodError): string {
  const issue = err.issues[0];
  if (!issue) return 'invalid';
  const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
  return fmt('link.badField', { path: path.replace(/^\./, '') || '(root)', message: issue.message });
}

/** The edits of a parsed v1 payload, or the first field that is wrong. */
export function validateEditsV1(json: unknown): LinkResult<LinkEdits> {
  const parsed = EditsV1Schema.safeParse(json);
  if (!parsed.success) return { ok: false, error: zodMessage(parsed.error) };
  return { ok: true, value: { yaml: parsed.data.yaml ?? null, execs: parsed.data.execs ?? [] } };
}
