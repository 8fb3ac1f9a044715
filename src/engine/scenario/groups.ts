/** The scenario catalog's groups, in the order the picker shows them (no zod: the page imports it). */
export const GROUPS = [
  'Basics',
  'Docker',
  'flannel',
  'Calico',
  'Kubernetes Services',
  'NAT',
  'Troubleshooting',
] as const;
