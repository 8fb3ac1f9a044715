/**
 * TCP flags as tcpdump letters. tcpdump prints them in the order of its
 * tcp_flag_values table (F S R P . U E W), so SYN+ACK is "S." and PSH+ACK is "P.";
 * flagsToString reproduces that order so decoded packets print like tcpdump.
 */

const FLAG_BITS: ReadonlyArray<readonly [string, number]> = [
  ['F', 0x01],
  ['S', 0x02],
  ['R', 0x04],
  ['P', 0x08],
  ['.', 0x10],
  ['U', 0x20],
  ['E', 0x40],
  ['W', 0x80],
];

/** "S." -> 0x12. Unknown letters are ignored; "" and "none" mean no flags. */
export function flagsToBits(flags: string): number {
  let bits = 0;
  for (const [letter, bit] of FLAG_BITS) if (flags.includes(letter)) bits |= bit;
  return bits;
}

/** 0x12 -> "S."; tcpdump prints "none" for an empty set, we return "" and let the printer decide. */
export function flagsToString(bits: number): string {
  let s = '';
  for (const [letter, bit] of FLAG_BITS) if (bits & bit) s += letter;
  return s;
}

export const TH_FIN = 0x01;
export const TH_SYN = 0x02;
export const TH_RST = 0x04;
export const TH_ACK = 0x10;
export const TH_URG = 0x20;
