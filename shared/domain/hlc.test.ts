import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HlcError, MAX_DRIFT_MS, compareHlc, formatHlc, initialHlc, parseHlc, receive, tick } from './hlc';

describe('hybrid logical clock', () => {
  it('orders local events strictly even when the wall clock stands still or goes back', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 }), { minLength: 1, maxLength: 200 }), (walls) => {
        let clock = initialHlc('deskA');
        for (const wall of walls) {
          const next = tick(clock, wall);
          expect(compareHlc(next, clock)).toBe(1);
          expect(formatHlc(next) > formatHlc(clock)).toBe(true);
          clock = next;
        }
      }),
    );
  });

  it('moves past a remote timestamp it receives', () => {
    const local = tick(initialHlc('deskA'), 1_000_000);
    const remote = { wallMs: 1_000_500, counter: 3, node: 'deskB' };
    const merged = receive(local, remote, 1_000_100);
    expect(merged.wallMs).toBe(1_000_500);
    expect(merged.counter).toBe(4);
    expect(merged.node).toBe('deskA');
  });

  it('refuses a remote clock more than five minutes ahead', () => {
    const local = tick(initialHlc('deskA'), 1_000_000);
    expect(() => receive(local, { wallMs: 1_000_000 + MAX_DRIFT_MS + 1, counter: 0, node: 'deskB' }, 1_000_000)).toThrow(HlcError);
  });

  it('round-trips through its string form', () => {
    const clock = tick(initialHlc('dev_abc-1'), 1_732_300_000_123);
    expect(parseHlc(formatHlc(clock))).toEqual(clock);
  });
});
