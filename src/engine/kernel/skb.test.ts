/**
 * withLayers copies the packet's metadata field by field (for speed, see skb.ts): every field of Skb
 * must survive it. The packet below is `Required<Skb>`, so a field added to Skb does not compile here
 * until it is given a value, and then this test checks withLayers carries it.
 */
import { describe, expect, it } from 'vitest';
import type { Layer } from '../net/layers';
import type { Device } from './device';
import { patchLayer, withLayers, type Skb } from './skb';

const full: Required<Skb> = {
  id: 7,
  layers: [{ proto: 'udp', sport: 1, dport: 2 }],
  payload: 12,
  mark: 0x4000,
  ct: { netns: 'n', ref: {} },
  brnf: 'n',
  physIn: {} as Device,
  bridgedDnat: { src: '02:00:00:00:00:01', port: {} as Device },
  nexthop: 0x0a000001,
  meHarder: true,
};

describe('skb copies', () => {
  it('withLayers keeps every metadata field and only changes the layers', () => {
    const layers: Layer[] = [{ proto: 'udp', sport: 3, dport: 4 }];
    const copy = withLayers(full, layers);
    expect(copy).toEqual({ ...full, layers });
    expect(Object.keys(copy).sort()).toEqual(Object.keys(full).sort());
  });
  it('withLayers leaves unset optional fields absent', () => {
    const copy = withLayers({ id: 1, layers: [], payload: 0, mark: 0 }, []);
    expect(Object.keys(copy).sort()).toEqual(['id', 'layers', 'mark', 'payload']);
  });
  it('patchLayer changes one layer of a copy, not the original', () => {
    const copy = patchLayer<{ proto: 'udp'; sport: number; dport: number }>(full, 0, { dport: 9 });
    expect(copy.layers[0]).toEqual({ proto: 'udp', sport: 1, dport: 9 });
    expect(full.layers[0]).toEqual({ proto: 'udp', sport: 1, dport: 2 });
    expect({ ...copy, layers: full.layers }).toEqual(full);
  });
});
