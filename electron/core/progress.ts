/**
 * Progress of a long walk (issue 12: long reads show their progress to the person waiting). The walk
 * counts every item; the reporter passes on the first count (0, so the screen shows the total at
 * once), then at most one count per interval, and the last one. Looking at the clock costs little,
 * but not nothing: the clock is read once every `checkEvery` items only.
 */
export type OnProgress = (done: number, total: number) => void;

export interface ProgressReporter {
  /** `done` items of `total` walked so far (called for every item; cheap). */
  step(done: number): void;
  /** The walk went to the end after `done` items: (done, done) is passed on unless it was the last report. */
  finish(done: number): void;
}

export interface ProgressOptions {
  /** At most one report per this many milliseconds (250). */
  intervalMs?: number;
  /** The clock is read once every this many items (1,024). */
  checkEvery?: number;
  /** Injected for tests. */
  now?: () => number;
}

export function progressReporter(total: number, onProgress: OnProgress | undefined, options: ProgressOptions = {}): ProgressReporter {
  if (!onProgress) return { step: () => undefined, finish: () => undefined };
  const intervalMs = options.intervalMs ?? 250;
  const checkEvery = Math.max(1, options.checkEvery ?? 1024);
  const now = options.now ?? (() => performance.now());
  // The total read before the walk may be behind a log that grew meanwhile: never report done > total.
  let shown = Math.max(0, total);
  let lastDone = 0;
  let lastAt = now();
  const report = (done: number): void => {
    shown = Math.max(shown, done);
    lastDone = done;
    onProgress(done, shown);
  };
  report(0);
  return {
    step(done) {
      if (done % checkEvery !== 0) return;
      const at = now();
      if (at - lastAt < intervalMs) return;
      lastAt = at;
      report(done);
    },
    finish(done) {
      // The walk is over: the total is what was walked.
      if (done === lastDone && shown === done) return;
      shown = done;
      lastDone = done;
      onProgress(done, done);
    },
  };
}
