/** Simulated delays in microseconds. They only order events; they are not a performance model. */
export const LINK_DELAY_US = 1;
export const SECOND_US = 1_000_000;

/** CONFIG_HZ=250, as on the lab's kernel: one jiffy is 4 ms. The model's jiffies count from its time 0. */
export const JIFFY_US = 4000;

/** LVL_START(n) for n = 1..8 (LVL_BITS 6, LVL_CLK_SHIFT 3): 63 << 3(n-1) jiffies. */
const LVL_START = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => 63 * 8 ** (n - 1));

/** The wheel level calc_wheel_index files a timer `delayUs` away in. */
export function wheelLevel(delayUs: number): number {
  const delta = Math.ceil(delayUs / JIFFY_US);
  const i = LVL_START.findIndex((start) => delta < start);
  return i < 0 ? LVL_START.length : i;
}

/**
 * How long a timer armed now (mod_timer with jiffies + `delayUs`) waits before it fires, in µs.
 * The timer wheel (kernel/time/timer.c, calc_wheel_index) files a timer `delta` jiffies away
 * in a level whose buckets are 8^level jiffies wide and rounds its expiry up to the next
 * bucket boundary so that it never fires early (calc_index: (expires >> shift) + 1). So a
 * 1 s timer (level 1) fires 4 to 32 ms late and a 5 s one (level 2) up to 256 ms late; two
 * timers armed in the same jiffy for the same delay fire together.
 */
export function wheelDelayUs(nowUs: number, delayUs: number): number {
  const now = Math.floor(nowUs / JIFFY_US);
  const delta = Math.ceil(delayUs / JIFFY_US);
  const shift = 3 * wheelLevel(delayUs);
  const bucket = (Math.floor((now + delta) / 2 ** shift) + 1) * 2 ** shift;
  return bucket * JIFFY_US - nowUs;
}

/**
 * When a resolving neighbour's next solicitation goes out (net/core/neighbour.c): the entry's
 * timer is a timer-wheel timer, armed for max(retrans_time, HZ/100) on entering INCOMPLETE
 * (__neigh_event_send) and again for retrans_time from the handler at each probe
 * (neigh_timer_handler, never less than HZ/100). So ARP requests and neighbour solicitations
 * go out about 1.02 to 1.03 s apart, not 1 s.
 */
export function neighRetransUs(retransUs: number): number {
  return Math.max(retransUs, 2 * JIFFY_US);
}
