/** Profiles tracing the 20-router chain (world built once per run, as traceFlow does). */
import { traceFlow } from '../src/engine';
import { chainScenario } from './run';

const s = chainScenario(20);
for (let i = 0; i < 400; i++) traceFlow(s, s.flows[0]!.id);
