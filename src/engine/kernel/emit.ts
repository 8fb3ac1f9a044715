/** Reports to observers and records captures, for the core, the stack and the devices alike. */
import type { Layer } from '../net/layers';
import type { DropReason } from './drop-reason';
import type { MessageCode, Subsystem } from './message-codes';
import type { EventKind, TableName, TraversedRule } from './trace';
import type { Device } from './device';
import type { Netns } from './netns';
import type { Skb } from './skb';

/** An event to report, its code from the given subsystems' groups (message-codes.ts). */
export interface EmitArgs<S extends Subsystem = Subsystem> {
  kind: EventKind;
  dev?: Device;
  skb?: Skb;
  layers?: Layer[];
  decidedBy?: { table: TableName; row: string; netns?: Netns };
  reason?: DropReason;
  traversed?: TraversedRule[];
  code: MessageCode<S>;
  args?: Record<string, string | number>;
}

/**
 * `emit` for a module that may report only its subsystems' codes: `const emit: Emit<'vxlan'> =
 * emitEvent;` makes a VXLAN code in the IPIP module a type error.
 */
export type Emit<S extends Subsystem> = (ns: Netns, a: EmitArgs<S>) => void;

export function emit(ns: Netns, a: EmitArgs): void {
  for (const o of ns.world.observers) {
    o.event({
      netns: ns,
      interface: a.dev?.name,
      kind: a.kind,
      packetId: a.skb?.id,
      layers: a.layers ?? a.skb?.layers,
      payload: a.skb?.payload,
      decidedBy: a.decidedBy,
      reason: a.reason,
      traversed: a.traversed,
      explain: { code: a.code, args: a.args ?? {} },
    });
  }
}

export function capture(dev: Device, skb: Skb, direction: 'tx' | 'rx'): void {
  for (const o of dev.netns.world.observers) {
    o.capture({
      netns: dev.netns,
      interface: dev.name,
      direction,
      link: dev.linkType,
      packetId: skb.id,
      layers: skb.layers,
      payload: skb.payload,
    });
  }
}
