/**
 * Nothing on the canvas covers a name: at every hop of five flows (an overlay, a bridge with NAT,
 * a Service, an IPIP tunnel, a drop) the bounding box of every visible text element is measured in
 * a real Chromium, and the test fails when two texts overlap, when the packet or a drop mark covers
 * a text, when a text overflows the box it labels, or when a text leaves the canvas.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { loadScenario, traceFlow } from '../src/engine';

const dir = path.resolve(import.meta.dirname, '../scenarios');

const FLOWS: [scenario: string, flow: string][] = [
  ['flannel-vxlan', 'pod-a-ping-pod-b'],
  ['docker-bridge', 'c1-to-web'],
  ['k8s-service-iptables', 'client-to-clusterip'],
  ['calico-ipip', 'pod-a-ping-pod-b'],
  ['troubleshoot-forward-drop', 'pod-a-ping-pod-b'],
];

const PANELS = 'routes,neigh,fdb,iptables,conntrack,headers,capture,events,explanation';

interface Problem {
  what: string;
  a: string;
  b?: string;
}

/**
 * Runs in the page: every visible <text> of the canvas (a <text> is one unit with its <tspan>s),
 * checked against each other, against the marks that sit on the drawing, against the rect it
 * labels (a sibling rect containing its centre) and against the canvas itself.
 */
function measure(): Problem[] {
  const svg = document.querySelector<SVGSVGElement>('.pj-canvas svg')!;
  const view = svg.getBoundingClientRect();
  const visible = (el: Element) => {
    for (let e: Element | null = el; e && e !== svg; e = e.parentElement)
      if (getComputedStyle(e).display === 'none' || getComputedStyle(e).visibility === 'hidden') return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  const name = (el: Element) => `${el.getAttribute('class') ?? 'text'} "${el.textContent}"`;
  const texts = [...svg.querySelectorAll('text')].filter(visible).map((el) => ({
    el,
    r: el.getBoundingClientRect(),
  }));
  const marks = [...svg.querySelectorAll('.pj-marker-shape, .pj-drop-x, .pj-hop-badge circle')]
    .filter(visible)
    .map((el) => ({ el, r: el.getBoundingClientRect() }));
  // Glyph boxes include the font's ascent and descent: allow a pixel of slack everywhere.
  const slack = 1;
  const overlap = (a: DOMRect, b: DOMRect) =>
    Math.min(a.right, b.right) - Math.max(a.left, b.left) > slack &&
    Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > slack;
  const inside = (a: DOMRect, b: DOMRect) =>
    a.left >= b.left - slack &&
    a.right <= b.right + slack &&
    a.top >= b.top - slack &&
    a.bottom <= b.bottom + slack;
  const out: Problem[] = [];
  texts.forEach((t, i) => {
    for (const u of texts.slice(i + 1))
      if (overlap(t.r, u.r)) out.push({ what: 'overlap', a: name(t.el), b: name(u.el) });
    for (const m of marks) {
      // A badge's own number is inside its circle by design.
      if (m.el.parentElement?.contains(t.el)) continue;
      if (overlap(t.r, m.r))
        out.push({ what: 'covered', a: name(t.el), b: m.el.getAttribute('class') ?? '' });
    }
    const rects = [...(t.el.parentElement?.children ?? [])].filter((c) => c.tagName === 'rect');
    if (rects.length > 0) {
      const cx = (t.r.left + t.r.right) / 2;
      const cy = (t.r.top + t.r.bottom) / 2;
      const box = rects
        .map((r) => r.getBoundingClientRect())
        .find((r) => cx >= r.left && cx <= r.right && cy >= r.top && cy <= r.bottom);
      if (!box || !inside(t.r, box)) out.push({ what: 'overflow', a: name(t.el) });
    }
    if (!inside(t.r, view)) out.push({ what: 'off-canvas', a: name(t.el) });
  });
  return out;
}

async function stepTo(page: Page, step: number): Promise<void> {
  await page.getByRole('slider', { name: 'Step' }).fill(String(step));
  await expect(page.locator(`.pj-canvas svg[data-step="${step}"]`)).toHaveCount(1);
}

for (const [scenario, flow] of FLOWS) {
  test(`no text overlaps or overflows on the canvas: ${scenario} / ${flow}`, async ({ page }) => {
    // A shared, loaded machine makes a step take seconds: room for some forty of them.
    test.setTimeout(600_000);
    const file = path.join(dir, `${scenario}.yaml`);
    const trace = traceFlow(loadScenario(readFileSync(file, 'utf8'), file), flow);
    await page.setViewportSize({ width: 1280, height: 720 });
    // No tweening: the marker is where the step puts it when measured.
    await page.emulateMedia({ reducedMotion: 'reduce' });
    // The panels are hidden: they do not change the canvas, and each step is then cheap.
    await page.goto(`/?s=${scenario}&f=${flow}&lang=en&hide=${PANELS}`);
    await expect(page.locator('.pj-canvas svg[data-ready="true"]')).toHaveCount(1, { timeout: 30_000 });
    const problems: string[] = [];
    // Every hop (where playback by hop stops, and its last event), and every event that changes
    // the packet's look: NAT, encapsulation, decapsulation, a drop.
    const steps = new Set<number>();
    for (const h of trace.hops) steps.add(h.focus).add(h.last);
    trace.events.forEach((e, i) => {
      if (['nat', 'encap', 'decap', 'drop'].includes(e.kind)) steps.add(i);
    });
    for (const step of [...steps].sort((a, b) => a - b)) {
      await stepTo(page, step);
      for (const p of await page.evaluate(measure))
        problems.push(`step ${step + 1}: ${p.what}: ${p.a}${p.b ? ` / ${p.b}` : ''}`);
    }
    expect(problems).toEqual([]);
  });
}
