/**
 * The camera that follows the packet (pure geometry): close on the machine the packet is in,
 * pulled back to show both machines while it crosses between them. In presenter mode the zoom
 * never drops below the scale at which the smallest canvas text is still 18 px on screen.
 */
import type { Box, CanvasLayout } from './layout';
import type { Rect } from './place';

/** The smallest font drawn on the canvas (interface kind tags), in content pixels. */
export const SMALLEST_FONT = 10;
/** Presenter mode's floor for rendered canvas text, in screen pixels. */
export const PRESENTER_TEXT = 18;
const MAX_SCALE = 3;

/** The machine box a namespace belongs to. */
function machineOf(layout: CanvasLayout, netns: string): Box | undefined {
  const ns = layout.netns.find((n) => n.name === netns);
  return ns ? layout.machines.find((m) => m.name === ns.machine) : undefined;
}

/** What the camera frames: the current machine, or both when the hop came from another one. */
export function cameraBox(layout: CanvasLayout, netns: string, fromNetns: string | null): Rect | null {
  const here = machineOf(layout, netns);
  if (!here) return null;
  const there = fromNetns ? machineOf(layout, fromNetns) : undefined;
  if (!there || there === here) return here;
  const x = Math.min(here.x, there.x);
  const y = Math.min(here.y, there.y);
  return {
    x,
    y,
    width: Math.max(here.x + here.width, there.x + there.width) - x,
    height: Math.max(here.y + here.height, there.y + there.height) - y,
  };
}

/** Room kept free at the top of the view: the controls drawn over the canvas's top corners. */
export const CONTROLS_BAND = 56;

/**
 * One axis of the framing: centre the box in [lo, hi] when it fits; when it does not (presenter
 * mode's scale floor), show its start (a machine's title) unless that would leave the packet out,
 * then centre on the packet.
 */
function place(start: number, size: number, k: number, lo: number, hi: number, focus?: number): number {
  if (size * k <= hi - lo) return (lo + hi) / 2 - (start + size / 2) * k;
  const atStart = lo - start * k;
  if (focus === undefined || focus * k + atStart <= hi) return atStart;
  return (lo + hi) / 2 - focus * k;
}

/**
 * The transform framing `box` in a `w` x `h` view, its scale kept within [minK, 3], below the
 * `top` band the canvas's own controls cover; `focus` (the packet) stays in view.
 */
export function focusTransform(
  box: Rect,
  w: number,
  h: number,
  minK: number,
  opts: { margin?: number; top?: number; focus?: { x: number; y: number } } = {},
): { k: number; x: number; y: number } {
  const margin = opts.margin ?? 24;
  const top = Math.min(opts.top ?? 0, h / 3);
  if (box.width <= 0 || box.height <= 0 || w <= 0 || h <= 0) return { k: 1, x: 0, y: 0 };
  const fit = Math.min((w - 2 * margin) / box.width, (h - top - 2 * margin) / box.height);
  const k = Math.max(minK, Math.min(MAX_SCALE, fit));
  return {
    k,
    x: place(box.x, box.width, k, margin, w - margin, opts.focus?.x),
    y: place(box.y, box.height, k, top + margin, h - margin, opts.focus?.y),
  };
}

/** The camera's smallest scale: text stays at least 18 px in presenter mode, anything goes otherwise. */
export const minScale = (presenter: boolean) => (presenter ? PRESENTER_TEXT / SMALLEST_FONT : 0);
