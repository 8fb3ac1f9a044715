/** The glossary: every term with a short definition in the current language; opened from the header or a linked term. */
import { useEffect, useRef } from 'react';
import { classroomStore, useClassroom } from '../classroom/store';
import { useT } from '../i18n';
import { Dialog } from '../share/Dialog';
import { GLOSSARY } from './terms';

export default function GlossaryDialog() {
  const { t, lang } = useT();
  const open = useClassroom((s) => s.glossaryOpen);
  const term = useClassroom((s) => s.glossaryTerm);
  const list = useRef<HTMLDListElement>(null);

  // Runs after the Dialog (a child) has opened and built the list.
  useEffect(() => {
    if (open && term)
      list.current?.querySelector(`[data-entry="${term}"]`)?.scrollIntoView({ block: 'center' });
  }, [open, term]);

  return (
    <Dialog open={open} title={t('glossary.title')} onClose={() => classroomStore.getState().closeGlossary()}>
      <dl ref={list} className="space-y-2">
        {GLOSSARY.map((g) => (
          <div
            key={g.id}
            data-entry={g.id}
            className={`rounded px-2 py-1 ${g.id === term ? 'bg-amber-100 ring-1 ring-amber-400 dark:bg-amber-900/60' : ''}`}
          >
            <dt className="font-semibold">{g.term[lang]}</dt>
            <dd className="leading-relaxed text-slate-700 dark:text-slate-200">{g.def[lang]}</dd>
          </div>
        ))}
      </dl>
    </Dialog>
  );
}
