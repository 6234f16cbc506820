import { describe, expect, it } from 'vitest';
import { CheckpointPolicy } from './checkpoint-policy';

const timing = { forceMs: 5_000, retryMs: 5_000 };
const TICK = 250;

/** Runs the policy over ticks from `from` to `to` (ms), with `versionAt(t)` as the data_version seen; returns when it checkpointed. */
function run(policy: CheckpointPolicy, from: number, to: number, versionAt: (t: number) => number, fail = false): number[] {
  const at: number[] = [];
  for (let t = from; t <= to; t += TICK) {
    if (!policy.tick(t, versionAt(t))) continue;
    at.push(t);
    if (fail) policy.failed(t);
    else policy.done();
  }
  return at;
}

describe('when the checkpointer copies the log', () => {
  it('copies a log left from before at the first quiet tick after the desk opens, then not again while nothing is committed', () => {
    const policy = new CheckpointPolicy(timing, 0);
    expect(run(policy, 0, 60_000, () => 7)).toEqual([0]);
  });

  it('copies in the first quiet moment after a commit, never while commits follow each other closely', () => {
    const policy = new CheckpointPolicy(timing, 0);
    run(policy, 0, 1_000, () => 1);
    // A submit commits at 2,100 ms, then nothing: the tick at 2,250 sees the commit, the one at 2,500 is quiet.
    expect(run(policy, 1_250, 10_000, (t) => (t < 2_100 ? 1 : 2))).toEqual([2_500]);
  });

  it('copies at the latest forceMs after the first waiting commit when commits never stop', () => {
    const policy = new CheckpointPolicy(timing, 0);
    run(policy, 0, 1_000, () => 1);
    // A commit between every two ticks for 12 s (a sync pull, a bulk load).
    const busy = (t: number) => (t <= 13_000 ? Math.floor(t / TICK) : 999);
    const at = run(policy, 1_250, 14_000, busy);
    expect(at.filter((t) => t <= 13_000)).toEqual([6_250, 11_500]);
    // And the last commits are copied in the quiet moment after them.
    expect(at.filter((t) => t > 13_000)).toEqual([13_500]);
  });

  it('tries a failed checkpoint again after retryMs, not at every tick, and stops once one succeeds', () => {
    const policy = new CheckpointPolicy(timing, 0);
    expect(run(policy, 0, 12_000, () => 1, true)).toEqual([0, 5_000, 10_000]);
    expect(run(policy, 12_250, 30_000, () => 1)).toEqual([15_000]);
  });
});
