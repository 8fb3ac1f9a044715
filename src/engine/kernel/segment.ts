/**
 * An L2 segment between machines: a learning switch, like the bridge the kernel lab
 * builds for its underlay. Broadcast, multicast and unknown unicast are flooded to every
 * other port; known unicast goes to the one port that learned it.
 */
import { isMulticastMac } from '../net/mac';
import type { EthLayer } from '../net/layers';
import type { Device } from './device';
import { netifReceive } from './receive';
import { dropNotForwardable, isSkbForwardable } from './forwardable';
import type { Skb } from './skb';
import { LINK_DELAY_US } from './timing';
import type { World } from './world';

/** What the wire needs of a NIC cabled to it (an Ether): a device that knows its segment. */
export interface SegmentPort extends Device {
  segment?: Segment;
}

export class Segment {
  readonly ports: SegmentPort[] = [];
  private table = new Map<string, SegmentPort>();

  constructor(
    readonly world: World,
    readonly name: string,
    readonly title?: string,
  ) {}

  plug(nic: SegmentPort): void {
    if (!this.ports.includes(nic)) this.ports.push(nic);
    nic.segment = this;
  }

  unplug(nic: SegmentPort): void {
    const i = this.ports.indexOf(nic);
    if (i >= 0) this.ports.splice(i, 1);
    for (const [mac, port] of this.table) if (port === nic) this.table.delete(mac);
    nic.segment = undefined;
  }

  carry(from: SegmentPort, skb: Skb): void {
    const eth = skb.layers[0] as EthLayer | undefined;
    if (!eth || eth.proto !== 'eth') return;
    if (!isMulticastMac(eth.src)) this.table.set(eth.src, from);
    const known = isMulticastMac(eth.dst) ? undefined : this.table.get(eth.dst);
    const targets = known ? (known === from ? [] : [known]) : this.ports.filter((p) => p !== from);
    for (const port of targets) {
      this.world.sched.deliver(LINK_DELAY_US, () => {
        if (port.segment !== this) return;
        // The receiving NIC takes at most its MTU plus the SegmentPortnet and VLAN headers: the lab's
        // wire is a veth into it (veth_xmit -> is_skb_forwardable), and a NIC's receive path drops
        // longer frames too. Seen in random seed 1001: ping -s 1300 -M do to an eth0 of MTU 1280.
        if (!isSkbForwardable(port, skb)) return void dropNotForwardable(port, skb, from);
        netifReceive(port, skb);
      });
    }
  }
}
