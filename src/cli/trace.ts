/**
 * npm run -s trace -- <scenario.yaml> --flow <id> [--format text|json|pcapng] [--out FILE] [--exec "<netns>: <command>"]... [--list]
 *
 * Traces one flow of a scenario and prints it as a listing (text) or as the Trace JSON, or
 * writes every captured frame as real bytes to a pcapng file (--format pcapng --out FILE).
 * Exit status: 0 when the trace ran (a dropped packet is a successful trace), 2 on bad input.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  bugReport,
  InternalError,
  listFlows,
  loadScenario,
  UserError,
  traceFlow,
  traceToPcapng,
  type ExecCommand,
  type Trace,
} from '../engine/index';

export const USAGE =
  'usage: trace <scenario.yaml> --flow <id> [--format text|json|pcapng] [--out FILE] [--exec "<netns>: <command>"]... [--list]';

export interface Io {
  out(s: string): void;
  err(s: string): void;
  readFile(path: string): string;
  writeFile?(path: string, data: Uint8Array): void;
}

const nodeIo: Io = {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  readFile: (p) => readFileSync(p, 'utf8'),
  writeFile: (p, d) => writeFileSync(p, d),
};

export class UsageError extends Error {}

/** sysexits.h EX_SOFTWARE: the model broke, not the input. */
export const EXIT_INTERNAL = 70;

/** `"pod1: ip route del default"` -> {netns: "pod1", line: "ip route del default"} */
export function parseExec(arg: string): ExecCommand {
  const i = arg.indexOf(':');
  const netns = i > 0 ? arg.slice(0, i).trim() : '';
  const line = i > 0 ? arg.slice(i + 1).trim() : '';
  if (!netns || !line || /\s/.test(netns)) {
    throw new UsageError(`bad --exec "${arg}": expected "<netns>: <command>"`);
  }
  return { netns, line };
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

/** The trace as a listing: a heading per hop, its events indented under it, each capture's tcpdump line under its event. */
export function formatText(t: Trace): string {
  const lines: string[] = [];
  lines.push(`scenario ${t.scenario}  flow ${t.flow}  ${t.command.netns}$ ${t.command.line}`);
  const where = (e: { netns: string; interface?: string }) =>
    e.interface !== undefined ? `${e.netns}/${e.interface}` : e.netns;
  const wStep = String(Math.max(0, t.events.length - 1)).length;
  const wWhere = Math.max(0, ...t.events.map((e) => where(e).length));
  const wKind = Math.max(0, ...t.events.map((e) => e.kind.length));
  const byStep = new Map<number, Trace['captures']>();
  for (const c of t.captures) {
    const list = byStep.get(c.step) ?? [];
    list.push(c);
    byStep.set(c.step, list);
  }
  const indent = ' '.repeat(wStep + 4);
  const wHop = String(t.hops.length).length;
  t.hops.forEach((h, n) => {
    const key = h.key?.length ? `  [${h.key.join(', ')}]` : '';
    lines.push(
      `hop ${String(n + 1).padStart(wHop)}  ${h.chapter}${h.reply && h.chapter !== 'reply' ? ' (reply)' : ''}: ${h.title}${key}`,
    );
    for (const e of t.events.slice(h.first, h.last + 1)) {
      lines.push(
        `  ${String(e.step).padStart(wStep)}  ${pad(where(e), wWhere)}  ${pad(e.kind, wKind)}  ${e.explanation}`.trimEnd(),
      );
      for (const c of byStep.get(e.step) ?? []) {
        const at = c.netns === e.netns ? c.interface : `${c.netns}/${c.interface}`;
        lines.push(
          `${indent}${at} ${c.direction === 'tx' ? 'Out' : 'In '} ${c.tcpdump.replace(/\n/g, `\n${indent}  `)}`,
        );
      }
    }
  });
  lines.push(`verdict: ${t.verdict}${t.reason !== undefined ? ` — ${t.reason}` : ''}`);
  if (t.output !== '') {
    lines.push('');
    lines.push(t.output);
  }
  return lines.join('\n') + '\n';
}

type TraceFormat = 'text' | 'json' | 'pcapng';

/** Runs the CLI; returns the exit status. */
export function main(argv: string[], io: Io = nodeIo): number {
  try {
    return runTrace(argv, io);
  } catch (err) {
    return reportFailure(io, err);
  }
}

/** Every check that can be made from the arguments alone comes before the scenario is read. */
function runTrace(argv: string[], io: Io): number {
  const { values, positionals } = parseCommandLine(argv);
  if (values.help) {
    io.out(USAGE + '\n');
    return 0;
  }
  if (positionals.length !== 1)
    throw new UsageError(positionals.length ? 'expected one scenario file' : USAGE);
  const format = checkFormat(values.format, values.out);
  const exec = (values.exec ?? []).map(parseExec);
  const file = positionals[0]!;
  const scenario = loadScenario(readScenario(io, file), file);
  if (values.list) {
    for (const f of listFlows(scenario)) io.out(`${f.id}\t${f.netns}\t${f.command}\n`);
    return 0;
  }
  if (values.flow === undefined) {
    throw new UsageError(
      `--flow is required; flows: ${scenario.flows.map((f) => f.id).join(', ') || '(none)'}`,
    );
  }
  const trace = traceFlow(scenario, values.flow, { exec });
  if (format === 'pcapng' || values.out !== undefined) {
    writeTrace(io, trace, format, values.out!);
    return 0;
  }
  io.out(renderTrace(trace, format));
  return 0;
}

/** node's own parse errors are usage errors too, so they exit 2 with the same prefix. */
function parseCommandLine(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        flow: { type: 'string', short: 'f' },
        format: { type: 'string', default: 'text' },
        out: { type: 'string', short: 'o' },
        exec: { type: 'string', multiple: true, default: [] },
        list: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

/** pcapng is binary, so it is never written to the terminal. */
function checkFormat(format: string | undefined, out: string | undefined): TraceFormat {
  if (format !== 'text' && format !== 'json' && format !== 'pcapng')
    throw new UsageError(`bad --format "${format}": expected text, json or pcapng`);
  if (format === 'pcapng' && out === undefined)
    throw new UsageError('--format pcapng writes binary: give the file with --out FILE');
  return format;
}

/** A missing file is the common mistake, so it gets a short message rather than node's. */
function readScenario(io: Io, file: string): string {
  try {
    return io.readFile(file);
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new UsageError(
      `${file}: ${code === 'ENOENT' ? 'no such file' : err instanceof Error ? err.message : String(err)}`,
    );
  }
}

function renderTrace(trace: Trace, format: TraceFormat): string {
  return format === 'json' ? JSON.stringify(trace, null, 2) + '\n' : formatText(trace);
}

/** --out: the bytes are built first, so a model error is reported even where files cannot be written. */
function writeTrace(io: Io, trace: Trace, format: TraceFormat, out: string): void {
  const data =
    format === 'pcapng' ? traceToPcapng(trace) : Uint8Array.from(Buffer.from(renderTrace(trace, format)));
  if (!io.writeFile) throw new UsageError('--out is not available here');
  try {
    io.writeFile(out, data);
  } catch (err) {
    throw new UsageError(`${out}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (format === 'pcapng') io.err(`trace: wrote ${trace.captures.length} frames to ${out}\n`);
}

/** Bad input exits 2; a broken model exits EX_SOFTWARE with a bug report; anything else is rethrown. */
function reportFailure(io: Io, err: unknown): number {
  if (err instanceof UsageError || err instanceof UserError) {
    io.err(`trace: ${err.message}\n`);
    return 2;
  }
  if (err instanceof InternalError) {
    io.err(
      `trace: ${err.message}\nThis is a bug in Packet Journey; please report it with:\n\n${bugReport(err)}\n`,
    );
    return EXIT_INTERNAL;
  }
  throw err;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2));
}
