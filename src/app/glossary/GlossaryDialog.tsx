/** The glossary: every term with a short definition in the current language; opened from the header or a linked term. */
import { useEffect, useRef } from 'react';
import { classroomStore, useClassroom } from '../classroom/store';
import { useT } from '../i18n';
import { GLOSSARY } from './terms';

export function GlossaryDialog() {
  const { t, lang } = useT();
  const open = useClassroom((s) => s.glossaryOpen);
  const term = useClassroom((s) => s.glossaryTerm);
  const ref = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
    if (open && term) d.querySelector(`[data-entry="${term}"]`)?.scrollIntoView({ block: 'center' });
  }, [open, term]);

  return (
    <dialog
      ref={ref}
      aria-labelledby="glossary-heading"
      onClose={() => classroomStore.getState().closeGlossary()}
      className="m-auto max-h-[85vh] w-[min(44rem,92vw)] rounded-lg border border-slate-300 bg-white p-0 text-slate-900 shadow-xl backdrop:bg-slate-950/40 dark:border-slate-600 dark:bg-slate-900 dark:text-slate-100"
    >
      <div className="sticky top-0 flex items-center justify-between border-b border-slate-200 bg-white px-4 py-2 dark:border-slate-700 dark:bg-slate-900">
        <h2 id="glossary-heading" className="text-lg font-semibold">
          {t('glossary.title')}
        </h2>
        <button
          type="button"
          onClick={() => classroomStore.getState().closeGlossary()}
          className="rounded border border-slate-300 px-2 py-0.5 text-sm hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-800"
        >
          {t('glossary.close')}
        </button>
      </div>
      {/* Built when opened: a closed dialog costs the page nothing. */}
      {open && (
        <dl className="space-y-2 px-4 py-3">
          {GLOSSARY.map((g) => (
            <div
              key={g.id}
              data-entry={g.id}
              className={`rounded px-2 py-1 ${g.id === term ? 'bg-amber-100 ring-1 ring-amber-400 dark:bg-amber-900/60' : ''}`}
            >
              <dt className="font-semibold">{g.term[lang]}</dt>
              <dd className="text-sm leading-relaxed text-slate-700 dark:text-slate-200">{g.def[lang]}</dd>
            </div>
          ))}
        </dl>
      )}
    </dialog>
  );
}
