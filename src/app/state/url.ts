/** The selection in the URL: ?s=<scenario>&f=<flow>&step=<n>. */
export interface UrlSelection {
  scenario: string | null;
  flow: string | null;
  step: number | null;
}

export function parseUrl(search: string): UrlSelection {
  const q = new URLSearchParams(search);
  const raw = q.get('step');
  const step = raw !== null && /^\d+$/.test(raw) ? Number(raw) : null;
  return { scenario: q.get('s'), flow: q.get('f'), step };
}

export function formatUrl(search: string, sel: UrlSelection): string {
  const q = new URLSearchParams(search);
  for (const [key, value] of [
    ['s', sel.scenario],
    ['f', sel.flow],
    ['step', sel.step === null ? null : String(sel.step)],
  ] as const) {
    if (value === null || value === '') q.delete(key);
    else q.set(key, value);
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}
