/**
 * What an IPIP and a GRE device share (net/ipv4/ip_tunnel.c): no link layer, no ARP, the ends
 * and TTL of the outer header, the device it is bound to, and whether it is the module's
 * fallback device (tunl0, gre0).
 */
import { formatIp } from '../../net/ipv4';
import { Device } from '../device';

export interface IpTunnelParams {
  local?: number;
  remote?: number;
  /** 0: inherit the inner packet's TTL. */
  ttl: number;
  /** The outer header always sets DF. */
  pmtudisc: boolean;
  /** The underlying device the tunnel is bound to (`dev D`). */
  dev?: Device;
}

export abstract class IpTunnel<P extends IpTunnelParams = IpTunnelParams> extends Device {
  readonly params: P;
  /** The module's own fallback device: `ip tunnel del` refuses it (EPERM), as ip_tunnel_ctl does. */
  declare fallback: boolean;

  constructor(...args: [...ConstructorParameters<typeof Device>, P]) {
    const [ns, name, ifindex, mac, mtu, params] = args;
    super(ns, name, ifindex, mac, mtu);
    this.params = params;
    this.noarp = true;
    this.fallback = false;
  }

  override get linkType(): 'eth' | 'raw' {
    return 'raw';
  }

  /** ip_tunnel_bind_dev: a point-to-point device once it has a fixed remote. */
  override linkFlags(): string[] {
    return super.linkFlags().filter((f) => f !== 'POINTOPOINT' || this.params.remote !== undefined);
  }

  /** iflink is the bound device (parms.link); 0 shows as `@NONE`. */
  override iflink(): number {
    return this.params.dev?.ifindex ?? 0;
  }

  /** `remote A local B [dev D] ttl T`, as iproute2's print_opt functions start. */
  protected endsText(): string {
    const p = this.params;
    const dev = p.dev ? ` dev ${p.dev.name}` : '';
    const end = (a: number | undefined): string => (a !== undefined ? formatIp(a) : 'any');
    return `remote ${end(p.remote)} local ${end(p.local)}${dev} ttl ${p.ttl || 'inherit'}`;
  }
}
