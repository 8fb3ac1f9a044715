/** Profiles building a 10,000-Service world and one trace: node --cpu-prof --import tsx bench/profile-services.ts [iptables|ipvs|nftables] */
import { buildWorld } from '../src/engine/scenario/build';
import { traceBuilt } from '../src/engine/sim/run';
import { servicesScenario, type ProxyMode } from './services';

const mode = (process.argv[2] ?? 'iptables') as ProxyMode;
const s = servicesScenario(Number(process.env.N ?? 10_000), mode);
for (let i = 0; i < 2; i++) {
  let t = performance.now();
  let c = process.cpuUsage();
  const built = buildWorld(s);
  console.log('build', performance.now() - t, 'cpu', process.cpuUsage(c).user / 1000);
  t = performance.now();
  c = process.cpuUsage();
  const tr = traceBuilt(s, 'client-to-clusterip', built);
  console.log(
    'trace',
    performance.now() - t,
    'cpu',
    process.cpuUsage(c).user / 1000,
    JSON.stringify(tr).length,
  );
}
