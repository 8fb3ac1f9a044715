import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProgress, neighbourLesson, PATH, PROGRESS_KEY, saveProgress, type StorageLike } from './path';

function memory(): StorageLike & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => void data.set(k, v),
    removeItem: (k) => void data.delete(k),
  };
}

describe('guided path', () => {
  it('names scenarios that exist, in teaching order', () => {
    const ids = new Set(
      readdirSync(path.resolve(import.meta.dirname, '../../../scenarios')).map((f) =>
        f.replace(/\.yaml$/, ''),
      ),
    );
    for (const id of PATH) expect(ids.has(id), id).toBe(true);
    expect(PATH.indexOf('veth-pair')).toBe(0);
    expect(PATH.indexOf('flannel-udp')).toBeLessThan(PATH.indexOf('flannel-vxlan'));
  });
  it('keeps progress in storage and tolerates garbage', () => {
    const s = memory();
    saveProgress(s, new Set(['flannel-vxlan', 'veth-pair', 'nope']));
    expect(JSON.parse(s.data.get(PROGRESS_KEY)!)).toEqual(['veth-pair', 'flannel-vxlan']);
    expect(loadProgress(s)).toEqual(new Set(['veth-pair', 'flannel-vxlan']));
    s.setItem(PROGRESS_KEY, '{bad');
    expect(loadProgress(s).size).toBe(0);
    expect(loadProgress(undefined).size).toBe(0);
  });
  it('moves to the next and previous lesson', () => {
    const all = new Set(PATH);
    expect(neighbourLesson(null, 1, all)).toBe('veth-pair');
    expect(neighbourLesson('veth-pair', 1, all)).toBe('docker-bridge');
    expect(neighbourLesson('veth-pair', -1, all)).toBeNull();
    expect(neighbourLesson('docker-bridge', -1, all)).toBe('veth-pair');
  });
});
