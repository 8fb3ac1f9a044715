/**
 * The command language: the Linux commands a learner types, executed against the
 * kernel model. A command either applies completely or throws a CommandError with the
 * real tool's message and changes nothing.
 */
import type { Process } from '../../apps/process';
import type { Netns } from '../../kernel/netns';
import type { Machine, World } from '../../kernel/world';

export interface CommandContext {
  world: World;
  machine: Machine;
  /** The namespace the command runs in (`ip netns exec X` switches it). */
  ns: Netns;
  /** Provenance written on every row the command creates, e.g. "setup line 12" or "flanneld on A". */
  origin: string;
  /** What the command reads on its standard input (iptables-restore's rule set), when it is fed one. */
  stdin?: string;
}

export interface CommandResult {
  /** What the command printed on stdout. */
  output: string;
  /** A long-running program started by the command (ping, curl, nc). */
  process?: Process;
}
