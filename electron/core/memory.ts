/**
 * The core's memory budget (issue 10: the desk's RSS under 300 MB through a 1M-op pull).
 *
 * A long pull makes garbage at a steady rate: each page of 1,000 sealed ops lives from the answer
 * through verification and the apply transaction, long enough to be promoted to V8's old space.
 * V8 lets the old space grow to up to four times what survived the last full collection before it
 * collects again, so a core with ~40 MB of live objects peaked at ~155 MB of heap while pulling
 * (docs/benchmarks.md). Growing by at most 100 % instead bounds that peak at about twice the live
 * heap, for more frequent (short, since the live heap is small) full collections.
 *
 * The flag is process-wide: it applies to whatever else runs in the process (the Electron main
 * process, the browser host), which is the point — it is the desk's process whose RSS counts.
 */
import v8 from 'node:v8';

export const HEAP_GROWING_PERCENT = 100;

let bounded = false;

export function boundHeapGrowth(): void {
  if (bounded) return;
  bounded = true;
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
