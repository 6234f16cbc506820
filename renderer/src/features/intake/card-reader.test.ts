import { describe, expect, it } from 'vitest';
import { isReaderSpeed } from './card-reader';

const evenly = (count: number, gapMs: number): number[] => Array.from({ length: count }, (_, index) => index * gapMs);

describe('isReaderSpeed', () => {
  it('takes a reader’s few milliseconds per key, even with one stall of a busy machine', () => {
    expect(isReaderSpeed(evenly(19, 4))).toBe(true);
    const stalled = evenly(19, 4).map((time, index) => (index >= 10 ? time + 100 : time));
    expect(isReaderSpeed(stalled)).toBe(true);
  });

  it('takes a person, even a fast typist, as typing', () => {
    expect(isReaderSpeed(evenly(19, 60))).toBe(false);
    expect(isReaderSpeed(evenly(19, 35))).toBe(false);
    // A long pause breaks the line, however fast the rest.
    expect(isReaderSpeed([...evenly(10, 4), 40 + 500, 40 + 504])).toBe(false);
    expect(isReaderSpeed([0])).toBe(false);
  });
});
