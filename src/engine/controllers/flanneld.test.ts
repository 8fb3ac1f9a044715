/**
 * flanneld's network config defaults and its lease lifecycle: SubnetLen, SubnetMin and
 * SubnetMax as flannel's GetNetworkConfig fills them in, and a subnet whose lease expired
 * being handed to the next node that asks.
 */
import { describe, expect, it } from 'vitest';
import { runCommand } from '../commands';
import { Ether } from '../kernel/devices/ether';
import { World } from '../kernel/world';
import { formatIp } from '../net/ipv4';
import { FLANNEL_CONFIG_KEY, FLANNEL_SUBNETS, Flanneld, LEASE_TTL_S, parseNetworkConfig } from './flanneld';
import { Store } from './store';

describe('parseNetworkConfig defaults', () => {
  it('10.1.0.0/16: SubnetLen 24, SubnetMin 10.1.1.0, SubnetMax 10.1.255.0', () => {
    const c = parseNetworkConfig('{"Network": "10.1.0.0/16", "Backend": {"Type": "vxlan"}}');
    expect(c.subnetLen).toBe(24);
    expect(formatIp(c.subnetMin)).toBe('10.1.1.0');
    expect(formatIp(c.subnetMax)).toBe('10.1.255.0');
    expect(c.backend).toBe('vxlan');
  });

  it('a network of /24 or smaller gets SubnetLen one bit longer: /25 -> 26', () => {
    const c = parseNetworkConfig('{"Network": "10.5.0.0/25"}');
    expect(c.subnetLen).toBe(26);
    // The first subnet after the network address, and the last one in it.
    expect(formatIp(c.subnetMin)).toBe('10.5.0.64');
    expect(formatIp(c.subnetMax)).toBe('10.5.0.64');
    expect(parseNetworkConfig('{"Network": "10.5.0.0/24"}').subnetLen).toBe(25);
  });

  it('the backend defaults to udp and explicit values win', () => {
    const c = parseNetworkConfig(
      '{"Network": "10.1.0.0/16", "SubnetLen": 20, "SubnetMin": "10.1.32.0", "SubnetMax": "10.1.64.0"}',
    );
    expect(c.backend).toBe('udp');
    expect(c.subnetLen).toBe(20);
    expect(formatIp(c.subnetMin)).toBe('10.1.32.0');
    expect(formatIp(c.subnetMax)).toBe('10.1.64.0');
  });
});

function node(world: World, store: Store, name: string, addr: string): Flanneld {
  const m = world.addMachine(name, { role: 'host' });
  const dev = new Ether(m.root, 'eth0', m.root.allocIfindex(), world.allocMac(`${name}/eth0`), 1500);
  m.root.attach(dev);
  world.segment('lan').plug(dev);
  const exec = (line: string, origin: string) => {
    try {
      return { ok: true, output: runCommand({ world, machine: m, ns: m.root, origin }, line).output };
    } catch (e) {
      return { ok: false, output: (e as Error).message };
    }
  };
  exec(`ip addr add ${addr}/24 dev eth0`, 'test');
  exec('ip link set eth0 up', 'test');
  return new Flanneld(world, m, store, { iface: 'eth0', forwardRules: false, ipMasq: false }, exec);
}

describe('leases', () => {
  it('hands out SubnetMin first, and reuses a subnet once its lease expired', () => {
    const world = new World('lease-test');
    world.segment('lan');
    const store = new Store(world);
    store.seed(FLANNEL_CONFIG_KEY, '{"Network": "10.1.0.0/16", "Backend": {"Type": "host-gw"}}');
    const a = node(world, store, 'a', '192.168.0.1');
    const b = node(world, store, 'b', '192.168.0.2');
    a.start();
    b.start();
    expect(a.subnet).toBe('10.1.1.0/24');
    expect(b.subnet).toBe('10.1.2.0/24');
    expect(store.list(FLANNEL_SUBNETS).map((e) => e.key)).toEqual([
      '/coreos.com/network/subnets/10.1.1.0-24',
      '/coreos.com/network/subnets/10.1.2.0-24',
    ]);
    expect(world.netns.get('b')!.routes.lookup(0x0a010105)?.gateway).toBe(0xc0a80001);

    a.stop();
    // b renews an hour before the end; a does not, so 24 h after it wrote its lease it is gone.
    world.sched.run({ maxTime: (LEASE_TTL_S + 1) * 1_000_000, maxTasks: 10_000 });
    expect(store.list(FLANNEL_SUBNETS).map((e) => e.key)).toEqual([
      '/coreos.com/network/subnets/10.1.2.0-24',
    ]);
    expect(world.netns.get('b')!.routes.lookup(0x0a010105)).toBeUndefined();

    const c = node(world, store, 'c', '192.168.0.3');
    c.start();
    expect(c.subnet).toBe('10.1.1.0/24');
  });
});
