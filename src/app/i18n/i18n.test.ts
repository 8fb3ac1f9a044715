import { describe, expect, it } from 'vitest';
import { fixedT, parseLang } from './index';
import { UI_EN } from './ui-en';
import { UI_ZH } from './ui-zh';

const placeholders = (s: string): string[] =>
  [...new Set([...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]!))].sort();

describe('UI strings', () => {
  it('zh-CN has every English key and no other', () => {
    expect(Object.keys(UI_ZH).sort()).toEqual(Object.keys(UI_EN).sort());
  });
  it('placeholders match in both languages', () => {
    for (const [key, en] of Object.entries(UI_EN))
      expect([key, placeholders(UI_ZH[key as keyof typeof UI_EN])]).toEqual([key, placeholders(en)]);
  });
  it('no zh-CN string is left empty or in English', () => {
    for (const [key, zh] of Object.entries(UI_ZH)) {
      expect(zh.length, key).toBeGreaterThan(0);
      if (zh === UI_EN[key as keyof typeof UI_EN] && /[a-z]{4,}/i.test(zh))
        expect(
          ['group.Docker', 'group.flannel', 'group.Calico', 'kindGroup.netfilter', 'kind.netfilter'],
          key,
        ).toContain(key);
    }
  });
  it('reads the language from the link', () => {
    expect(parseLang('?lang=zh-CN')).toBe('zh-CN');
    expect(parseLang('?lang=zh')).toBe('zh-CN');
    expect(parseLang('?s=x')).toBe('en');
  });
  it('fills placeholders with the values of each call, though strings are kept', () => {
    const t = fixedT('en');
    expect(t('events.count', { shown: 1, total: 629 })).toBe('1 of 629 events');
    expect(t('events.count', { shown: 2, total: 629 })).toBe('2 of 629 events');
    expect(t('events.count', { shown: 1, total: 629 })).toBe('1 of 629 events');
    // Many more values than the cache keeps: it starts again, and still answers right.
    for (let i = 0; i < 2500; i++) t('events.hop', { n: i });
    expect(t('events.hop', { n: 7 })).toBe('Hop 7');
    expect(t('events.title')).toBe(t('events.title'));
    expect(t('events.title')).not.toBe('events.title');
  });
});

describe('share / edit / embed strings (share/strings.ts)', () => {
  it('zh-CN has every key, with the same placeholders', async () => {
    const { SHARE_STRINGS } = await import('../share/strings');
    const { SHARE_ZH } = await import('./share-zh');
    expect(Object.keys(SHARE_ZH).sort()).toEqual(Object.keys(SHARE_STRINGS).sort());
    for (const [key, en] of Object.entries(SHARE_STRINGS))
      expect([key, placeholders(SHARE_ZH[key as keyof typeof SHARE_ZH])]).toEqual([key, placeholders(en)]);
  });
  it('no id is used by both string tables', async () => {
    const { SHARE_STRINGS } = await import('../share/strings');
    for (const key of Object.keys(SHARE_STRINGS)) expect(UI_EN).not.toHaveProperty(key);
  });
});
