/** The backup thread (see ./tasks.ts): runs one task and answers. */
import os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { runTaskHere, type BackupTask } from './tasks';

// A backup is never in a hurry; the person at the counter is. On Linux a thread's nice value is its
// own (setpriority on "this process" from a thread reaches only that thread), so this lowers only
// the backup's share of the CPU, not the core's. Where the OS refuses, the backup runs as it is.
try {
  os.setPriority(0, 10);
} catch {
  // not permitted here: keep the default priority
}

void runTaskHere(workerData as BackupTask).then((answer) => parentPort?.postMessage(answer));
