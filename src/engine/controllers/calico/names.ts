/**
 * Names Calico derives: the host-side veth of a pod and the ids of Felix's chains and ipsets.
 */
import { sha1Hex } from './sha1';

/**
 * The host side of a pod's veth, as Calico's CNI plugin names it for Kubernetes
 * (libcalico-go VethNameForWorkload): "cali" + the first 11 hex digits of
 * SHA-1("<namespace>.<pod>"); 15 characters, the IFNAMSIZ limit.
 */
export function caliName(pod: string, namespace = 'default'): string {
  return `cali${sha1Hex(`${namespace}.${pod}`).slice(0, 11)}`;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** A URL-safe base64 rendering of SHA-1(text) (27 characters). */
export function hash64(text: string): string {
  const hex = sha1Hex(text);
  let bits = '';
  for (const c of hex) bits += parseInt(c, 16).toString(2).padStart(4, '0');
  let out = '';
  for (let i = 0; i + 6 <= bits.length; i += 6) out += B64[parseInt(bits.slice(i, i + 6), 2)];
  return out;
}

/** Felix's ipset for a selector: "cali40s:" + 22 characters of a hash of the selector (IPv4). */
export function selectorIpset(selector: string): string {
  return `cali40s:${hash64(selector.trim()).slice(0, 22)}`;
}

/**
 * Felix's inbound policy chain, "cali-pi-_" + the policy's name when it fits iptables' 28
 * characters, else + a hash of it (as Felix hashes long ids).
 */
export function policyChain(name: string): string {
  const chain = `cali-pi-_${name}`;
  return chain.length <= 28 ? chain : `cali-pi-_${hash64(name).slice(0, 19)}`;
}
