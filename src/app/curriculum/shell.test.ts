/**
 * The static shell in index.html carries a first visit's welcome card before any module arrives: its
 * words must be the card's (Welcome.tsx), and its inline script must decide a first visit as
 * welcome.ts does.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { runInNewContext } from 'node:vm';
import { PATH, PROGRESS_KEY } from './path';
import { LESSON_EN, lessonText } from './texts';
import { isFirstVisit, WELCOME_KEY } from './welcome';

const html = readFileSync(path.resolve(import.meta.dirname, '../../../index.html'), 'utf8');
const words = (s: string) => s.replace(/\s+/g, ' ').trim();

describe('the static shell', () => {
  it('says what the welcome card says, in both of its copies (phone and desktop)', () => {
    const paras = [...html.matchAll(/<p class="text-sm" data-shell-welcome>([\s\S]*?)<\/p>/g)].map((m) =>
      words(m[1]!),
    );
    expect(paras).toEqual([
      lessonText('en', 'welcomeText', { total: PATH.length }),
      lessonText('en', 'welcomeText', { total: PATH.length }),
    ]);
    const headings = [...html.matchAll(/<h2 class="text-base font-bold">([^<]*)<\/h2>/g)].map((m) =>
      words(m[1]!),
    );
    expect(headings).toEqual([LESSON_EN.welcome, LESSON_EN.welcome]);
    const spans = [...html.matchAll(/<span class="rounded[^"]*"\s*>([^<]*)<\/span/g)].map((m) =>
      words(m[1]!),
    );
    expect(spans).toEqual([LESSON_EN.start, LESSON_EN.explore, LESSON_EN.start, LESSON_EN.explore]);
  });

  // The head's inline script, run against a fake page: it marks <html> exactly when welcome.ts would.
  const script = html.match(/<head>[\s\S]*?<script>([\s\S]*?)<\/script>/)![1]!;
  const marks = (search: string, hash: string, stored: Record<string, string>, noStorage = false) => {
    const classes = new Set<string>();
    const localStorage = {
      getItem: (k: string) => {
        if (noStorage) throw new Error('SecurityError');
        return stored[k] ?? null;
      },
    };
    runInNewContext(script, {
      location: { search, hash },
      localStorage,
      document: { documentElement: { classList: { add: (c: string) => classes.add(c) } } },
    });
    const first = isFirstVisit(search, hash, noStorage ? { getItem: localStorage.getItem } : localStorage);
    return { shell: classes.has('pj-first'), page: first };
  };

  it.each([
    ['', '', {}],
    ['?', '#', {}],
    ['?s=veth-pair', '', {}],
    ['', '#e=1', {}],
    ['', '', { [WELCOME_KEY]: '1' }],
    ['', '', { [PROGRESS_KEY]: '[]' }],
  ])(
    'marks a first visit as welcome.ts decides it (search %j, hash %j, stored %j)',
    (search, hash, stored) => {
      const { shell, page } = marks(search, hash, stored);
      expect(shell).toBe(page);
    },
  );

  it('marks the bare first visit, and nothing without storage', () => {
    expect(marks('', '', {}).shell).toBe(true);
    expect(marks('', '', {}, true)).toEqual({ shell: false, page: false });
  });
});
