import { describe, expect, it } from 'vitest';
import { browse, emptyHistory, pushHistory } from './history';

describe('terminal history', () => {
  it('walks back and forth through entered lines', () => {
    let h = pushHistory(emptyHistory, 'ip route');
    h = pushHistory(h, 'ip neigh');
    h = pushHistory(h, 'ip neigh');
    expect(h.entries).toEqual(['ip route', 'ip neigh']);
    let r = browse(h, -1);
    expect(r.line).toBe('ip neigh');
    r = browse(r.history, -1);
    expect(r.line).toBe('ip route');
    r = browse(r.history, -1);
    expect(r.line).toBe('ip route');
    r = browse(r.history, 1);
    r = browse(r.history, 1);
    expect(r.line).toBe('');
  });
});
