/**
 * Serialise the canvas as a standalone SVG document: computed styles (which resolve the CSS
 * variables of the current light/dark theme) are inlined so the file renders the same anywhere.
 */
const STYLE_PROPS = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-dasharray',
  'stroke-linecap',
  'stroke-linejoin',
  'stroke-opacity',
  'opacity',
  'display',
  'font-family',
  'font-size',
  'font-weight',
  'font-style',
  'text-anchor',
  'paint-order',
] as const;

export function exportSvg(svgEl: SVGSVGElement): string {
  const clone = svgEl.cloneNode(true) as SVGSVGElement;
  const src = [svgEl, ...Array.from(svgEl.querySelectorAll('*'))];
  const dst = [clone, ...Array.from(clone.querySelectorAll('*'))];
  const view = svgEl.ownerDocument.defaultView;
  src.forEach((el, k) => {
    const out = dst[k] as Element | undefined;
    if (!out || !view) return;
    const cs = view.getComputedStyle(el);
    const style = STYLE_PROPS.map((p) => `${p}:${cs.getPropertyValue(p)}`).join(';');
    out.setAttribute('style', style);
    out.removeAttribute('class');
    out.removeAttribute('tabindex');
  });
  const w = svgEl.clientWidth || 800;
  const h = svgEl.clientHeight || 600;
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(w));
  clone.setAttribute('height', String(h));
  clone.setAttribute('viewBox', `0 0 ${w} ${h}`);
  const bg = view?.getComputedStyle(svgEl).getPropertyValue('--pj-bg').trim();
  if (bg) {
    const rect = svgEl.ownerDocument.createElementNS('http://www.w3.org/2000/svg', 'rect');
    rect.setAttribute('width', '100%');
    rect.setAttribute('height', '100%');
    rect.setAttribute('fill', bg);
    clone.insertBefore(rect, clone.firstChild);
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(clone)}`;
}
