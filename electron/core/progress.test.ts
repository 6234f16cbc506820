import { describe, expect, it } from 'vitest';
import { progressReporter } from './progress';

/** Walks `items` items, the clock advancing `msPerItem` per item; returns every report. */
function walk(items: number, total: number, msPerItem: number, options: { checkEvery?: number; toTheEnd?: boolean } = {}): Array<[number, number]> {
  const reports: Array<[number, number]> = [];
  let clock = 0;
  const reporter = progressReporter(total, (done, all) => reports.push([done, all]), { intervalMs: 250, checkEvery: options.checkEvery ?? 100, now: () => clock });
  for (let done = 1; done <= items; done += 1) {
    clock += msPerItem;
    reporter.step(done);
  }
  if (options.toTheEnd ?? true) reporter.finish(items);
  return reports;
}

describe('progress of a long walk', () => {
  it('reports the start at once, then at most once per interval, then the end', () => {
    // 10,000 items at 0.125 ms each: 1.25 s in all, a report every 2,000 items (250 ms).
    expect(walk(10_000, 10_000, 0.125)).toEqual([
      [0, 10_000],
      [2_000, 10_000],
      [4_000, 10_000],
      [6_000, 10_000],
      [8_000, 10_000],
      [10_000, 10_000],
    ]);
  });

  it('reports only the start and the end of a walk shorter than the interval', () => {
    expect(walk(5_000, 5_000, 0.01)).toEqual([
      [0, 5_000],
      [5_000, 5_000],
    ]);
  });

  it('looks at the clock only every so many items', () => {
    // 1 ms per item, but the clock is looked at every 1,000 items: reports fall on those items only.
    const reports = walk(3_000, 3_000, 1, { checkEvery: 1_000 });
    expect(reports).toEqual([
      [0, 3_000],
      [1_000, 3_000],
      [2_000, 3_000],
      [3_000, 3_000],
    ]);
  });

  it('never reports more done than the total, when the log grew after the total was read', () => {
    const reports = walk(2_000, 1_000, 0.5);
    for (const [done, total] of reports) expect(done).toBeLessThanOrEqual(total);
    expect(reports.at(-1)).toEqual([2_000, 2_000]);
  });

  it('does not report the end of a walk that stopped early (a broken entry)', () => {
    expect(walk(550, 1_000, 1, { toTheEnd: false })).toEqual([
      [0, 1_000],
      [300, 1_000],
    ]);
  });

  it('reports a walk over nothing once, as nothing of nothing', () => {
    expect(walk(0, 0, 1)).toEqual([[0, 0]]);
  });
});
