/** The guided path: the scenarios in teaching order, and the learner's progress (kept in localStorage). */
export const PATH: readonly string[] = [
  'veth-pair',
  'docker-bridge',
  'nat-types',
  'pod-to-internet',
  'static-routes',
  'flannel-host-gw',
  'flannel-udp',
  'flannel-vxlan',
  'calico-bgp',
  'k8s-service-iptables',
  'troubleshoot-host-gw-l3',
  'troubleshoot-forward-drop',
  'troubleshoot-vxlan-mtu',
];

export const PROGRESS_KEY = 'packet-journey.path.v1';

export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export function loadProgress(storage: StorageLike | undefined): Set<string> {
  try {
    const raw = storage?.getItem(PROGRESS_KEY);
    const list: unknown = raw ? JSON.parse(raw) : [];
    return new Set(Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : []);
  } catch {
    return new Set();
  }
}

export function saveProgress(storage: StorageLike | undefined, done: ReadonlySet<string>): void {
  try {
    storage?.setItem(PROGRESS_KEY, JSON.stringify(PATH.filter((id) => done.has(id))));
  } catch {
    // Private mode or a full storage: progress is simply not kept.
  }
}

/** The lesson after (or before) the given scenario; the first lesson when it is not on the path. */
export function neighbourLesson(
  current: string | null,
  delta: 1 | -1,
  available: ReadonlySet<string>,
): string | null {
  const path = PATH.filter((id) => available.has(id));
  const i = current ? path.indexOf(current) : -1;
  if (i < 0) return delta > 0 ? (path[0] ?? null) : null;
  return path[i + delta] ?? null;
}
