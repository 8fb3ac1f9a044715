/**
 * The packet strip under the drawing: the packet of this step as a stack of coloured header
 * blocks, outermost first, each envelope (VXLAN, IPIP, GRE, UDP) a box around the packet it carries.
 * A value NAT (or a hop) changed shows the old value struck through beside the new one; a drop
 * names the rule. It is the canvas's fixed callout area: nothing here can cover a name.
 */
import type { JSX } from 'react';
import type { Layer } from '../../engine/net/layers';
import type { Trace } from '../../engine/kernel/trace';
import { icmp6Name, icmpName, previousWithPacket, type MarkerState } from './model';
import { packetBlocks, type Block } from './stack';
import type { Wording } from './words';

const NAMES: Record<Layer['proto'], string> = {
  eth: 'ETH',
  arp: 'ARP',
  ipv4: 'IPv4',
  ipv6: 'IPv6',
  icmp: 'ICMP',
  icmpv6: 'ICMPv6',
  udp: 'UDP',
  tcp: 'TCP',
  vxlan: 'VXLAN',
  gre: 'GRE',
  dns: 'DNS',
};

function BlockView({ b, layer, w }: { b: Block; layer: Layer; w: Wording }): JSX.Element {
  const extra =
    layer.proto === 'icmp'
      ? ` ${icmpName(layer.type, w)}`
      : layer.proto === 'icmpv6'
        ? ` ${icmp6Name(layer.type, w)}`
        : '';
  return (
    <span className={`pj-block pj-block--${b.proto}${b.changed ? ' pj-block--changed' : ''}`}>
      <b>
        {NAMES[b.proto]}
        {extra}
      </b>
      {b.parts.map((p, k) =>
        p.old === undefined ? (
          <span key={k}> {p.text}</span>
        ) : (
          <span key={k}>
            {' '}
            <del>{p.old}</del> <ins>{p.text}</ins>
          </span>
        ),
      )}
    </span>
  );
}

/** Level `k` of the packet and, inside it, the levels it carries. */
function Level({ levels, k, layers, w }: { levels: Block[][]; k: number; layers: Layer[]; w: Wording }) {
  const level = levels[k];
  if (!level) return null;
  return (
    <span className={k < levels.length - 1 ? 'pj-level pj-level--envelope' : 'pj-level'} data-level={k}>
      {level.map((b) => (
        <BlockView key={b.index} b={b} layer={layers[b.index]!} w={w} />
      ))}
      <Level levels={levels} k={k + 1} layers={layers} w={w} />
    </span>
  );
}

export interface PacketStripProps {
  trace: Trace;
  step: number;
  marker: MarkerState | null;
  words: Wording;
}

export function PacketStrip({ trace, step, marker, words: w }: PacketStripProps): JSX.Element {
  const ev = trace.events[step];
  const layers = ev?.packet;
  const prev = ev ? previousWithPacket(trace.events, step)?.packet : undefined;
  const levels = layers ? packetBlocks(layers, prev) : [];
  return (
    <div className="pj-strip" role="group" aria-label={w.t('canvas.strip')} data-testid="packet-strip">
      {layers && layers.length > 0 ? (
        <p className="pj-strip-line">
          {marker?.nat && <span className="pj-strip-nat">{marker.nat}</span>}
          <Level levels={levels} k={0} layers={layers} w={w} />
        </p>
      ) : (
        <p className="pj-strip-line pj-strip-muted">{w.t('canvas.strip.none')}</p>
      )}
      {marker?.dropped && (
        <p className="pj-strip-drop" data-testid="drop-reason">
          <span aria-hidden="true">✕ </span>
          {w.t('canvas.strip.dropped', { reason: marker.reason ?? '' })}
        </p>
      )}
    </div>
  );
}
