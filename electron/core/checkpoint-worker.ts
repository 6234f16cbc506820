/**
 * The checkpointer: a thread of its own, with its own connection, that copies the write-ahead log
 * into the database file every few seconds. On the core's thread this copy was paid for by whoever
 * called next: after a backup (the log cannot be copied past a running snapshot, so it grows for as
 * long as the backup runs) one checkpoint took half a second, and a submit waited behind it. In WAL
 * mode a checkpoint never blocks a writer, so here it costs the counter nothing. A checkpoint that
 * meets a full or failing disk is logged by kind and tried again at the next tick.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from './db/connection';
import { logBackgroundFailure } from './db/errors';
import { createLogger } from './logger';
import { databasePath } from './paths';

export interface CheckpointerData {
  dataDir: string;
  keyHex: string;
  intervalMs: number;
}

const log = createLogger('core/checkpoint');
const port = parentPort;
if (!port) throw new Error('the checkpointer must run in a worker thread');
const data = workerData as CheckpointerData;
const db = openDatabase(databasePath(data.dataDir), data.keyHex);

const timer = setInterval(() => {
  const started = performance.now();
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    logBackgroundFailure(log, 'checkpoint', error);
    return;
  }
  const ms = Math.round(performance.now() - started);
  if (ms >= 500) log.info('long checkpoint (off the request path)', { ms });
}, data.intervalMs);

port.on('message', (message: unknown) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  db.close();
  port.close();
});
