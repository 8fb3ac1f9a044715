/** One correction: the note's own words (Chinese, with its file), what it claims, what Linux does, the evidence. */
import { useT } from '../i18n';
import type { CorrectionInfo } from '../types';

export function CorrectionCard({ c, highlight = false }: { c: CorrectionInfo; highlight?: boolean }) {
  const { t, lang } = useT();
  const l = (x: { en: string; zh: string }) => (lang === 'zh-CN' ? x.zh : x.en);
  return (
    <article
      data-correction={c.id}
      className={`space-y-1 rounded border px-2 py-1 text-sm ${highlight ? 'border-amber-500 bg-amber-50 dark:bg-amber-950/50' : 'border-slate-300 dark:border-slate-600'}`}
    >
      <p>
        <span className="font-semibold">{t('notes.says')}: </span>
        {l(c.says)}
      </p>
      <blockquote
        lang="zh-CN"
        className="border-l-2 border-slate-400 pl-2 text-slate-700 dark:text-slate-300"
      >
        <span className="text-xs">{t('notes.quote', { file: c.note.file })}</span> {c.note.quote}
      </blockquote>
      <p>
        <span className="font-semibold">{t('notes.linux')}: </span>
        {l(c.linux)}
      </p>
      <p className="text-xs text-slate-600 dark:text-slate-300">
        {t('notes.evidence')}{' '}
        {c.evidence.flow && <code>{t('notes.evidenceFlow', { flow: c.evidence.flow })}</code>}
        {c.evidence.flow && c.evidence.command && ' · '}
        {c.evidence.command && (
          <code>
            {t('notes.evidenceCommand', { netns: c.evidence.netns ?? '', command: c.evidence.command })}
          </code>
        )}
      </p>
    </article>
  );
}
