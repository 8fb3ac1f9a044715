/**
 * The page's languages (i18next, with a small React hook of our own): English and Simplified Chinese.
 * The language comes from the URL (`lang=zh-CN`) and is written back to it when switched (sync.ts); the
 * engine's event explanations are rendered with the dictionary of the language (messages.ts / messages-zh.ts).
 * English ships with the page; Chinese is a chunk of its own (zh-bundle.ts), fetched when it is first
 * chosen, so a page in English never parses it.
 */
import i18next from 'i18next';
import { useMemo, useSyncExternalStore } from 'react';
import { EN } from '../../engine/sim/messages';
import { SHARE_STRINGS } from '../share/strings';
import { UI_EN, type UiKey } from './ui-en';

export const LANGS = ['en', 'zh-CN'] as const;
export type Lang = (typeof LANGS)[number];
export const LANG_NAMES: Record<Lang, string> = { en: 'English', 'zh-CN': '简体中文' };

export function parseLang(search: string): Lang {
  const raw = new URLSearchParams(search).get('lang');
  if (raw && /^zh/i.test(raw)) return 'zh-CN';
  return 'en';
}

/** The translate function of each language (fixedT below). */
const fixedTs = new Map<Lang, TFn>();
let zhExplain: Record<string, string> | null = null;
let zhLoading: Promise<void> | null = null;

export function explainDict(lang: Lang): Record<string, string> {
  return lang === 'zh-CN' && zhExplain ? zhExplain : EN;
}

/** Makes a language's strings available (English always is); resolves once they are. */
export function loadLang(lang: Lang): Promise<void> {
  if (lang === 'en' || zhExplain) return Promise.resolve();
  zhLoading ??= import('./zh-bundle')
    .then(({ ZH, SHARE_ZH, UI_ZH }) => {
      i18next.addResourceBundle('zh-CN', 'translation', { ...SHARE_ZH, ...UI_ZH });
      // Translators made before the strings arrived hold English fallbacks in their caches.
      fixedTs.clear();
      zhExplain = ZH;
    })
    .catch((e: unknown) => {
      zhLoading = null; // offline and not cached: a later choice tries again
      throw e;
    });
  return zhLoading;
}

const initial: Lang = typeof window === 'undefined' ? 'en' : parseLang(window.location.search);

// Starts in English; a Chinese link switches once its chunk is in (main.tsx waits for it before rendering).
void i18next.init({
  lng: 'en',
  fallbackLng: 'en',
  supportedLngs: [...LANGS],
  keySeparator: false,
  nsSeparator: false,
  interpolation: { escapeValue: false },
  // The share tools' strings (share/strings.ts) live in the same table: their ids never clash with ours.
  resources: {
    en: { translation: { ...SHARE_STRINGS, ...UI_EN } },
  },
  initAsync: false,
  returnNull: false,
});

export function currentLang(): Lang {
  return (LANGS as readonly string[]).includes(i18next.language) ? (i18next.language as Lang) : 'en';
}

function applyToDocument(lang: Lang): void {
  if (typeof document === 'undefined') return;
  document.documentElement.lang = lang;
  document.title = i18next.t('app.title', { lng: lang });
}

let wanted: Lang = 'en';

/** Switches the page's language once its strings are in (the link follows through the app store: see sync.ts). */
export async function applyLang(lang: Lang): Promise<void> {
  wanted = lang;
  try {
    await loadLang(lang);
  } catch {
    return; // the chunk did not arrive: stay in the language the page is in
  }
  if (wanted !== lang) return; // a later choice won
  if (i18next.language !== lang) await i18next.changeLanguage(lang);
  applyToDocument(lang);
}

applyToDocument('en');

/** The language the link asks for. */
export const initialLang: Lang = initial;
/** Resolves when the link's language is in place (main.tsx renders after it, so Chinese never flashes English). */
export const initialLangReady: Promise<void> = initial === 'en' ? Promise.resolve() : applyLang(initial);

export type TFn = (key: UiKey, vars?: Record<string, string | number>) => string;

/** The translate function and the current language; components re-render when it changes. */
export function useT(): { t: TFn; lang: Lang } {
  // A plain subscription to i18next: react-i18next's hook did several times the work per render,
  // and some sixty components call this one.
  const lang = useSyncExternalStore(subscribeLanguage, currentLang, serverLang);
  return useMemo(() => ({ t: fixedT(lang), lang }), [lang]);
}

function subscribeLanguage(onChange: () => void): () => void {
  i18next.on('languageChanged', onChange);
  return () => i18next.off('languageChanged', onChange);
}

const serverLang = (): Lang => 'en';

/** How many strings with placeholders a language's translator keeps before it starts again. */
const FILLED_MAX = 2000;

/**
 * One translate function per language, so components can depend on it. Every string is looked up
 * once: i18next's resolution costs far more than a Map read (with placeholders some 100-500 µs a
 * call, measured in Node and seen in the page's profile while playing), and a page renders thousands.
 * A string with placeholders is kept by its values too; those change with the step, so the cache
 * starts again when it grows past FILLED_MAX.
 */
export function fixedT(lang: Lang): TFn {
  let t = fixedTs.get(lang);
  if (!t) {
    const f = i18next.getFixedT(lang);
    const plain = new Map<string, string>();
    const filled = new Map<string, string>();
    t = (key, vars) => {
      const cache = vars ? filled : plain;
      const id = vars ? `${key}\u0000${JSON.stringify(vars)}` : key;
      let s = cache.get(id);
      if (s === undefined) {
        if (cache.size >= FILLED_MAX) cache.clear();
        cache.set(id, (s = vars ? f(key, vars) : f(key)));
      }
      return s;
    };
    fixedTs.set(lang, t);
  }
  return t;
}

/** Outside React (the canvas renderer, the controller). */
export const tr: TFn = (key, vars) => i18next.t(key, vars ?? {});

export { i18next };
