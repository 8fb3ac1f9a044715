/** Every error a Calico controller raises for a bad configuration (the scenario names where it came from). */
export class CalicoError extends Error {}
