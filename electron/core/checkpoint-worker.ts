/**
 * The checkpointer: a thread of its own, with its own connection, that copies the write-ahead log
 * into the database file in the desk's quiet moments (checkpoint-policy.ts, docs/decisions/0029).
 * On the core's thread this copy was paid for by whoever called next: after a backup (the log cannot
 * be copied past a running snapshot, so it grows for as long as the backup runs) one checkpoint took
 * half a second, and a submit waited behind it. In WAL mode a checkpoint never blocks a writer, but
 * a copy and its flush to disk running beside a submit's commit still made that submit wait for the
 * disk (10–35 ms, once 270 ms, in a burst of submits at 1M customers), hence the quiet moments. A
 * checkpoint that meets a full or failing disk is logged by kind and tried again 5 s later.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CheckpointPolicy, type CheckpointTiming } from './checkpoint-policy';
import { openDatabase } from './db/connection';
import { logBackgroundFailure } from './db/errors';
import { createLogger } from './logger';
import { databasePath } from './paths';

export interface CheckpointerData {
  dataDir: string;
  keyHex: string;
  timing: CheckpointTiming;
}

const log = createLogger('core/checkpoint');
const port = parentPort;
if (!port) throw new Error('the checkpointer must run in a worker thread');
const data = workerData as CheckpointerData;
const db = openDatabase(databasePath(data.dataDir), data.keyHex);

const policy = new CheckpointPolicy(data.timing, performance.now());
const dataVersion = db.prepare('PRAGMA data_version').pluck();

const timer = setInterval(() => {
  const started = performance.now();
  try {
    if (!policy.tick(started, dataVersion.get() as number)) return;
    db.pragma('wal_checkpoint(PASSIVE)');
    policy.done();
  } catch (error) {
    policy.failed(performance.now());
    logBackgroundFailure(log, 'checkpoint', error);
    return;
  }
  const ms = Math.round(performance.now() - started);
  if (ms >= 500) log.info('long checkpoint (off the request path)', { ms });
}, data.timing.tickMs);

port.on('message', (message: unknown) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  db.close();
  port.close();
});
