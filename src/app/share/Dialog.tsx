/**
 * A small modal dialog (native <dialog>): Escape and the Close button close it. It lives at the end of
 * <body>: a dialog opened from a header menu must not vanish with the menu that holds its button.
 */
import { useEffect, useId, useRef, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { fmt } from './strings';

interface DialogProps {
  open: boolean;
  title: string;
  onClose: () => void;
  children: ReactNode;
  wide?: boolean;
}

export function Dialog({ open, title, onClose, children, wide = false }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return createPortal(
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onClose={onClose}
      className={`m-auto ${wide ? 'w-[min(96vw,64rem)]' : 'w-[min(96vw,36rem)]'} rounded-lg border border-slate-300 bg-white p-0 text-slate-900 shadow-xl backdrop:bg-slate-900/40 dark:border-slate-600 dark:bg-slate-900 dark:text-slate-100`}
    >
      {open && (
        <div className="flex max-h-[85vh] flex-col">
          <div className="flex items-center gap-2 border-b border-slate-200 px-4 py-2 dark:border-slate-700">
            <h2 id={titleId} className="text-base font-semibold">
              {title}
            </h2>
            <button
              type="button"
              onClick={onClose}
              className="ml-auto rounded px-2 py-0.5 text-sm hover:bg-slate-100 dark:hover:bg-slate-800"
            >
              {fmt('share.close')}
            </button>
          </div>
          <div className="min-h-0 overflow-auto px-4 py-3 text-sm">{children}</div>
        </div>
      )}
    </dialog>,
    document.body,
  );
}
