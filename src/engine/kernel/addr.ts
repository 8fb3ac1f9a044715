import { parseIp } from '../net/ipv4';

/** An address from a header the stack built itself, so it is always well formed. */
export function ipOf(s: string): number {
  const v = parseIp(s);
  if (v === null) throw new Error(`internal: malformed address in header: ${s}`);
  return v;
}
