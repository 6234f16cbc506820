/** The backup thread (see ./tasks.ts): runs one task and answers. */
import { parentPort, workerData } from 'node:worker_threads';
import { runTaskHere, type BackupTask } from './tasks';

void runTaskHere(workerData as BackupTask).then((answer) => parentPort?.postMessage(answer));
