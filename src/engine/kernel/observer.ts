/**
 * What the kernel model reports as it works. The model knows nothing of its viewers
 * (the Trace recorder, a debugger, a test): they subscribe through this interface.
 */
import type { Layer } from '../net/layers';
import type { DropReason } from './drop-reason';
import type { EventKind, Explain, TableName, TraversedRule } from './trace';
import type { Netns } from './netns';

export interface KernelEvent {
  netns: Netns;
  interface?: string;
  kind: EventKind;
  packetId?: number;
  layers?: Layer[];
  payload?: number;
  decidedBy?: { table: TableName; row: string; netns?: Netns };
  reason?: DropReason;
  traversed?: TraversedRule[];
  explain: Explain;
}

export interface KernelCapture {
  netns: Netns;
  interface: string;
  direction: 'tx' | 'rx';
  link: 'eth' | 'raw';
  packetId: number;
  layers: Layer[];
  payload: number;
}

export interface KernelObserver {
  event(e: KernelEvent): void;
  capture(c: KernelCapture): void;
  /** A table changed; the viewer re-reads it if it cares. */
  tableChanged(netns: Netns, table: TableName): void;
}
