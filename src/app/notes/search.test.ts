import { describe, expect, it } from 'vitest';
import { GLOSSARY } from '../glossary/terms';
import type { ScenarioInfo } from '../types';
import { searchNotes } from './search';

const catalog: ScenarioInfo[] = [
  {
    id: 'flannel-udp',
    group: 'flannel',
    title: 'flannel UDP',
    description: 'flannel0 and flanneld',
    flows: [],
    corrections: [
      {
        id: 'flannel-udp-device-name',
        note: { file: 'k8s-cni-principles.html', quote: '每台数据层都会有一个 flannel1 的网卡名称' },
        says: { en: 'The UDP backend sends through flannel1.', zh: 'UDP 后端通过 flannel1 发送。' },
        linux: { en: 'The device is flannel0.', zh: '设备是 flannel0。' },
        evidence: { flow: 'pod1-ping-pod3' },
        terms: ['flannel1', 'flannel.0'],
      },
    ],
  },
  { id: 'veth-pair', group: 'Basics', title: 'veth pair', description: 'two ends', flows: [] },
];

describe('searchNotes', () => {
  it('a term the notes misspell leads to its correction first', () => {
    const hits = searchNotes('flannel1', catalog, GLOSSARY, [], 'en');
    expect(hits[0]).toMatchObject({
      kind: 'correction',
      scenarioId: 'flannel-udp',
      correctionId: 'flannel-udp-device-name',
    });
    expect(searchNotes('FLANNEL.0', catalog, GLOSSARY, [], 'en')[0]?.kind).toBe('correction');
  });

  it('finds scenarios, devices on screen and glossary terms', () => {
    const hits = searchNotes(
      'veth',
      catalog,
      GLOSSARY,
      [{ scenarioId: 'veth-pair', netns: 'ns1', names: ['tap1', 'veth0'] }],
      'en',
    );
    expect(hits.map((h) => h.kind)).toEqual(expect.arrayContaining(['scenario', 'device', 'glossary']));
    expect(searchNotes('tun0', catalog, GLOSSARY, [], 'en')).toEqual([]);
  });

  it('matches the Chinese texts too, and ignores one-letter queries', () => {
    expect(searchNotes('网卡名称', catalog, GLOSSARY, [], 'zh-CN')[0]?.label).toBe(
      'UDP 后端通过 flannel1 发送。',
    );
    expect(searchNotes('f', catalog, GLOSSARY, [], 'en')).toEqual([]);
  });
});
