import { describe, expect, it } from 'vitest';
import { QuietMoments } from './pending-keys';

// The quiet-moment rule the core worker merges search keys by (docs/decisions/0031), over simulated times.
describe('QuietMoments', () => {
  const timing = { quietMs: 250, retryMs: 5_000 };

  it('is quiet from the start, and not while a request runs', () => {
    const quiet = new QuietMoments(timing);
    expect(quiet.isQuiet(0)).toBe(true);
    quiet.started();
    expect(quiet.isQuiet(10_000)).toBe(false);
  });

  it('is quiet only once the last of overlapping requests has ended and the quiet time has passed', () => {
    const quiet = new QuietMoments(timing);
    quiet.started();
    quiet.started();
    quiet.ended(1_000);
    expect(quiet.isQuiet(2_000)).toBe(false);
    quiet.ended(2_000);
    expect(quiet.isQuiet(2_249)).toBe(false);
    expect(quiet.isQuiet(2_250)).toBe(true);
  });

  it('waits the retry time after a failure, however quiet the desk is', () => {
    const quiet = new QuietMoments(timing);
    quiet.failed(100);
    expect(quiet.isQuiet(4_000)).toBe(false);
    expect(quiet.isQuiet(5_100)).toBe(true);
  });
});
