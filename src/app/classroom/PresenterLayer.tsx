/**
 * The laser pointer and the page-wide presenter class. A file of its own: the page needs it at once,
 * while the classroom buttons of the header menu load after the first paint.
 */
import { useEffect, useState } from 'react';
import { useClassroom } from './store';

export function PresenterLayer() {
  const presenter = useClassroom((s) => s.presenter);
  const [at, setAt] = useState<{ x: number; y: number } | null>(null);

  useEffect(() => {
    document.documentElement.classList.toggle('pj-presenter', presenter);
    if (!presenter) return;
    const move = (e: PointerEvent) => setAt({ x: e.clientX, y: e.clientY });
    const leave = () => setAt(null);
    window.addEventListener('pointermove', move);
    document.documentElement.addEventListener('pointerleave', leave);
    return () => {
      window.removeEventListener('pointermove', move);
      document.documentElement.removeEventListener('pointerleave', leave);
      document.documentElement.classList.remove('pj-presenter');
    };
  }, [presenter]);

  if (!presenter || !at) return null;
  return (
    <div
      aria-hidden="true"
      data-testid="laser"
      className="pointer-events-none fixed z-50 size-5 rounded-full bg-red-600 shadow-[0_0_14px_6px_rgba(239,68,68,0.6)]"
      style={{ left: at.x - 10, top: at.y - 10 }}
    />
  );
}
