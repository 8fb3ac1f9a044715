/**
 * A size guard on a text field, for every way text gets in: typed (or inserted by an input method
 * or a script), pasted, dropped as text, dropped as a file. Text beyond `max` bytes is refused
 * before the field (and React's state) ever holds it, so a 50 MB drop cannot block the page; a
 * dropped file within the cap is handed over for reading (never read when it is too big).
 */
import { useEffect, useMemo, useRef, type RefObject } from 'react';
import { textBytes } from '../share/files';

export interface SizeGuardHandlers {
  /** `bytes` were refused (the field keeps what it had). */
  tooBig(bytes: number): void;
  /** A file dropped within the cap: read it (the drop itself was cancelled). */
  file(file: File): void;
}

/** The size the field would have after inserting `inserted` in place of its selection. */
function sizeAfter(field: HTMLTextAreaElement, inserted: string, max: number): number {
  const kept = field.value.length - (field.selectionEnd - field.selectionStart);
  if (kept + inserted.length > max) return kept + inserted.length;
  return textBytes(field.value, max) + textBytes(inserted, max);
}

export function useSizeGuard(ref: RefObject<HTMLTextAreaElement | null>, max: number, on: SizeGuardHandlers) {
  useEffect(() => {
    const field = ref.current;
    if (!field) return;
    const onBeforeInput = (e: InputEvent) => {
      if (!e.inputType.startsWith('insert')) return;
      const text = e.data ?? e.dataTransfer?.getData('text/plain') ?? '';
      const bytes = sizeAfter(field, text, max);
      if (bytes > max) {
        e.preventDefault();
        on.tooBig(bytes);
      }
    };
    const onDrop = (e: DragEvent) => {
      const dt = e.dataTransfer;
      const file = dt?.files[0];
      if (file) {
        // A file is not dropped as text: its size is known before a byte of it is read.
        e.preventDefault();
        if (file.size > max) on.tooBig(file.size);
        else on.file(file);
        return;
      }
      const bytes = sizeAfter(field, dt?.getData('text/plain') ?? '', max);
      if (bytes > max) {
        e.preventDefault();
        on.tooBig(bytes);
      }
    };
    field.addEventListener('beforeinput', onBeforeInput);
    field.addEventListener('drop', onDrop);
    return () => {
      field.removeEventListener('beforeinput', onBeforeInput);
      field.removeEventListener('drop', onDrop);
    };
  }, [ref, max, on]);
}

/**
 * useSizeGuard on a new field ref, with handlers that always reach the caller's latest `tooBig`
 * and `file` (they change every render) while the guard itself is set up once.
 */
export function useLatestSizeGuard(
  max: number,
  on: SizeGuardHandlers,
): RefObject<HTMLTextAreaElement | null> {
  const field = useRef<HTMLTextAreaElement>(null);
  const latest = useRef(on);
  useEffect(() => {
    latest.current = on;
  });
  const guard = useMemo(
    () => ({
      tooBig: (b: number) => latest.current.tooBig(b),
      file: (f: File) => void latest.current.file(f),
    }),
    [],
  );
  useSizeGuard(field, max, guard);
  return field;
}
