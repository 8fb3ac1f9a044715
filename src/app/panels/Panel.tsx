/** An accessible, collapsible panel: a <section> named by its heading. */
import type { ReactNode } from 'react';
import { usePanelsBehind } from '../state/panelState';
import { useApp } from '../state/useApp';
import type { PanelId } from '../state/store';
import { useT } from '../i18n';

interface PanelProps {
  id: PanelId;
  title: string;
  /** Secondary text beside the heading (the tool and the netns shown). */
  subtitle?: string;
  children: ReactNode;
  className?: string;
}

export function Panel({ id, title, subtitle, children, className = '' }: PanelProps) {
  const { t } = useT();
  const collapsed = useApp((s) => !!s.collapsed[id]);
  const toggle = useApp((s) => s.togglePanel);
  // Catching up with the store (panelState.tsx): assistive technology waits for the new content.
  const behind = usePanelsBehind();
  const headingId = `panel-${id}-heading`;
  const bodyId = `panel-${id}-body`;
  return (
    <section
      aria-labelledby={headingId}
      aria-busy={behind || undefined}
      data-panel={id}
      className={`flex min-h-0 min-w-0 flex-col rounded-lg border border-slate-200 bg-white shadow-sm dark:border-slate-700 dark:bg-slate-900 ${className}`}
    >
      <div className="flex items-center gap-2 border-b border-slate-200 px-3 py-1.5 dark:border-slate-700">
        <h2 id={headingId} className="text-sm font-semibold text-slate-800 dark:text-slate-100">
          {title}
        </h2>
        {subtitle && (
          <span
            data-raw=""
            className="min-w-0 flex-1 truncate font-mono text-xs text-slate-600 dark:text-slate-300"
          >
            {subtitle}
          </span>
        )}
        <button
          type="button"
          onClick={() => toggle(id)}
          aria-expanded={!collapsed}
          aria-controls={bodyId}
          className="ml-auto rounded px-1.5 text-xs text-slate-600 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-sky-500 dark:text-slate-300 dark:hover:bg-slate-800"
        >
          {collapsed ? t('panel.show') : t('panel.hide')}
          <span className="sr-only"> {title}</span>
        </button>
      </div>
      {!collapsed && (
        <div id={bodyId} className="min-h-0 flex-1 overflow-auto px-3 py-2 text-sm">
          {children}
        </div>
      )}
    </section>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="text-sm text-slate-600 italic dark:text-slate-300">{children}</p>;
}
