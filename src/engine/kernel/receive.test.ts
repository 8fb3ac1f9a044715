/**
 * netif_receive_skb: the core hands a frame to a port's rx_handler, else to the protocol
 * registered for its ethertype, with the Ethernet header taken off; what is not for this
 * host goes nowhere.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { EthLayer } from '../net/layers';
import { Dummy } from './devices/dummy';
import { devAddPack, devRemovePack, netifReceive } from './receive';
import type { Skb } from './skb';
import { World } from './world';

/** IEEE 802 local experimental ethertype 1: no protocol of the model uses it. */
const ETH_P_802_EX1 = 0x88b5;

function host() {
  const world = new World('receive-test');
  const ns = world.addMachine('h').root;
  const dev = new Dummy(ns, 'eth0', 2, '02:00:00:00:00:02', 1500);
  ns.attach(dev);
  ns.setUp(dev);
  const got: { dev: string; layers: string[]; eth?: string }[] = [];
  devAddPack(ETH_P_802_EX1, (d, skb, eth) =>
    got.push({ dev: d.name, layers: skb.layers.map((l) => l.proto), eth: eth?.dst }),
  );
  return { world, ns, dev, got };
}

function frame(dst: string, type = ETH_P_802_EX1): Skb {
  const eth: EthLayer = { proto: 'eth', src: '02:00:00:00:00:09', dst, type };
  return {
    id: 1,
    layers: [eth, { proto: 'arp', op: 1, sha: '', spa: '', tha: '', tpa: '' }],
    payload: 0,
    mark: 0,
  };
}

describe('netif_receive_skb', () => {
  afterEach(() => devRemovePack(ETH_P_802_EX1));

  it('hands the frame without its Ethernet header to the protocol of its ethertype', () => {
    const { dev, got } = host();
    netifReceive(dev, frame(dev.mac));
    netifReceive(dev, frame('ff:ff:ff:ff:ff:ff'));
    expect(got).toEqual([
      { dev: 'eth0', layers: ['arp'], eth: dev.mac },
      { dev: 'eth0', layers: ['arp'], eth: 'ff:ff:ff:ff:ff:ff' },
    ]);
  });

  it('gives nothing to a protocol for a frame to another host, or of a type no protocol took', () => {
    const { dev, got } = host();
    netifReceive(dev, frame('02:00:00:00:00:77'));
    devRemovePack(ETH_P_802_EX1);
    netifReceive(dev, frame(dev.mac));
    expect(got).toEqual([]);
  });

  it('a device with an rx_handler (a bridge port) hands every frame to it instead', () => {
    const { dev, got } = host();
    const handled: string[] = [];
    dev.rxHandler = (d, skb) => {
      handled.push(`${d.name} ${skb.layers[0]!.proto}`);
      return 'consumed';
    };
    netifReceive(dev, frame(dev.mac));
    expect(handled).toEqual(['eth0 eth']);
    expect(got).toEqual([]);
    // br_pass_frame_up: the bridge passes a frame up on its own behalf, past the handler.
    netifReceive(dev, frame(dev.mac), { viaBridge: true });
    expect(got).toHaveLength(1);
  });

  it('an rx_handler that passes (a macvlan lower, a frame for none of its macvlans) leaves it to the protocols', () => {
    const { dev, got } = host();
    let asked = 0;
    dev.rxHandler = () => {
      asked++;
      return 'pass';
    };
    netifReceive(dev, frame(dev.mac));
    expect(asked).toBe(1);
    expect(got).toHaveLength(1);
  });

  it('a device that is down receives nothing', () => {
    const { ns, dev, got } = host();
    ns.setDown(dev);
    netifReceive(dev, frame(dev.mac));
    expect(got).toEqual([]);
  });
});
