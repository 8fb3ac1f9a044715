/** What build-data-plugin.ts loads through Vite's module runner, in one load. */
export { builtinCatalog } from './catalog';
export { prelaidLayouts } from './prelaid';
export { pretracedFlows, pretracedTrace } from './pretraced';
