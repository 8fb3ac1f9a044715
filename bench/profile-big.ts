/** Profiles the 1,000-netns world: node --cpu-prof --import tsx bench/profile-big.ts */
import { traceFlow } from '../src/engine';
import { bigWorld } from './run';

const s = bigWorld();
for (let i = 0; i < 8; i++) traceFlow(s, s.flows[0]!.id);
