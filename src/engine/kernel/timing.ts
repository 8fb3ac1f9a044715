/** Simulated delays in microseconds. They only order events; they are not a performance model. */
export const LINK_DELAY_US = 1;
export const SECOND_US = 1_000_000;
