/**
 * Hops and chapters (src/engine/sim/hops.ts). The invariant holds for every catalog flow; the
 * must-facts were written from the scenarios' topologies and how the kernel moves the packet,
 * not from the engine's output: which machines a request crosses, where it is wrapped and
 * unwrapped, where a rule drops it, which ARP exchange is answered by proxy ARP.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Hop, Trace } from '../../src/engine';
import { TraceSchema } from '../../src/engine/sim/trace-schema';
import { renderExplain } from '../../src/engine/sim/messages';
import { ZH } from '../../src/engine/sim/messages-zh';
import { scenario, trace } from '../helpers';

const CATALOG = readdirSync('scenarios')
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => f.replace(/\.yaml$/, ''));

/** The hops of the first request: everything before the first hop of a reply. */
function firstRequest(t: Trace): Hop[] {
  const r = t.hops.findIndex((h) => h.reply);
  return r < 0 ? t.hops : t.hops.slice(0, r);
}

/**
 * The first request's own path: its hops without those of other packets sent at the same time
 * (glibc asks A and AAAA back to back, so two queries travel side by side).
 */
function firstPacketPath(t: Trace): Hop[] {
  const req = firstRequest(t);
  const first = req.find((h) => h.packetId !== undefined)?.packetId;
  return req.filter((h) => h.packetId === undefined || h.packetId === first);
}

/** Chapters in order, repeats and resolutions left out. */
function story(hops: Hop[]): string[] {
  const out: string[] = [];
  for (const h of hops) if (h.chapter !== 'resolve' && out[out.length - 1] !== h.chapter) out.push(h.chapter);
  return out;
}

function isSubsequence(needle: string[], hay: string[]): boolean {
  let i = 0;
  for (const x of hay) if (x === needle[i]) i++;
  return i === needle.length;
}

describe('hops over the whole catalog', () => {
  for (const id of CATALOG) {
    for (const f of scenario(id).flows) {
      it(`${id} ${f.id}: hops partition the events in order, each with a focus inside it`, () => {
        const t = trace(id, f.id);
        expect(TraceSchema.safeParse(t).success).toBe(true);
        let next = 0;
        for (const h of t.hops) {
          expect(h.first).toBe(next);
          expect(h.last).toBeGreaterThanOrEqual(h.first);
          expect(h.focus).toBeGreaterThanOrEqual(h.first);
          expect(h.focus).toBeLessThanOrEqual(h.last);
          expect(h.netns).toBe(t.events[h.focus]!.netns);
          expect(h.title).toBe(renderExplain(h.explain));
          expect(renderExplain(h.explain, ZH)).not.toMatch(/\{\w+\}/);
          if (h.reply && h.kind !== 'resolve') expect(h.chapter).toBe('reply');
          // ARP's miss, or neighbour discovery's on an IPv6 link.
          if (h.kind === 'resolve')
            expect(['neigh.miss', 'ndisc.miss']).toContain(t.events[h.first]!.explain.code);
          next = h.last + 1;
        }
        expect(next).toBe(t.events.length);
        // The goal of issue 14: a request that crosses at most four machines reads in at most 15 hop steps.
        const req = firstPacketPath(t);
        if (new Set(req.map((h) => h.machine)).size <= 4) expect(req.length).toBeLessThanOrEqual(15);
      });
    }
  }
});

describe('hops: what the path must show', () => {
  it('flannel-vxlan: the request leaves the pod, crosses cni0, is routed into flannel.1, wrapped, carried, unwrapped, delivered', () => {
    const t = trace('flannel-vxlan', 'pod-a-ping-pod-b');
    const req = firstRequest(t);
    expect(
      isSubsequence(
        ['leave-pod', 'bridge', 'route', 'encapsulate', 'underlay', 'decapsulate', 'deliver'],
        story(req),
      ),
    ).toBe(true);
    const encap = req.filter((h) => h.key?.includes('encap'));
    const decap = req.filter((h) => h.key?.includes('decap'));
    expect(encap.map((h) => [h.netns, h.chapter])).toEqual([['node-64-216', 'encapsulate']]);
    expect(decap.map((h) => [h.netns, h.chapter])).toEqual([['node-64-217', 'decapsulate']]);
    expect(encap[0]!.explain.args.dev).toBe('flannel.1');
    // The underlay: em1 of one node to em1 of the other, once, after the wrap and before the unwrap.
    const under = req.filter((h) => h.chapter === 'underlay');
    expect(under.map((h) => [h.from, h.to])).toEqual([
      [
        { netns: 'node-64-216', interface: 'em1' },
        { netns: 'node-64-217', interface: 'em1' },
      ],
    ]);
    expect(req.indexOf(encap[0]!)).toBeLessThan(req.indexOf(under[0]!));
    expect(req.indexOf(under[0]!)).toBeLessThan(req.indexOf(decap[0]!));
    // ARP: pod-a asks for its gateway, node 216 for the remote VTEP, node 217 for pod-b; flannel.1's
    // neighbour entry for the remote VTEP MAC is permanent (flanneld wrote it), so nobody asks for it.
    expect(req.filter((h) => h.kind === 'resolve').map((h) => h.explain.args.ip)).toEqual([
      '10.244.0.1',
      '10.10.10.217',
      '10.244.1.2',
    ]);
    // The request ends in pod-b; the echo reply starts there and goes back to pod-a.
    expect(req[req.length - 1]!.netns).toBe('pod-b');
    const replies = t.hops.slice(req.length);
    expect(replies.length).toBeGreaterThan(0);
    expect(replies.every((h) => h.reply)).toBe(true);
    expect(replies[0]!.netns).toBe('pod-b');
    expect(replies[replies.length - 1]!.netns).toBe('pod-a');
    expect(replies.filter((h) => h.key?.includes('encap')).map((h) => h.netns)).toEqual(['node-64-217']);
  });

  it('a whole ping reads in few enough hops to play at 1x in 20 s', () => {
    // 700 ms a hop at 1x (src/app/playback): 28 hops fit in 20 s.
    for (const [id, flow] of [
      ['flannel-vxlan', 'pod-a-ping-pod-b'],
      ['calico-ipip', 'pod-a-ping-pod-b'],
      ['flannel-udp', 'pod1-ping-pod3'],
      ['flannel-vxlan-directrouting', 'n1-pod-ping-n3-pod'],
    ] as const) {
      expect([flow, trace(id, flow).hops.length <= 28]).toEqual([flow, true]);
    }
  });

  it('k8s-service-iptables: kube-proxy picks the backend and DNATs in node1; the reply is un-DNATed there', () => {
    const t = trace('k8s-service-iptables', 'client-to-clusterip');
    const req = firstRequest(t);
    const svc = req.filter((h) => h.key?.includes('backend'));
    expect(svc).toHaveLength(1);
    expect(svc[0]).toMatchObject({ netns: 'node1', chapter: 'netfilter' });
    expect(svc[0]!.key).toContain('nat');
    expect(String(svc[0]!.explain.args.from)).toMatch(/^10\.96\.0\.100:80$/);
    const undo = t.hops.find((h) => h.reply && h.key?.includes('nat'));
    expect(undo?.netns).toBe('node1');
  });

  it('troubleshoot-forward-drop: the journey ends on a drop by netfilter in the receiving node', () => {
    const t = trace('troubleshoot-forward-drop', 'pod-a-ping-pod-b');
    const last = t.hops[t.hops.length - 1]!;
    expect(last.key).toContain('drop');
    expect(last.chapter).toBe('netfilter');
    expect(last.machine).toBe('node-64-217');
    expect(t.events[last.focus]!.kind).toBe('drop');
  });

  it('troubleshoot-vxlan-mtu: too big for flannel.1 with DF: a drop, then an ICMP error back to pod-a', () => {
    const t = trace('troubleshoot-vxlan-mtu', 'big-ping');
    const drop = t.hops.findIndex((h) => h.key?.includes('drop'));
    expect(t.hops[drop]!.netns).toBe('node-64-216');
    const err = t.hops[drop + 1]!;
    expect(err.key).toContain('icmp-error');
    expect(err.reply).toBe(true);
    expect(t.hops[t.hops.length - 1]!.to?.netns ?? t.hops[t.hops.length - 1]!.netns).toBe('pod-a');
  });

  it("calico-ipip: the pod's gateway 169.254.1.1 is answered by proxy ARP, folded into one resolve hop", () => {
    const t = trace('calico-ipip', 'pod-a-ping-pod-b');
    const r = t.hops[1]!;
    expect(r.kind).toBe('resolve');
    expect(r.explain.args.ip).toBe('169.254.1.1');
    expect(r.key).toEqual(['proxy-arp']);
    expect(t.events.slice(r.first, r.last + 1).some((e) => e.kind === 'arp' && e.netns === 'node1')).toBe(
      true,
    );
  });

  it('docker-bridge c1-ping-c2: docker0 switches between the two veths; the host never routes', () => {
    const t = trace('docker-bridge', 'c1-ping-c2');
    const req = firstRequest(t);
    expect(req.some((h) => h.chapter === 'route')).toBe(false);
    const sw = req.filter((h) => h.chapter === 'bridge');
    expect(sw).toHaveLength(1);
    expect(sw[0]!.to).toEqual({ netns: 'c2', interface: 'eth0' });
    expect(sw[0]!.from?.netns).toBe('host1');
  });

  it('k8s-service-iptables pod-to-itself-via-service: the replies are told apart from the requests', () => {
    const t = trace('k8s-service-iptables', 'pod-to-itself-via-service');
    const req = firstRequest(t);
    expect(req.length).toBeLessThan(t.hops.length);
    expect(req.length).toBeLessThanOrEqual(15);
  });
});
