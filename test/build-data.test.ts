/** What the build computes for the page is what the page would compute itself. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario, traceFlow } from '../src/engine';
import { machineId, topologyKey } from '../src/app/canvas/layout';
import { prelaidLayouts } from '../scripts/prelaid';
import { builtinCatalog } from '../scripts/catalog';
import { pretracedFlows, pretracedTrace } from '../scripts/pretraced';
import { catalog, trace } from '../src/app/worker/engine-service';

const root = path.resolve(import.meta.dirname, '..');

describe('prelaidLayouts', () => {
  it('lays out the topology every flow of the scenario is traced in, under its key', async () => {
    const file = path.join(root, 'scenarios/flannel-vxlan.yaml');
    const scenario = loadScenario(readFileSync(file, 'utf8'), 'scenarios/flannel-vxlan.yaml');
    const layouts = await prelaidLayouts(file, 'scenarios/flannel-vxlan.yaml');
    for (const flow of scenario.flows) {
      const topology = traceFlow(scenario, flow.id).topology;
      const graph = layouts[topologyKey(topology)];
      expect(graph, flow.id).toBeDefined();
      // ELK placed every machine (arrange.ts rows them from these boxes).
      const placed = new Map(graph!.children?.map((c) => [c.id, c]));
      for (const m of topology.machines)
        expect(placed.get(machineId(m.name))?.width, m.name).toBeGreaterThan(0);
    }
  });
});

describe('builtinCatalog', () => {
  it("is the trace worker's catalog", async () => {
    expect(builtinCatalog(path.join(root, 'scenarios'))).toEqual(await catalog());
  });
});

describe('pretracedTrace', () => {
  const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

  it.each(['veth-pair', 'k8s-service-iptables'])('%s: every flow as the worker traces it', async (id) => {
    const name = `scenarios/${id}.yaml`;
    const file = path.join(root, name);
    const flows = pretracedFlows(file, name);
    expect(flows.length).toBeGreaterThan(0);
    for (const flow of flows) {
      const built = pretracedTrace(file, name, flow);
      expect(built, flow).not.toBeNull();
      expect(plain(built), flow).toEqual(plain(await trace(id, flow, [])));
    }
  });

  it('leaves a flow the scenario does not have to the worker', () => {
    const name = 'scenarios/veth-pair.yaml';
    expect(pretracedTrace(path.join(root, name), name, 'no-such-flow')).toBeNull();
  });
});
