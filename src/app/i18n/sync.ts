/**
 * The language lives in the app store (`lang`, written to the link with the rest of the state by the
 * controller); i18next follows it. The language select writes the store.
 */
import { appStore, type AppStoreApi } from '../state/store';
import { applyLang, initialLang, parseLang, type Lang } from './index';

const langOf = (tag: string | null): Lang => (tag ? parseLang(`?lang=${encodeURIComponent(tag)}`) : 'en');

export function startI18nSync(store: AppStoreApi = appStore): () => void {
  // The first language came from the URL before the store knew it.
  if (store.getState().lang === null && initialLang !== 'en') store.setState({ lang: initialLang });
  return store.subscribe((s, prev) => {
    if (s.lang !== prev.lang) void applyLang(langOf(s.lang));
  });
}

export function setLang(lang: Lang): void {
  appStore.setState({ lang });
  void applyLang(lang);
}
