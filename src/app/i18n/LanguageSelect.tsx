/** The language switch: a select named "Language" (语言), kept in the URL. */
import { LANG_NAMES, LANGS, useT, type Lang } from './index';
import { setLang } from './sync';

export function LanguageSelect() {
  const { t, lang } = useT();
  return (
    <label className="flex items-center gap-1 text-sm" data-presenter-hide="">
      <span className="text-slate-700 max-2xl:sr-only dark:text-slate-200">{t('app.language')}</span>
      <select
        value={lang}
        onChange={(e) => setLang(e.target.value as Lang)}
        className="h-9 rounded-md border border-slate-300 bg-white px-1 text-sm dark:border-slate-600 dark:bg-slate-800"
      >
        {LANGS.map((l) => (
          <option key={l} value={l} lang={l}>
            {LANG_NAMES[l]}
          </option>
        ))}
      </select>
    </label>
  );
}
