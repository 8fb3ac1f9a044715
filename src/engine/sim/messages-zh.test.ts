import { describe, expect, it } from 'vitest';
import type { MessageCode } from '../kernel/message-codes';
import { EN, renderExplain } from './messages';
import { ZH } from './messages-zh';

const placeholders = (s: string): string[] =>
  [...new Set([...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!))].sort();

describe('zh-CN event explanations', () => {
  it('has a template for every English key and no other', () => {
    expect(Object.keys(ZH).sort()).toEqual(Object.keys(EN).sort());
  });
  it('uses exactly the placeholders of the English template', () => {
    for (const [key, en] of Object.entries(EN) as [MessageCode, string][])
      expect([key, placeholders(ZH[key]!)]).toEqual([key, placeholders(en)]);
  });
  it('renders with the real values of the step', () => {
    const e = {
      code: 'nat.snat' as const,
      args: { hook: 'POSTROUTING', from: '172.17.0.2', to: '10.0.0.1' },
    };
    expect(renderExplain(e, ZH)).toBe('POSTROUTING 中的 SNAT：源地址 172.17.0.2 变为 10.0.0.1。');
  });
  it('keeps the technical terms as the tools print them', () => {
    for (const term of [
      'FDB',
      'VTEP',
      'VNI',
      'conntrack',
      'DNAT',
      'SNAT',
      'veth',
      'proxy_arp',
      'br_netfilter',
    ])
      expect(Object.values(ZH).some((t) => t.includes(term))).toBe(true);
  });
});
