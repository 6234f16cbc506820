/**
 * The core worker: owns the one database connection and every business rule. Started by a shell
 * (Electron main or the browser host) through CoreSupervisor; talks only through `parentPort`.
 */
import path from 'node:path';
import { Worker, parentPort, workerData } from 'node:worker_threads';
import { CHECKPOINT_TIMING } from './checkpoint-policy';
import type { CheckpointerData } from './checkpoint-worker';
import { fail, requestIdOf, requestMethodOf, type RpcResponse } from '../../shared/api/envelope';
import { openCore } from './core';
import { warmUpSearch } from './customers/customer-service';
import { MERGE_QUIET_MS, MERGE_SLICE_KEYS, QuietMoments, mergePendingKeys } from './customers/pending-keys';
import { DatabaseOpenError } from './db/connection';
import { classifyStorageError, logBackgroundFailure } from './db/errors';
import { recordRestore } from './backup/keyring';
import { createLogger } from './logger';
import { workerLongReads } from './long-reads';
import type { CoreWorkerData, FromCore, ToCore } from './protocol';
import { WarmUpMoment } from './warm-up-policy';

const log = createLogger('core/worker');
const port = parentPort;
if (!port) throw new Error('the core must run in a worker thread');

const post = (message: FromCore): void => port.postMessage(message);

/**
 * Background work (idle locks, checkpoints, the backup schedule) that meets a full or failing disk
 * must not take the core down with it: everyone signed in would be signed out and what they were
 * typing would have nowhere to go. The failure is logged by kind (never with data) and tried again
 * at the next tick; the person's next save answers with the same kind of failure (DISK_FULL, …).
 */
function periodic(task: string, work: () => void): void {
  const started = performance.now();
  try {
    work();
    const ms = Math.round(performance.now() - started);
    if (ms >= 50) log.warn('slow background work', { task, ms });
  } catch (error) {
    logBackgroundFailure(log, task, error);
  }
}
const data = workerData as CoreWorkerData;
/** The log's size (in 4 KB pages) at which a commit checkpoints by itself when the checkpointer is behind. */
const SAFETY_NET_CHECKPOINT_PAGES = 100_000;
/** How long after the core is up the checkpointer thread starts. */
const CHECKPOINTER_START_MS = 2_000;
/** A merge slice stops taking keys after this long (a key whose leaf is on the disk takes 0.2–2 ms). */
const MERGE_SLICE_MS = 3;
/** How often the core looks whether the search warm-up may run. */
const WARM_UP_TICK_MS = 50;

try {
  const core = openCore({
    dataDir: data.dataDir,
    keyHex: data.keyHex,
    appVersion: data.appVersion,
    ...(data.clockOffsetMs !== undefined ? { clockOffsetMs: data.clockOffsetMs } : {}),
    emit: (clientId, event, payload) => post({ type: 'event', clientId, event: { event, payload } }),
    // Long reads (audit verification) on a second, read-only connection in a worker of their own.
    longReads: workerLongReads(path.join(__dirname, 'reader-worker.cjs'), { dataDir: data.dataDir, keyHex: data.keyHex }),
    checkpoints: 'elsewhere',
  });
  // Checkpoints in a thread of their own (checkpoint-worker.ts), in the desk's quiet moments: a
  // request never waits for one, and a commit never shares the disk with one unless commits never
  // stop (docs/decisions/0029). The core's own connection checkpoints on commit only as a safety
  // net, once the log passes about 400 MB: at 10,000 pages (40 MB) a burst of submits reached it
  // between two ticks and one submit paid for the copy (about 200 ms).
  core.db.pragma(`wal_autocheckpoint = ${SAFETY_NET_CHECKPOINT_PAGES}`);
  // The checkpointer starts once the first screen has had the machine to itself: its thread's own
  // start-up (about 160 ms of CPU) fell in the half second in which the window was painting the
  // sign-in screen on two cores (issue 12: `npm start` → sign-in painted < 1.5 s). Until it runs,
  // the safety net above bounds the log.
  const checkpointer: CheckpointerData = { dataDir: data.dataDir, keyHex: data.keyHex, timing: CHECKPOINT_TIMING };
  setTimeout(() => {
    new Worker(path.join(__dirname, 'checkpoint-worker.cjs'), { workerData: checkpointer, name: 'intake-desk-checkpoint' })
      .on('error', () => {
        log.error('the checkpointer stopped; the database checkpoints itself on commit');
        core.db.pragma('wal_autocheckpoint = 10000');
      })
      .unref();
  }, CHECKPOINTER_START_MS).unref();
  // New search keys are merged into the search index while nobody waits for an answer
  // (docs/decisions/0031): a slice of a few milliseconds at a time, each turn of the event loop
  // letting any request that came meanwhile go first, and none while a request is running.
  const quiet = new QuietMoments();
  const warmUp = new WarmUpMoment(performance.now());
  const mergeWhileQuiet = (): void => {
    const now = performance.now();
    if (!quiet.isQuiet(now)) return;
    const until = now + MERGE_SLICE_MS;
    let moved: number;
    try {
      moved = mergePendingKeys(core.db, MERGE_SLICE_KEYS, () => performance.now() < until);
    } catch (error) {
      quiet.failed(performance.now());
      logBackgroundFailure(log, 'search key merge', error);
      return;
    }
    if (moved > 0) setImmediate(mergeWhileQuiet);
  };
  setInterval(mergeWhileQuiet, MERGE_QUIET_MS).unref();
  port.on('message', (message: ToCore) => {
    if (message.type === 'client_closed') {
      core.clientClosed(message.clientId);
      return;
    }
    if (message.type === 'flush') {
      // Stopping: the signed audit head, written after each commit off the request path, goes to disk
      // now. A write still on libuv's pool is let finish first: cut off by the stop, it left its
      // temporary file open in the process (a leaked descriptor; a disk that could not be unmounted).
      void core.services.audit
        .settled()
        .catch(() => undefined)
        .then(() => {
          core.services.audit.flushHead();
          post({ type: 'flushed' });
        });
      return;
    }
    // dispatch() answers every request itself; the catch is the last line of defence, so that no
    // request is left without an answer and no rejection goes unhandled.
    quiet.started();
    core
      .handle(message.clientId, message.request)
      .finally(() => {
        const now = performance.now();
        quiet.ended(now);
        warmUp.answered(requestMethodOf(message.request), now);
      })
      .catch((): RpcResponse => ({ id: requestIdOf(message.request), result: fail('INTERNAL', 'internal error') }))
      .then((response) => post({ type: 'response', key: message.key, json: JSON.stringify(response) }))
      .catch(() => {
        log.error('an answer could not be sent to the shell', { key: message.key });
        post({ type: 'response', key: message.key, json: JSON.stringify({ id: requestIdOf(message.request), result: fail('INTERNAL', 'internal error') }) });
      });
  });
  // Sync runs here, in the core worker, between short transactions: entry never waits for it.
  core.services.sync.start();
  // The scanner's watched folder, when a manager set one: a look every 2 seconds (a file is taken on
  // the second look that finds it unchanged, so never while the scanner is still writing it).
  setInterval(() => {
    core.services.scanFolder.tick().catch(() => log.error('a look at the scanner folder failed'));
  }, 2_000).unref();
  setInterval(() => {
    periodic('idle sweep', () => core.sweepIdle());
    periodic('maintenance', () => core.maintain());
  }, 5_000).unref();
  // A restore that just happened goes into the audit log; a backup missed while the desk was off runs now.
  recordRestore(core.services);
  core.services.backups.tick();
  log.info('core ready', { deviceId: core.services.ctx.deviceId });
  post({ type: 'ready', deviceId: core.services.ctx.deviceId });
  // One small search of each kind, so the first real one finds its code compiled and the top of its
  // indexes decrypted in the page cache: once the first screen is up and the desk is quiet, not while
  // the window is still loading on the same two cores (warm-up-policy.ts, docs/decisions/0037).
  const warmUpTimer = setInterval(() => {
    const now = performance.now();
    if (!warmUp.due(now, quiet.isQuiet(now))) return;
    clearInterval(warmUpTimer);
    try {
      warmUpSearch(core.services);
    } catch {
      log.warn('search warm-up failed; the first search will be slower');
    }
  }, WARM_UP_TICK_MS);
  warmUpTimer.unref();
} catch (error) {
  const storage = classifyStorageError(error);
  const code = error instanceof DatabaseOpenError ? error.code : storage === 'corrupt' || storage === 'not_a_database' ? 'corrupt' : storage === 'io' ? 'io' : 'open_failed';
  const message = error instanceof Error ? error.message : 'the database could not be opened';
  log.error('core failed to start', { code, sqlite: error instanceof Error && 'code' in error ? String(error.code) : null });
  post({ type: 'fatal', code, message });
}
