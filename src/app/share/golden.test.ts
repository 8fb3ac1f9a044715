/**
 * Links made today must keep opening. These strings were produced by encodeEdits/encodeLocation
 * (format v1) when the format was introduced and are checked in: never regenerate them; when the
 * format changes, add a new version and keep these passing.
 */
import { describe, expect, it } from 'vitest';
import { decodeEdits, decodeLocation } from './link';

const FDB_DEL = 'bridge fdb del 3e:01:ed:47:de:7f dev flannel.1 dst 10.10.10.217';

describe('golden v1 links', () => {
  it('decodes an edited scenario with a terminal change', async () => {
    const hash =
      'v1=JcJBCoJQEAbgqwzT1sRnoTBXyRbP5lcevEbwiRThugMErbpC-84T0Tla9PFd-OyPkYVnjCkMJuQaCyrUD1Fhja3IG0HDBKV0gPkxDEKf1_N7v9L7cWuMM8YJh8Syu7BhssTCNijW1XZduoozjsHAwu0YtAd12pIi0gZSOIHKthaF1B0pZuqiN0PMHWmayBX5f-lqXvbLDw';
    expect(await decodeEdits(hash)).toEqual({
      ok: true,
      value: {
        yaml: 'version: 1\nid: golden\n# an edited scenario: 中文 ✓\n',
        execs: [{ netns: 'node-64-216', line: FDB_DEL }],
      },
    });
  });

  it('decodes a full link: selection in the query, the change in the hash', async () => {
    const link =
      'https://example.org/pj/?s=flannel-vxlan&f=pod-a-ping-pod-b&step=12&ns=node-64-216&hide=conntrack,iptables&lang=en#v1=JcJBCoNADAXQq4S_rmKsOJCrlC60-VOEIYWOiCDe3YWPd4A7PxX2OhBco8IQP2czDk2vIx4oSxCG-b_4l5J9FmeRJ61To9uQzGkpi3OTXKYIllbF6yratfdeE873eQE';
    const url = new URL(link);
    expect(await decodeLocation(url.search, url.hash)).toEqual({
      error: null,
      state: {
        scenario: 'flannel-vxlan',
        flow: 'pod-a-ping-pod-b',
        step: 12,
        netns: 'node-64-216',
        hidden: ['conntrack', 'iptables'],
        lang: 'en',
        embed: false,
        panel: null,
        yaml: null,
        execs: [{ netns: 'node-64-216', line: FDB_DEL }],
      },
    });
  });

  it('opens an old 0-based step= link at the same event a new 1-based event= link names', async () => {
    const old = await decodeLocation('?s=flannel-vxlan&f=pod-a-ping-pod-b&step=30', '');
    const fresh = await decodeLocation('?s=flannel-vxlan&f=pod-a-ping-pod-b&event=31', '');
    expect(old.state.step).toBe(30);
    expect(fresh.state.step).toBe(30);
    expect((await decodeLocation('?step=0', '')).state.step).toBe(0);
    expect((await decodeLocation('?event=0', '')).state.step).toBeNull();
    expect((await decodeLocation('?event=5&step=9', '')).state.step).toBe(4);
  });
});
