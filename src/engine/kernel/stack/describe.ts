/** Short human descriptions of a frame for explanations ("ICMP echo request 10.0.0.1 > 10.0.0.2"). */
import type { Layer } from '../../net/layers';
import { formatSummary } from '../../net/tcpdump';

export function describeFrame(layers: Layer[]): string {
  return formatSummary({ layers, payload: 0 });
}
