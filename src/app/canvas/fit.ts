/**
 * Names never overflow their boxes: a text that is too wide for its room is shortened in the
 * middle ("vethf32…4136", both ends of an interface name tell it apart), and the full name goes
 * into a <title> (the tooltip). The measuring is handed in, so the search is pure and tested.
 */

/** `s` with its middle replaced by "…", keeping `keep` characters (the head gets the odd one). */
export function middleEllipsis(s: string, keep: number): string {
  const chars = [...s];
  if (keep >= chars.length) return s;
  if (keep <= 0) return '…';
  const head = Math.ceil(keep / 2);
  return `${chars.slice(0, head).join('')}…${chars.slice(chars.length - (keep - head)).join('')}`;
}

/** The longest middle-shortening of `s` whose measured width is at most `max` ("…" at worst). */
export function fitString(s: string, max: number, measure: (t: string) => number): string {
  if (measure(s) <= max) return s;
  let lo = 0;
  let hi = [...s].length - 1;
  // Binary search on the kept length: width grows with it.
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (measure(middleEllipsis(s, mid)) <= max) lo = mid;
    else hi = mid - 1;
  }
  return middleEllipsis(s, lo);
}

/** What the DOM offers for measuring; absent outside a browser (jsdom), where nothing is fitted. */
type Measurable = SVGTextContentElement & { getComputedTextLength?: () => number };

/**
 * Shorten the text of a <text> or <tspan> to `max` pixels, measured as drawn; returns whether it
 * was shortened. The caller adds the <title> with the full name.
 */
export function fitElement(el: Measurable, max: number): boolean {
  if (typeof el.getComputedTextLength !== 'function') return false;
  const full = el.textContent ?? '';
  const measure = (t: string) => {
    el.textContent = t;
    return el.getComputedTextLength();
  };
  const fitted = fitString(full, max, measure);
  el.textContent = fitted;
  return fitted !== full;
}
