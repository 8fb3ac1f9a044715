/**
 * An event's explanation rendered from its template in the current language: the real values
 * (args) marked as values, glossary terms in the template's own words linked to the glossary.
 */
import { memo } from 'react';
import { classroomStore } from '../classroom/store';
import { linkTerms } from '../glossary/terms';
import type { Explain } from '../types';
import { explainDict, useT } from './index';

const compiled = new WeakMap<Record<string, string>, Map<string, string[]>>();

/** The template split into literal and placeholder parts (like renderExplain, kept as parts). */
export function templateParts(
  dict: Record<string, string>,
  fallback: Record<string, string>,
  code: string,
): string[] {
  let byCode = compiled.get(dict);
  if (!byCode) compiled.set(dict, (byCode = new Map()));
  let p = byCode.get(code);
  if (!p) byCode.set(code, (p = (dict[code] ?? fallback[code] ?? code).split(/\{(\w+)\}/)));
  return p;
}

export const Explained = memo(function Explained({
  explain,
  links = false,
}: {
  explain: Explain;
  links?: boolean;
}) {
  const { t, lang } = useT();
  const parts = templateParts(explainDict(lang), explainDict('en'), explain.code);
  const seen = new Set<string>();
  return (
    <>
      {parts.map((part, i) => {
        if (i % 2 === 1) {
          const v = explain.args[part];
          return v === undefined ? null : (
            <span key={i} data-arg="" className="font-medium">
              {String(v)}
            </span>
          );
        }
        if (!links) return part;
        return linkTerms(part, lang, seen).map((seg, j) =>
          seg.term ? (
            <button
              key={`${i}.${j}`}
              type="button"
              data-term={seg.term}
              onClick={() => classroomStore.getState().openGlossary(seg.term)}
              title={t('glossary.term', { term: seg.text })}
              className="cursor-help text-sky-800 underline decoration-dotted underline-offset-2 hover:text-sky-950 dark:text-sky-300 dark:hover:text-sky-100"
            >
              {seg.text}
            </button>
          ) : (
            seg.text
          ),
        );
      })}
    </>
  );
});
