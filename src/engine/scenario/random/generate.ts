/**
 * A seeded generator of valid random scenarios over what the model and the lab's kernel
 * can both run, for random-scenario conformance (npm run conformance -- --random N).
 * The same seed always gives the same scenario text.
 */
import { stringify } from 'yaml';
import { SCENARIO_VERSION } from '../schema';
import { addXtBackends } from './backends';
import { addFlows, addPriorTraffic } from './flows';
import { addFilters, addNat } from './filters';
import { addIpv6, ipv6Rng, twinFlows } from './ipv6';
import { addMtu, addVxlan } from './links';
import { addMacvlans } from './macvlan';
import { addMultipath } from './multipath';
import { addPods } from './pods';
import { addPolicyRouting } from './policy';
import { Rng } from './rng';
import { buildSkeleton, newGen } from './world';

export interface RandomScenario {
  id: string;
  yaml: string;
  /** The features this world uses, for the campaign's summary. */
  features: string[];
}

export function randomScenario(seed: number): RandomScenario {
  const g = newGen(new Rng(seed), seed);
  buildSkeleton(g);
  addPods(g);
  addVxlan(g);
  addFilters(g);
  addNat(g);
  addMtu(g);
  addPolicyRouting(g);
  addXtBackends(g);
  addMultipath(g);
  const v6rng = ipv6Rng(seed);
  const v6 = addIpv6(g, v6rng);
  if (!v6) addMacvlans(g);
  const names = [...g.machines.keys()];
  addPriorTraffic(g, names[names.length - 1]!);
  const flows = v6 ? twinFlows(g, v6rng, addFlows(g), v6) : addFlows(g);
  const id = `random-${seed}`;
  const features = [...g.features].sort();
  const what = `Random world ${seed}: ${features.join(', ') || 'plain routing'}.`;
  const doc = {
    version: SCENARIO_VERSION,
    id,
    group: 'Troubleshooting',
    ...(v6 ? { ipv6: true } : {}),
    concept: {
      en: 'Random-scenario conformance: the kernel referees a world nobody wrote.',
      zh: '随机场景一致性测试：由内核裁判一个没人写过的网络。',
    },
    title: { en: `Random world ${seed}`, zh: `随机网络 ${seed}` },
    description: { en: what, zh: `随机网络 ${seed}：${features.join('、') || '普通路由'}。` },
    segments: Object.fromEntries(g.segments.map((s, k) => [s, { title: `10.${10 + k}.0.0/24` }])),
    machines: Object.fromEntries(
      [...g.machines].map(([name, m]) => [name, { role: m.role, nics: m.nics, setup: m.setup }]),
    ),
    servers: g.servers,
    flows: flows.map((f) => ({
      ...f,
      title: { en: `${f.netns}: ${f.command}`, zh: `${f.netns}：${f.command}` },
    })),
  };
  return { id, yaml: stringify(doc, { lineWidth: 0 }), features };
}
