import { describe, expect, it } from 'vitest';
import { isReaderSpeed, readFromStrokes } from './card-reader';

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

describe('readFromStrokes', () => {
  const strokes = (text: string, startAt: number, gapMs: number, field: string) =>
    [...text].map((char, index) => ({ at: startAt + index * gapMs, text: char, field, valueBefore: '' }));

  it('reads the card even when a person typed into another field just before the reader (no pause between)', () => {
    // A phone typed quickly, then at once the reader's 18 digits into the ID field, then Enter.
    const person = strokes('13812340001', 0, 30, 'mobile');
    const reader = strokes('220202199001011234', 11 * 30 + 60, 4, 'idNumber');
    const enterAt = 11 * 30 + 60 + 18 * 4;
    const found = readFromStrokes([...person, ...reader], enterAt);
    expect(found?.read.idNumber).toBe('220202199001011234');
    expect(found?.line.map((stroke) => stroke.field)).toEqual(Array(18).fill('idNumber'));
  });

  it('reads nothing from a person’s typing, or from a line that is no card', () => {
    expect(readFromStrokes(strokes('220202199001011234', 0, 60, 'idNumber'), 18 * 60)).toBeNull();
    expect(readFromStrokes(strokes('123456789012345678', 0, 4, 'idNumber'), 18 * 4)).toBeNull();
    // Enter long after the last key is a person's Enter.
    expect(readFromStrokes(strokes('220202199001011234', 0, 4, 'idNumber'), 18 * 4 + 500)).toBeNull();
  });
});
