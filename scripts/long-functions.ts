/**
 * Functions longer than a limit (default 80 lines), found with the TypeScript AST over
 * src/**\/*.ts(x) without tests: prints how many and the longest (default 20), so a change
 * that splits functions can show the count before and after.
 * Usage: tsx scripts/long-functions.ts [--limit N] [--top N]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import ts from 'typescript';

interface LongFunction {
  file: string;
  line: number;
  name: string;
  lines: number;
}

function* sources(dir: string): Generator<string> {
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) yield* sources(p);
    else if (/\.tsx?$/.test(e) && !/\.(test|spec)\.tsx?$/.test(e) && !e.endsWith('.d.ts')) yield p;
  }
}

/** The name a reader would search for: the declaration's, or the variable/property it is assigned to. */
function nameOf(node: ts.Node, sf: ts.SourceFile): string {
  const named = node as ts.Node & { name?: ts.Node };
  if (named.name) return named.name.getText(sf);
  const p = node.parent;
  if (ts.isVariableDeclaration(p) || ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p))
    return p.name.getText(sf);
  if (ts.isCallExpression(p)) return `(callback of ${p.expression.getText(sf).slice(0, 40)})`;
  return '(anonymous)';
}

function isFunction(n: ts.Node): n is ts.FunctionLikeDeclaration {
  return (
    ts.isFunctionDeclaration(n) ||
    ts.isFunctionExpression(n) ||
    ts.isArrowFunction(n) ||
    ts.isMethodDeclaration(n) ||
    ts.isConstructorDeclaration(n) ||
    ts.isGetAccessorDeclaration(n) ||
    ts.isSetAccessorDeclaration(n)
  );
}

export function longFunctions(root: string, limit: number): LongFunction[] {
  const out: LongFunction[] = [];
  for (const file of sources(join(root, 'src'))) {
    const text = readFileSync(file, 'utf8');
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const visit = (n: ts.Node): void => {
      if (isFunction(n) && n.body) {
        const first = sf.getLineAndCharacterOfPosition(n.getStart(sf)).line;
        const last = sf.getLineAndCharacterOfPosition(n.getEnd()).line;
        const lines = last - first + 1;
        if (lines > limit)
          out.push({ file: relative(root, file), line: first + 1, name: nameOf(n, sf), lines });
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return out.sort((a, b) => b.lines - a.lines || a.file.localeCompare(b.file));
}

const { values } = parseArgs({
  options: { limit: { type: 'string', default: '80' }, top: { type: 'string', default: '20' } },
});
const found = longFunctions(join(import.meta.dirname, '..'), Number(values.limit));
console.log(`${found.length} functions longer than ${values.limit} lines (src, without tests)`);
for (const f of found.slice(0, Number(values.top)))
  console.log(`${String(f.lines).padStart(5)}  ${f.name}  ${f.file}:${f.line}`);
