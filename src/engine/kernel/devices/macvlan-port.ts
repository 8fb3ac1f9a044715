/**
 * struct macvlan_port: a lower device's macvlans. Creating it registers macvlan_handle_frame
 * as the lower's rx_handler, and tells the lower which devices go when it is unregistered.
 */
import type { Device } from '../device';
import type { Macvlan } from './macvlan';
import { macvlanHandleFrame } from './macvlan-rx';

/** struct macvlan_port: the macvlans of one lower device, in creation order (port->vlans). */
export interface MacvlanPort {
  lower: Device;
  vlans: Macvlan[];
  /** MACVLAN_F_PASSTHRU: the one macvlan takes every unicast frame and the lower's MAC. */
  passthru: boolean;
}

/** dev->rx_handler_data: the port a lower device carries once it has a macvlan. */
const ports = new WeakMap<Device, MacvlanPort>();

export function macvlanPort(lower: Device): MacvlanPort | undefined {
  return ports.get(lower);
}

/** macvlan_port_create, or the lower's existing port. */
export function macvlanPortOf(lower: Device): MacvlanPort {
  let p = ports.get(lower);
  if (!p) {
    const port: MacvlanPort = { lower, vlans: [], passthru: false };
    ports.set(lower, port);
    // netdev_rx_handler_register(lowerdev, macvlan_handle_frame, port).
    lower.rxHandler = (_dev, skb) => (macvlanHandleFrame(port, skb) ? 'consumed' : 'pass');
    lower.stackedOn = () => port.vlans.slice();
    p = port;
  }
  return p;
}

/** macvlan_port_destroy: the lower's last macvlan went. */
export function macvlanPortDelete(lower: Device): void {
  ports.delete(lower);
  lower.rxHandler = undefined;
  lower.stackedOn = undefined;
}
