import type { Logger } from '../logger';

/**
 * SQLite errors sorted into what a person can act on: busy (retry), full (free disk space), corrupt
 * (restore from a backup), I/O (the disk is failing). Only the kind and SQLite's code are logged:
 * never the statement, its parameters or the message (which can quote data).
 */
export type StorageErrorKind = 'busy' | 'full' | 'corrupt' | 'io' | 'not_a_database';

export function sqliteCode(error: unknown): string | undefined {
  if (error instanceof Error && 'code' in error && typeof error.code === 'string' && error.code.startsWith('SQLITE_')) return error.code;
  return undefined;
}

export function classifyStorageError(error: unknown): StorageErrorKind | undefined {
  const code = sqliteCode(error);
  if (!code) return undefined;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'busy';
  if (code === 'SQLITE_FULL' || code === 'SQLITE_IOERR_WRITE' && /ENOSPC/.test(String((error as Error).message))) return 'full';
  if (code.startsWith('SQLITE_CORRUPT')) return 'corrupt';
  if (code === 'SQLITE_NOTADB') return 'not_a_database';
  if (code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_CANTOPEN')) return 'io';
  return undefined;
}

/**
 * Background work (checkpoints, idle locks, the backup schedule) that failed: logged by kind for a
 * storage error, by error name otherwise (never the message, which can quote data), so the caller
 * can carry on and try again at its next tick.
 */
export function logBackgroundFailure(log: Logger, task: string, error: unknown): void {
  const kind = classifyStorageError(error);
  if (kind) log.error('storage error in background work', { task, kind });
  else log.error('background work failed', { task, error: error instanceof Error ? error.name : 'unknown' });
}
