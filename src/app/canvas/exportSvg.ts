/**
 * Serialise the canvas as a standalone SVG document: computed styles (which resolve the CSS
 * variables of the current light/dark theme) are inlined so the file renders the same anywhere.
 * The packet strip under the drawing comes along, drawn in SVG below it.
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

const SVG_NS = 'http://www.w3.org/2000/svg';

function make<K extends keyof SVGElementTagNameMap>(
  doc: Document,
  name: K,
  attrs: Record<string, string | number>,
): SVGElementTagNameMap[K] {
  const el = doc.createElementNS(SVG_NS, name);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

/**
 * The packet strip under the drawing, redrawn in SVG where the page laid it out: each envelope's
 * box, each header block with its coloured edge, and every piece of text (struck through where a
 * value changed), so an exported step shows the packet as the page does.
 */
function stripBand(strip: HTMLElement): { g: SVGGElement; height: number } {
  const doc = strip.ownerDocument;
  const view = doc.defaultView!;
  const base = strip.getBoundingClientRect();
  const at = (r: DOMRect) => ({
    x: r.left - base.left,
    y: r.top - base.top,
    width: r.width,
    height: r.height,
  });
  const g = make(doc, 'g', {});
  const cs = view.getComputedStyle(strip);
  g.append(make(doc, 'rect', { ...at(base), fill: cs.backgroundColor }));
  g.append(make(doc, 'line', { x1: 0, y1: 0, x2: base.width, y2: 0, stroke: cs.borderTopColor }));
  for (const el of strip.querySelectorAll<HTMLElement>('.pj-level--envelope, .pj-block, .pj-strip-nat')) {
    const c = view.getComputedStyle(el);
    const box = at(el.getBoundingClientRect());
    const border = parseFloat(c.borderTopWidth) || 0;
    g.append(
      make(doc, 'rect', {
        ...box,
        rx: parseFloat(c.borderTopLeftRadius) || 0,
        fill: c.backgroundColor,
        stroke: border ? c.borderTopColor : 'none',
        'stroke-width': border,
      }),
    );
    const edge = parseFloat(c.borderLeftWidth) || 0;
    if (edge > border) {
      g.append(
        make(doc, 'rect', { x: box.x, y: box.y, width: edge, height: box.height, fill: c.borderLeftColor }),
      );
    }
  }
  const walker = doc.createTreeWalker(strip, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const text = n.textContent ?? '';
    const parent = n.parentElement;
    if (!text.trim() || !parent || parent.closest('[aria-hidden="true"]')) continue;
    const range = doc.createRange();
    range.selectNodeContents(n);
    const r = range.getClientRects()[0];
    if (!r) continue;
    const c = view.getComputedStyle(parent);
    const size = parseFloat(c.fontSize) || 12;
    const box = at(r);
    const t = make(doc, 'text', {
      x: box.x,
      y: box.y + box.height / 2 + size * 0.35,
      fill: c.color,
      'font-size': size,
      'font-family': c.fontFamily,
      'font-weight': c.fontWeight,
      'xml:space': 'preserve',
    });
    t.textContent = text;
    g.append(t);
    if (c.textDecorationLine.includes('line-through')) {
      const y = box.y + box.height / 2;
      g.append(make(doc, 'line', { x1: box.x, y1: y, x2: box.x + box.width, y2: y, stroke: c.color }));
    }
  }
  return { g, height: Math.ceil(base.height) };
}

export function exportSvg(svgEl: SVGSVGElement, strip?: HTMLElement | null): string {
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
  const drawing = svgEl.clientHeight || 600;
  const band = strip ? stripBand(strip) : null;
  if (band) {
    band.g.setAttribute('transform', `translate(0,${drawing})`);
    clone.append(band.g);
  }
  const h = drawing + (band?.height ?? 0);
  clone.setAttribute('xmlns', SVG_NS);
  clone.setAttribute('width', String(w));
  clone.setAttribute('height', String(h));
  clone.setAttribute('viewBox', `0 0 ${w} ${h}`);
  const bg = view?.getComputedStyle(svgEl).getPropertyValue('--pj-bg').trim();
  if (bg) {
    const rect = svgEl.ownerDocument.createElementNS(SVG_NS, 'rect');
    rect.setAttribute('width', '100%');
    rect.setAttribute('height', '100%');
    rect.setAttribute('fill', bg);
    clone.insertBefore(rect, clone.firstChild);
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(clone)}`;
}
