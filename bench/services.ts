/**
 * Generated Kubernetes clusters for the scale benchmarks: the catalog's two-node
 * k8s-service-iptables (or -ipvs, -nftables) cluster with many more ClusterIP Services, each with three
 * endpoints (11 iptables rules a Service in iptables mode, as in a real cluster's KUBE-SVC and
 * KUBE-SEP chains). Service web (10.96.0.100) and its flows stay as they are.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Service } from '../src/engine/controllers/kube-proxy';
import { loadScenario, type Scenario } from '../src/engine/scenario/load';

export type ProxyMode = 'iptables' | 'ipvs' | 'nftables';

export function servicesScenario(n: number, mode: ProxyMode): Scenario {
  const file = `k8s-service-${mode}.yaml`;
  const s = loadScenario(readFileSync(join(import.meta.dirname, '..', 'scenarios', file), 'utf8'), file);
  const services: Service[] = [...(s.services ?? [])];
  for (let i = 1; services.length < n; i++) {
    // 10.96.0.0/16 beyond .0.100 (web): 10.96.X.Y with X >= 1.
    const ip = `10.96.${1 + (i >> 8)}.${i & 255}`;
    services.push({
      name: `svc-${i}`,
      namespace: `ns-${i % 50}`,
      clusterIP: ip,
      type: 'ClusterIP',
      externalTrafficPolicy: 'Cluster',
      // A target port per Service keeps IPVS mode's KUBE-LOOP-BACK entries (ip,port,ip) distinct.
      ports: [{ name: 'http', port: 80, targetPort: 1024 + i, protocol: 'TCP' }],
      endpoints: [0, 1, 2].map((k) => ({
        ip: `10.244.${1 + (k & 1)}.${100 + ((i * 3 + k) % 150)}`,
        node: `node${1 + (k & 1)}`,
      })),
    });
  }
  return { ...s, services };
}
