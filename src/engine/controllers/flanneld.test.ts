/**
 * flanneld's network config defaults and its lease lifecycle: SubnetLen, SubnetMin and
 * SubnetMax as flannel's GetNetworkConfig fills them in, and a subnet whose lease expired
 * being handed to the next node that asks.
 */
import { describe, expect, it } from 'vitest';
import { runCommand } from '../commands';
import { Ether } from '../kernel/devices/ether';
import { World } from '../kernel/world';
import { formatIp, parseCidr } from '../net/ipv4';

const ipOf = (s: string): number => parseCidr(`${s}/32`)!.addr >>> 0;
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

  it('a network smaller than a /22 is split in four (prefix + 2), as flannel >= 0.10 does', () => {
    expect(parseNetworkConfig('{"Network": "10.5.0.0/22"}').subnetLen).toBe(24);
    expect(parseNetworkConfig('{"Network": "10.5.0.0/23"}').subnetLen).toBe(25);
    const c = parseNetworkConfig('{"Network": "10.5.0.0/25"}');
    expect(c.subnetLen).toBe(27);
    // Four /27s: .0 is skipped (the network's own address), .32 .. .96 remain.
    expect(formatIp(c.subnetMin)).toBe('10.5.0.32');
    expect(formatIp(c.subnetMax)).toBe('10.5.0.96');
    expect(parseNetworkConfig('{"Network": "10.5.0.0/28"}').subnetLen).toBe(30);
  });

  it("refuses what flannel's CheckNetworkConfig refuses, in its words", () => {
    expect(() => parseNetworkConfig('{"Network": "10.5.0.0/29"}')).toThrow(
      'network is too small. Minimum useful network prefix is /28',
    );
    expect(() => parseNetworkConfig('{"Network": "10.5.0.0/24", "SubnetLen": 25}')).toThrow(
      'network must be able to accommodate at least four subnets',
    );
    expect(() => parseNetworkConfig('{"Network": "10.5.0.0/16", "SubnetLen": 31}')).toThrow(
      'SubnetLen must be less than /31',
    );
    expect(() => parseNetworkConfig('{"Network": "10.5.0.0/16", "SubnetMin": "10.5.1.5"}')).toThrow(
      'SubnetMin is not on a SubnetLen boundary: 10.5.1.5',
    );
    expect(() => parseNetworkConfig('{"Network": "10.5.0.0/16", "SubnetMax": "10.6.0.0"}')).toThrow(
      'SubnetMax is not in the range of the Network',
    );
  });

  it('the backend defaults to udp and explicit values win', () => {
    const c = parseNetworkConfig(
      '{"Network": "10.1.0.0/16", "SubnetLen": 20, "SubnetMin": "10.1.32.0", "SubnetMax": "10.1.64.0"}',
    );
    expect(c.backend).toBe('udp');
    // Filled in by flannel, so the trace says so (flanneld.cfg-backend-default).
    expect(c.defaults).toEqual({ subnetLen: false, range: false, backend: true });
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
  it('picks at random among the free subnets, and a restarted node leases its expired subnet again', () => {
    const world = new World('lease-test');
    world.segment('lan');
    const store = new Store(world);
    store.seed(
      FLANNEL_CONFIG_KEY,
      '{"Network": "10.1.0.0/16", "SubnetMin": "10.1.1.0", "SubnetMax": "10.1.4.0", "Backend": {"Type": "host-gw"}}',
    );
    const a = node(world, store, 'a', '192.168.0.1');
    const b = node(world, store, 'b', '192.168.0.2');
    a.start();
    b.start();
    const range = ['10.1.1.0/24', '10.1.2.0/24', '10.1.3.0/24', '10.1.4.0/24'];
    expect(range).toContain(a.subnet);
    expect(range).toContain(b.subnet);
    expect(b.subnet).not.toBe(a.subnet);
    const aNet = a.subnet!;
    const aHost = ipOf(aNet.replace(/0\/24$/, '5'));
    expect(world.netns.get('b')!.routes.lookup(aHost)?.gateway).toBe(0xc0a80001);

    a.stop();
    // b renews an hour before the end; a does not, so 24 h after it wrote its lease it is gone.
    world.sched.run({ maxTime: (LEASE_TTL_S + 1) * 1_000_000, maxTasks: 10_000 });
    expect(store.list(FLANNEL_SUBNETS).map((e) => e.key)).toEqual([
      `/coreos.com/network/subnets/${b.subnet!.replace('/', '-')}`,
    ]);
    expect(world.netns.get('b')!.routes.lookup(aHost)).toBeUndefined();

    // a comes back to the subnet its subnet.env names (no lease for its IP, and that subnet is free).
    a.start();
    expect(a.subnet).toBe(aNet);
    // A new node lands on one of the two left.
    const c = node(world, store, 'c', '192.168.0.3');
    c.start();
    expect(range.filter((r) => r !== b.subnet && r !== aNet)).toContain(c.subnet);
  });

  it('with every subnet taken, flanneld fails as flannel does', () => {
    const world = new World('full');
    world.segment('lan');
    const store = new Store(world);
    store.seed(
      FLANNEL_CONFIG_KEY,
      '{"Network": "10.1.0.0/16", "SubnetMin": "10.1.1.0", "SubnetMax": "10.1.1.0"}',
    );
    node(world, store, 'a', '192.168.0.1').start();
    expect(() => node(world, store, 'b', '192.168.0.2').start()).toThrow('out of subnets');
  });
});
