/**
 * The step's highlights: the namespace the packet is in (its box and its name), the selected
 * namespace, and the interface or summarised machine the marker is on. A step only moves a few
 * classes from one element to another, never redraws.
 */

/** The static drawing's elements a highlight can land on, by namespace, interface or summary id. */
export interface HighlightEls {
  nsEls: Map<string, SVGGElement>;
  nsHeadEls: Map<string, SVGGElement>;
  ifEls: Map<string, SVGGElement>;
  summaryEls: Map<string, SVGGElement>;
}

/** Move `cls` from `prev` to `next`; `pressed` also moves aria-pressed (a toggle button). */
function setClass(prev: SVGGElement | null, next: SVGGElement | null, cls: string, pressed = false) {
  if (prev === next) return;
  if (prev) {
    prev.classList.remove(cls);
    if (pressed) prev.setAttribute('aria-pressed', 'false');
  }
  if (next) {
    next.classList.add(cls);
    if (pressed) next.setAttribute('aria-pressed', 'true');
  }
}

export function createHighlights() {
  let currentNs: SVGGElement | null = null;
  let currentNsHead: SVGGElement | null = null;
  let selectedNs: SVGGElement | null = null;
  let currentIf: SVGGElement | null = null;
  let currentSummary: SVGGElement | null = null;
  return {
    /** `netns`: where the packet is; `anchorId`: the marker's anchor (an interface or a summary). */
    update(els: HighlightEls, netns: string | null, anchorId: string | null, selectedNetns: string | null) {
      const ns = (netns !== null && els.nsEls.get(netns)) || null;
      setClass(currentNs, ns, 'pj-ns--current');
      currentNs = ns;
      const nsHead = (netns !== null && els.nsHeadEls.get(netns)) || null;
      setClass(currentNsHead, nsHead, 'pj-ns--current');
      currentNsHead = nsHead;
      const sel = (selectedNetns && els.nsEls.get(selectedNetns)) || null;
      setClass(selectedNs, sel, 'pj-ns--selected', true);
      selectedNs = sel;
      const curIf = (anchorId !== null && els.ifEls.get(anchorId)) || null;
      setClass(currentIf, curIf, 'pj-if--current');
      currentIf = curIf;
      const curSummary = (anchorId !== null && els.summaryEls.get(anchorId)) || null;
      setClass(currentSummary, curSummary, 'pj-summary--current');
      currentSummary = curSummary;
    },
    /** The static drawing was redrawn: the elements held are gone. */
    reset() {
      currentNs = currentNsHead = selectedNs = currentIf = currentSummary = null;
    },
  };
}
