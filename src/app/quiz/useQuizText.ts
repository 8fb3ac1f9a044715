/** The quiz's words in the page's language. */
import { useCallback } from 'react';
import { useT } from '../i18n';
import type { Msg } from './mechanism';
import { renderText, type TextKey } from './mechanism/texts';

export type QuizText = (key: TextKey | Msg, args?: Msg['args']) => string;

export function useQuizText(): QuizText {
  const { lang } = useT();
  return useCallback(
    (key: TextKey | Msg, args: Msg['args'] = {}) =>
      typeof key === 'string' ? renderText(lang, key, args) : renderText(lang, key.key, key.args),
    [lang],
  );
}
