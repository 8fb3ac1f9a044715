/**
 * The notes search: one query over the catalog's corrections (their search terms, the
 * quoted note, what it says and what Linux does), scenario titles and descriptions, the
 * devices of the journey on screen, and glossary terms. A correction whose terms name the
 * query exactly comes first, so "flannel1" or "tun0" leads straight to its explanation.
 */
import type { GlossaryEntry } from '../glossary/terms';
import type { Lang } from '../i18n';
import type { ScenarioInfo } from '../types';

export type Hit =
  | { kind: 'correction'; scenarioId: string; correctionId: string; label: string; detail: string }
  | { kind: 'scenario'; scenarioId: string; label: string; detail: string }
  | { kind: 'device'; scenarioId: string; netns: string; label: string; detail: string }
  | { kind: 'glossary'; glossaryId: string; label: string; detail: string };

const MAX_HITS = 12;

const has = (text: string | undefined, q: string): boolean => !!text && text.toLowerCase().includes(q);

export function searchNotes(
  query: string,
  catalog: readonly ScenarioInfo[],
  glossary: readonly GlossaryEntry[],
  devices: { scenarioId: string; netns: string; names: readonly string[] }[],
  lang: Lang,
): Hit[] {
  const q = query.trim().toLowerCase();
  if (q.length < 2) return [];
  const zh = lang === 'zh-CN';
  const exact: Hit[] = [];
  const rest: Hit[] = [];
  for (const s of catalog) {
    const title = (zh && s.zh?.title) || s.title;
    for (const c of s.corrections ?? []) {
      const says = zh ? c.says.zh : c.says.en;
      const hit: Hit = {
        kind: 'correction',
        scenarioId: s.id,
        correctionId: c.id,
        label: says,
        detail: title,
      };
      if (c.terms.some((t) => t.toLowerCase() === q)) exact.push(hit);
      else if (
        c.terms.some((t) => has(t, q)) ||
        [c.note.quote, c.says.en, c.says.zh, c.linux.en, c.linux.zh].some((t) => has(t, q))
      )
        rest.push(hit);
    }
    const description = (zh && s.zh?.description) || s.description;
    if (has(title, q) || has(s.title, q) || has(description, q))
      rest.push({ kind: 'scenario', scenarioId: s.id, label: title, detail: s.id });
  }
  for (const d of devices)
    for (const n of d.names)
      if (has(n, q))
        rest.push({ kind: 'device', scenarioId: d.scenarioId, netns: d.netns, label: n, detail: d.netns });
  for (const g of glossary)
    if (has(g.term.en, q) || has(g.term['zh-CN'], q) || g.match[lang].some((m) => has(m, q)))
      rest.push({ kind: 'glossary', glossaryId: g.id, label: g.term[lang], detail: g.def[lang] });
  return [...exact, ...rest].slice(0, MAX_HITS);
}
