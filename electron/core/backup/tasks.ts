/**
 * Backup work the core hands to a thread of its own, so a snapshot or a drill never holds up entry:
 * the core thread only sends the task and awaits the answer. Where the bundled thread file is absent
 * (sources run directly, as in unit tests), the task runs in the calling thread instead.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { BackupError, type BackupErrorCode } from './archive';
import { createBackup, drillBackup, type BackupResult, type DrillResult, type KeySource } from './operations';

export type BackupTask =
  | { task: 'backup'; args: Parameters<typeof createBackup>[0] }
  | { task: 'drill'; args: { file: string; source: KeySource; scratchRoot: string } };

export type TaskAnswer = { ok: true; value: BackupResult | DrillResult } | { ok: false; code: BackupErrorCode; message: string };

export async function runTaskHere(job: BackupTask): Promise<TaskAnswer> {
  try {
    const value = job.task === 'backup' ? await createBackup(job.args) : await drillBackup(job.args.file, job.args.source, job.args.scratchRoot);
    return { ok: true, value };
  } catch (error) {
    if (error instanceof BackupError) return { ok: false, code: error.code, message: error.message };
    const code = error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : 'unknown';
    const [reason, words] = classifyIo(code);
    return { ok: false, code: reason, message: `${words} (${code})` };
  }
}

/** A file-system or SQLite error code as a reason and in words, without paths or data. */
export function classifyIo(code: string): [BackupErrorCode, string] {
  if (code === 'ENOSPC' || code === 'SQLITE_FULL') return ['disk_full', 'the disk is full'];
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return ['folder_unwritable', 'the folder cannot be written to'];
  if (code === 'ENOENT') return ['folder_missing', 'the folder is not there (is the disk connected?)'];
  if (code === 'EIO' || code.startsWith('SQLITE_IOERR')) return ['io_error', 'the disk reported an input/output error'];
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return ['database_damaged', 'the database is damaged'];
  if (code.startsWith('SQLITE_BUSY')) return ['database_busy', 'the database was busy'];
  return ['failed', 'the backup could not be written'];
}

export function runTask(job: BackupTask): Promise<TaskAnswer> {
  // Beside the core worker in dist/electron; from another bundle (dist/bench, dist/cli) one folder over.
  const threadFile = [path.join(__dirname, 'backup-worker.cjs'), path.join(__dirname, '..', 'electron', 'backup-worker.cjs')].find((file) => fs.existsSync(file));
  if (!threadFile) return runTaskHere(job);
  return new Promise((resolve) => {
    const worker = new Worker(threadFile, { workerData: job, name: 'intake-desk-backup' });
    let answered = false;
    worker.once('message', (answer: TaskAnswer) => {
      answered = true;
      resolve(answer);
      void worker.terminate();
    });
    worker.once('error', () => {
      answered = true;
      resolve({ ok: false, code: 'failed', message: 'the backup thread failed' });
    });
    worker.once('exit', () => {
      if (!answered) resolve({ ok: false, code: 'failed', message: 'the backup thread stopped without answering' });
    });
  });
}
