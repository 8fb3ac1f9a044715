/**
 * The page's languages (i18next + react-i18next): English and Simplified Chinese.
 * The language comes from the URL (`lang=zh-CN`) and is written back to it when switched (sync.ts); the
 * engine's event explanations are rendered with the dictionary of the language (messages.ts / messages-zh.ts).
 */
import i18next from 'i18next';
import { initReactI18next, useTranslation } from 'react-i18next';
import { EN } from '../../engine/sim/messages';
import { ZH } from '../../engine/sim/messages-zh';
import { SHARE_STRINGS } from '../share/strings';
import { SHARE_ZH } from './share-zh';
import { UI_EN, type UiKey } from './ui-en';
import { UI_ZH } from './ui-zh';

export const LANGS = ['en', 'zh-CN'] as const;
export type Lang = (typeof LANGS)[number];
export const LANG_NAMES: Record<Lang, string> = { en: 'English', 'zh-CN': '简体中文' };

export function parseLang(search: string): Lang {
  const raw = new URLSearchParams(search).get('lang');
  if (raw && /^zh/i.test(raw)) return 'zh-CN';
  return 'en';
}

export function explainDict(lang: Lang): Record<string, string> {
  return lang === 'zh-CN' ? ZH : EN;
}

const initial: Lang = typeof window === 'undefined' ? 'en' : parseLang(window.location.search);

void i18next.use(initReactI18next).init({
  lng: initial,
  fallbackLng: 'en',
  supportedLngs: [...LANGS],
  keySeparator: false,
  nsSeparator: false,
  interpolation: { escapeValue: false },
  // The share tools' strings (share/strings.ts) live in the same table: their ids never clash with ours.
  resources: {
    en: { translation: { ...SHARE_STRINGS, ...UI_EN } },
    'zh-CN': { translation: { ...SHARE_ZH, ...UI_ZH } },
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

/** Switches the page's language (the link follows through the app store: see sync.ts). */
export function applyLang(lang: Lang): void {
  if (i18next.language !== lang) void i18next.changeLanguage(lang);
  applyToDocument(lang);
}

applyToDocument(initial);

export type TFn = (key: UiKey, vars?: Record<string, string | number>) => string;

/** The translate function and the current language; components re-render when it changes. */
export function useT(): { t: TFn; lang: Lang } {
  const { t, i18n } = useTranslation();
  const lang: Lang = i18n.language === 'zh-CN' ? 'zh-CN' : 'en';
  return { t: t as unknown as TFn, lang };
}

/** Outside React (the canvas renderer, the controller). */
export const tr: TFn = (key, vars) => i18next.t(key, vars ?? {});

export { i18next };
