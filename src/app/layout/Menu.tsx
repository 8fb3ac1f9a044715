/**
 * A header menu: a button that shows and hides a group of tools (the disclosure pattern: the tools
 * stay ordinary buttons, reached with Tab). It closes on Escape, on a click outside, and once one of
 * its buttons ran. Its contents stay mounted while closed, so a running download or a dialog opened
 * from it carries on.
 */
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';

export const menuBtn =
  'inline-flex h-9 items-center gap-1 rounded-md border border-slate-300 bg-white px-2.5 text-sm font-medium whitespace-nowrap text-slate-800 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500 dark:border-slate-600 dark:bg-slate-800 dark:text-slate-100 dark:hover:bg-slate-700';

export function Menu({ label, children }: { label: string; children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    // A list folded inside the menu (Export) folds again with it.
    if (!open)
      for (const d of root.current?.querySelectorAll<HTMLDetailsElement>('details[open]') ?? [])
        d.open = false;
    if (!open) return;
    const down = (e: PointerEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    const key = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || document.querySelector('dialog[open]')) return;
      setOpen(false);
      button.current?.focus();
    };
    document.addEventListener('pointerdown', down);
    document.addEventListener('keydown', key);
    return () => {
      document.removeEventListener('pointerdown', down);
      document.removeEventListener('keydown', key);
    };
  }, [open]);

  return (
    <div ref={root} className="relative">
      <button
        ref={button}
        type="button"
        className={menuBtn}
        aria-expanded={open}
        aria-controls={id}
        onClick={() => setOpen(!open)}
      >
        {label} <span aria-hidden="true">▾</span>
      </button>
      <div
        id={id}
        hidden={!open}
        className="absolute top-full right-0 z-30 mt-1 w-max max-w-[calc(100vw-1rem)] rounded-md border border-slate-300 bg-white p-2 shadow-lg dark:border-slate-600 dark:bg-slate-900"
        onClick={(e) => {
          // A tool ran: the menu is done (the export list's own <summary> is not a button).
          if ((e.target as Element).closest('button')) setOpen(false);
        }}
      >
        <div className="flex flex-col items-stretch gap-1.5">{children}</div>
      </div>
    </div>
  );
}
