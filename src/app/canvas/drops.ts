/**
 * The drop marks: a cross where each packet of the journey so far was dropped, the current step's
 * one emphasised. A factory owned by the canvas renderer, redrawn only when what it shows changes.
 */
import type { Selection } from 'd3';
import type { AnchorIndex } from './layout';
import { placeName } from './model';
import type { Wording } from './words';

export interface DropMark {
  step: number;
  netns: string;
  interface: string | null;
  reason: string;
}

export function createDrops(layer: Selection<SVGGElement, unknown, null, undefined>) {
  // What the marks were drawn for: a step that changes neither the language, the step nor the
  // drops leaves the DOM alone.
  let drawnSig = '';
  return {
    update(index: AnchorIndex, drops: readonly DropMark[], step: number, w: Wording): void {
      const sig = `${w.lang}|${step}|${drops.map((d) => d.step).join(',')}`;
      if (sig === drawnSig) return;
      drawnSig = sig;
      layer.selectAll('*').remove();
      for (const d of drops) {
        const a = index.anchor(d.netns, d.interface);
        if (!a) continue;
        const current = d.step === step;
        const g = layer
          .append('g')
          .attr('class', `pj-drop${current ? ' pj-drop--current' : ''}`)
          .attr('transform', `translate(${a.point.x},${a.point.y})`)
          .attr('role', 'img')
          .attr(
            'aria-label',
            w.t('canvas.drop.at', { place: placeName(d.netns, d.interface, w), reason: d.reason }),
          );
        g.append('title').text(w.t('canvas.drop.title', { reason: d.reason }));
        g.append('path').attr('class', 'pj-drop-x').attr('d', 'M-9,-9 L9,9 M9,-9 L-9,9');
      }
    },
    /** A new layout or language: the next update redraws whatever the step. */
    reset(): void {
      drawnSig = '';
    },
  };
}
