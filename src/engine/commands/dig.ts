/**
 * dig's command line as BIND 9.18's parse_args reads it: `@server`, `-t TYPE`, a word that
 * names a type or the class IN, `+option` / `+nooption`, and the name (default "." with
 * type NS). An option dig does not know ends it with "Invalid option" and its usage, exit
 * 1 (measured); an unknown -t type is warned about and ignored; options dig knows but this
 * model does not run are refused by name.
 */
import { Dig, type DigOptions } from '../apps/dig';
import { CommandError } from '../kernel/errors';
import { parseIp } from '../net/ipv4';
import { DNS_TYPES, type DnsType } from '../net/dns';
import type { CommandContext, CommandResult } from './types';

const USAGE = [
  'Usage:  dig [@global-server] [domain] [q-type] [q-class] {q-opt}',
  '            {global-d-opt} host [@local-server] {local-d-opt}',
  '            [ host [@local-server] {local-d-opt} [...]]',
  '',
  'Use "dig -h" (or "dig -h | more") for complete list of options',
].join('\n');

/** Types dig knows that the model's DNS layer cannot carry. */
const OTHER_TYPES = new Set([
  'MX',
  'TXT',
  'SRV',
  'ANY',
  'AXFR',
  'IXFR',
  'DS',
  'DNSKEY',
  'CAA',
  'HINFO',
  'NAPTR',
]);

/** Options of dig's that the model does not run (they exist, so "Invalid option" would be wrong). */
const UNMODELLED_DASH = new Set([
  '-x',
  '-p',
  '-4',
  '-6',
  '-b',
  '-c',
  '-f',
  '-k',
  '-q',
  '-y',
  '-m',
  '-u',
  '-r',
]);

const invalid = (opt: string): CommandError => new CommandError(`Invalid option: ${opt}\n${USAGE}`, 1);

function typeOf(word: string): DnsType | 'other' | undefined {
  const w = word.toUpperCase();
  if (w in DNS_TYPES) return w as DnsType;
  return OTHER_TYPES.has(w) ? 'other' : undefined;
}

function unmodelledType(word: string): CommandError {
  return new CommandError(
    `dig: type ${word.toUpperCase()} is not modelled here; the DNS layer carries ${Object.keys(DNS_TYPES).join(', ')}`,
    1,
  );
}

/** +[no]keyword for the keywords the model runs. */
function plusOption(o: DigOptions, arg: string): void {
  const m = /^\+(no)?([a-z]+)$/.exec(arg);
  const on = m?.[1] === undefined;
  switch (m?.[2]) {
    case 'short':
      o.short = on;
      return;
    case 'search':
      o.search = on;
      return;
    case 'edns':
      o.edns = on;
      return;
    case 'cookie':
      o.cookie = on;
      return;
    default:
      throw invalid(arg);
  }
}

export function parseDig(argv: string[]): { o: DigOptions; warnings: string[] } {
  const args = argv.slice(1);
  const o: DigOptions = {
    name: '',
    type: 'A',
    short: false,
    search: false,
    edns: true,
    cookie: true,
    args: args.join(' '),
  };
  const warnings: string[] = [];
  let typed = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith('@')) {
      const ip = parseIp(a.slice(1));
      if (ip === null)
        throw new CommandError(`dig: @${a.slice(1)}: only an IPv4 address is modelled as the server here`, 1);
      o.server = ip;
    } else if (a.startsWith('+')) plusOption(o, a);
    else if (a === '-t') {
      const v = args[++i];
      if (v === undefined) throw invalid(a);
      const t = typeOf(v);
      if (t === 'other') throw unmodelledType(v);
      if (t === undefined) warnings.push(`;; Warning, ignoring invalid type ${v}`);
      else [o.type, typed] = [t, true];
    } else if (UNMODELLED_DASH.has(a)) throw new CommandError(`dig: ${a} is not modelled here`, 1);
    else if (a.startsWith('-')) throw invalid(a);
    else if (a.toUpperCase() === 'IN') continue;
    else {
      const t = typeOf(a);
      if (t === 'other') throw unmodelledType(a);
      if (t !== undefined) [o.type, typed] = [t, true];
      else o.name = a;
    }
  }
  // No name: dig asks the root for its name servers.
  if (o.name === '') [o.name, o.type] = ['.', typed ? o.type : 'NS'];
  return { o, warnings };
}

/** dig [@server] name [type] [+short] [+search]: BIND 9.18's. */
export function dig(ctx: CommandContext, argv: string[]): CommandResult {
  const { o, warnings } = parseDig(argv);
  const p = new Dig(ctx.ns, o);
  p.output.push(...warnings);
  return { output: '', process: p };
}
