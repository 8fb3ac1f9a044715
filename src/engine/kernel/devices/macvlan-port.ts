/**
 * struct macvlan_port, apart from the device so that the namespace (which deletes a lower's
 * macvlans with it) can find a lower's macvlans without importing the device's code.
 */
import type { Device } from '../device';
import type { Macvlan } from './macvlan';

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
    p = { lower, vlans: [], passthru: false };
    ports.set(lower, p);
  }
  return p;
}

/** macvlan_port_destroy: the lower's last macvlan went. */
export function macvlanPortDelete(lower: Device): void {
  ports.delete(lower);
}
