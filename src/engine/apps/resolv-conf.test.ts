/** resolv.conf(5) as glibc reads it, and the order res_search tries names in. */
import { describe, expect, it } from 'vitest';
import { kubeletResolvConf, parseResolvConf, searchCandidates } from './resolv-conf';

const pod = parseResolvConf(kubeletResolvConf('10.96.0.10', 'default', 'cluster.local'));

describe('resolv.conf', () => {
  it('reads the pod file kubelet writes for dnsPolicy ClusterFirst', () => {
    expect(pod).toEqual({
      nameservers: [0x0a60000a],
      search: ['default.svc.cluster.local', 'svc.cluster.local', 'cluster.local'],
      ndots: 5,
      timeout: 5,
      attempts: 2,
    });
  });

  it('uses the documented defaults: 127.0.0.1, ndots 1, timeout 5, attempts 2; ndots caps at 15', () => {
    expect(parseResolvConf(undefined)).toMatchObject({
      nameservers: [0x7f000001],
      ndots: 1,
      timeout: 5,
      attempts: 2,
    });
    expect(parseResolvConf('options ndots:20').ndots).toBe(15);
  });

  it('keeps the last of search and domain lines', () => {
    expect(parseResolvConf('search a.example\ndomain b.example').search).toEqual(['b.example']);
  });
});

describe('res_search order', () => {
  it('tries the search list first when the name has fewer dots than ndots, then the name as given', () => {
    expect(searchCandidates('web', pod)).toEqual([
      'web.default.svc.cluster.local.',
      'web.svc.cluster.local.',
      'web.cluster.local.',
      'web.',
    ]);
    expect(searchCandidates('www.example.com', pod).at(0)).toBe('www.example.com.default.svc.cluster.local.');
  });

  it('tries the name as given first when it has at least ndots dots', () => {
    const rc = parseResolvConf('search corp.example\noptions ndots:1');
    expect(searchCandidates('www.example.com', rc)).toEqual([
      'www.example.com.',
      'www.example.com.corp.example.',
    ]);
  });

  it('never searches an absolute name (trailing dot)', () => {
    expect(searchCandidates('www.example.com.', pod)).toEqual(['www.example.com.']);
  });
});
