/**
 * The slice of Go's text/template that `docker inspect -f` is used with: field paths
 * ({{.State.Pid}}), `json`, `index`, `range ... end` over a map's values (sorted by key, as
 * Go ranges over maps) or a list, and literal text. A missing key prints "<no value>" (the
 * inspect JSON is a map); maps print as Go prints them, map[key:value ...].
 */
import { CommandError } from '../kernel/errors';

type Value = unknown;

function goPrint(v: Value): string {
  if (v === undefined) return '<no value>';
  if (v === null) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goPrint).join(' ')}]`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `map[${Object.keys(o)
      .sort()
      .map((k) => `${k}:${goPrint(o[k])}`)
      .join(' ')}]`;
  }
  return String(v);
}

function field(dot: Value, path: string): Value {
  if (path === '.') return dot;
  let v: Value = dot;
  for (const key of path.slice(1).split('.')) {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

function parseErr(msg: string): CommandError {
  return new CommandError(`template parsing error: template: :1: ${msg}`, 1);
}

function evalArg(dot: Value, w: string): Value {
  if (w.startsWith('.')) return field(dot, w);
  if (/^"([^"\\]|\\.)*"$/.test(w)) return JSON.parse(w) as string;
  if (/^\d+$/.test(w)) return Number(w);
  throw parseErr(`unexpected "${w}" in command`);
}

function evalAction(dot: Value, action: string): Value {
  const words = action.match(/"(?:[^"\\]|\\.)*"|\S+/g) ?? [];
  const [head, ...args] = words;
  if (head === undefined) throw parseErr('missing value for command');
  if (head.startsWith('.') || head.startsWith('"')) {
    if (args.length > 0) throw parseErr(`can't give argument to non-function ${head}`);
    return evalArg(dot, head);
  }
  if (head === 'json') {
    const v = evalArg(dot, args[0] ?? '.');
    return v === undefined ? 'null' : JSON.stringify(v);
  }
  if (head === 'index') {
    let v = evalArg(dot, args[0] ?? '.');
    for (const k of args.slice(1).map((a) => evalArg(dot, a))) {
      if (v === null || typeof v !== 'object') return undefined;
      v = (v as Record<string, unknown>)[String(k)];
    }
    return v;
  }
  throw parseErr(`function "${head}" not defined`);
}

interface Node {
  text?: string;
  action?: string;
  range?: { over: string; body: Node[] };
}

function parse(src: string): Node[] {
  const root: Node[] = [];
  const stack: Node[][] = [root];
  const re = /\{\{-?\s*(.*?)\s*-?\}\}/gs;
  let last = 0;
  for (let m = re.exec(src); m; m = re.exec(src)) {
    if (m.index > last) stack[stack.length - 1]!.push({ text: src.slice(last, m.index) });
    last = m.index + m[0].length;
    const a = m[1]!;
    if (a.startsWith('range ')) {
      const body: Node[] = [];
      stack[stack.length - 1]!.push({ range: { over: a.slice(6).trim(), body } });
      stack.push(body);
    } else if (a === 'end') {
      if (stack.length === 1) throw parseErr('unexpected {{end}}');
      stack.pop();
    } else stack[stack.length - 1]!.push({ action: a });
  }
  if (src.indexOf('{{', last) >= 0) throw parseErr('unclosed action');
  if (last < src.length) stack[stack.length - 1]!.push({ text: src.slice(last) });
  if (stack.length > 1) throw parseErr('unexpected EOF');
  return root;
}

function run(nodes: Node[], dot: Value): string {
  let out = '';
  for (const n of nodes) {
    if (n.text !== undefined) out += n.text;
    else if (n.action !== undefined) out += goPrint(evalAction(dot, n.action));
    else if (n.range) {
      const over = evalAction(dot, n.range.over);
      const items = Array.isArray(over)
        ? over
        : over && typeof over === 'object'
          ? Object.keys(over)
              .sort()
              .map((k) => (over as Record<string, unknown>)[k])
          : [];
      for (const item of items) out += run(n.range.body, item);
    }
  }
  return out;
}

export function renderTemplate(src: string, data: Value): string {
  return run(parse(src), data);
}
