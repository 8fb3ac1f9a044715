/**
 * dev_queue_xmit: the last step of every transmission. The frame is captured on the
 * device (tcpdump's tx copy) and handed to the device's medium.
 */
import type { Device } from './device';
import type { Skb } from './skb';
import { capture, emit as emitEvent, type Emit } from './emit';
import { describeFrame } from './describe';

/** The codes this module reports (kernel/message-codes.ts). */
const emit: Emit<'core'> = emitEvent;

export function devQueueXmit(dev: Device, skb: Skb): void {
  if (!dev.operUp()) {
    emit(dev.netns, {
      kind: 'drop',
      dev,
      skb,
      reason: 'DEV_READY',
      code: 'drop.link-down',
      args: { dev: dev.name, state: dev.adminUp ? 'NO-CARRIER' : 'DOWN' },
    });
    return;
  }
  emit(dev.netns, {
    kind: 'tx',
    dev,
    skb,
    code: 'tx',
    args: { dev: dev.name, what: describeFrame(skb.layers, skb.payload) },
  });
  // libpcap drops lo's outgoing copy (it sees the packet once, as it comes back in): loopback.ts captures it as rx.
  if (dev.kind !== 'loopback') capture(dev, skb, 'tx');
  dev.transmit(skb);
}
