/**
 * The canvas's own words (role and kind tags, packet labels, drop reasons) in one language.
 * The drawing is imperative (D3, outside React), so it is handed a Wording for the page's
 * language and redrawn when that changes. Protocol names, interface names and addresses are
 * not words: they stay as the tools print them.
 */
import { explainDict, fixedT, LANGS, type Lang, type TFn } from '../i18n';
import type { UiKey } from '../i18n/ui-en';

export interface Wording {
  lang: Lang;
  t: TFn;
  /** Templates of the engine's explanations in that language (drop reasons). */
  explain: Record<string, string>;
}

export function wording(lang: Lang): Wording {
  return {
    lang,
    // Looked up per call: the cached translator is replaced when the language's strings arrive.
    t: (key, vars) => fixedT(lang)(key, vars),
    explain: explainDict(lang),
  };
}

/**
 * Every language's wording: one layout serves them all (a language switch only redraws), so it
 * leaves room for the widest. A language whose strings are not loaded yet reads as English here.
 */
export const allWordings = (): Wording[] => LANGS.map(wording);

const ROLE_KEYS: Partial<Record<string, UiKey>> = {
  router: 'canvas.role.router',
  internet: 'canvas.role.internet',
  client: 'canvas.role.client',
};

/** A machine's role tag ("router"); an unknown role is shown as it is. */
export function roleLabel(role: string, w: Wording): string {
  const key = ROLE_KEYS[role];
  return key ? w.t(key) : role;
}

/**
 * The tags after an interface's name: its kind, unless a plain veth or NIC, and "down".
 * Link kinds (vxlan, ipip, tun...) are what `ip -d link` prints and stay; "bridge" is read as a word.
 */
export function ifaceTags(i: { kind: string; up: boolean }, w: Wording): string {
  const kind =
    i.kind === 'bridge' ? w.t('canvas.tag.bridge') : i.kind === 'veth' || i.kind === 'ether' ? '' : i.kind;
  return [kind, i.up ? '' : w.t('canvas.tag.down')].filter(Boolean).join(' · ');
}
