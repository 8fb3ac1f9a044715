/** The topology canvas: public API. */
export { TopologyCanvas, type CanvasProps } from './TopologyCanvas';
export { exportSvg } from './exportSvg';
export { markerStateAt, connectionIndices, type MarkerState } from './model';
export { topologyToElkGraph, topologyKey } from './layout';
export { warmLayout } from './elk';
