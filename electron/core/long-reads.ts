/**
 * Long reads off the core's request path (issue 12): a whole-log read such as audit verification
 * runs in a worker of its own on a second, read-only connection, so the core keeps answering every
 * other call (a keystroke's search, a submit) while it runs. Concurrent asks for the same job share
 * one run, and each asker hears its progress (the reader posts `{ progress }` messages before its
 * answer). Without a reader (tools and tests that open the core in-process) the core reads itself.
 */
import { Worker } from 'node:worker_threads';
import type { AuditVerifyResult } from '../../shared/api/contract';
import type { OnProgress } from './progress';

export interface LongReads {
  /** `onProgress` hears (done, total) entries while the chain is walked, from when this ask joined the run. */
  verifyAudit(onProgress?: OnProgress): Promise<AuditVerifyResult>;
}

/** What the reader worker is given: where the database is and its key, and which job to run. */
export interface ReaderWorkerData {
  dataDir: string;
  keyHex: string;
  job: 'audit.verify';
}

export type FromReader = { progress: { done: number; total: number } } | { ok: true; result: AuditVerifyResult } | { ok: false; message: string };

export function workerLongReads(readerFile: string, desk: { dataDir: string; keyHex: string }): LongReads {
  let running: Promise<AuditVerifyResult> | null = null;
  /** Who hears the running job's progress (every ask that shares it), and the last progress heard. */
  const listeners = new Set<OnProgress>();
  let lastProgress: { done: number; total: number } | null = null;
  const run = (job: ReaderWorkerData['job']): Promise<AuditVerifyResult> =>
    new Promise((resolve, reject) => {
      const workerData: ReaderWorkerData = { dataDir: desk.dataDir, keyHex: desk.keyHex, job };
      const worker = new Worker(readerFile, { workerData, name: `intake-desk-reader-${job}` });
      let answered = false;
      worker.on('message', (message: FromReader) => {
        if (answered) return;
        if ('progress' in message) {
          lastProgress = message.progress;
          for (const listener of listeners) listener(message.progress.done, message.progress.total);
          return;
        }
        answered = true;
        if (message.ok) resolve(message.result);
        else reject(new Error(message.message));
        void worker.terminate();
      });
      worker.once('error', (error) => {
        answered = true;
        reject(error);
      });
      worker.once('exit', (code) => {
        if (!answered) reject(new Error(`the reader stopped before answering (exit code ${code})`));
      });
    });
  return {
    verifyAudit: (onProgress) => {
      running ??= run('audit.verify').finally(() => {
        running = null;
        listeners.clear();
        lastProgress = null;
      });
      if (onProgress) {
        // A late asker hears at once how far the shared run is.
        if (lastProgress) onProgress(lastProgress.done, lastProgress.total);
        listeners.add(onProgress);
      }
      return running;
    },
  };
}
