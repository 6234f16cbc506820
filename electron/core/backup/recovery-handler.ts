/**
 * The recovery screen's back end, for a desk whose database cannot be opened (damaged, not this
 * desk's, written by a newer version, or unreadable from the disk). The core is not running, so the
 * shell (browser host or Electron main) answers the two recovery methods with this handler and refuses everything else with
 * DATABASE_UNAVAILABLE: the screen explains what happened and restores from a backup with the
 * organisation recovery key. The broken database is moved aside, never deleted.
 */
import { METHODS } from '../../../shared/api/contract';
import { fail, type RpcResponse } from '../../../shared/api/envelope';
import { rpcRequestSchema } from '../../../shared/api/request-schema';
import { BackupError } from './archive';
import { readBackupSettings } from './backup-service';
import { listBackups, restoreBackup } from './operations';
import { createLogger } from '../logger';

const log = createLogger('core/recovery');
export const RECOVERABLE_PROBLEMS = ['wrong_key', 'corrupt', 'too_new', 'io', 'open_failed'] as const;
export type RecoverableProblem = (typeof RECOVERABLE_PROBLEMS)[number];

export function isRecoverable(code: string): code is RecoverableProblem {
  return (RECOVERABLE_PROBLEMS as readonly string[]).includes(code);
}

export function recoveryHandler(dataDir: string, problem: RecoverableProblem, onRestored: (keyHex: string) => Promise<void>): (request: unknown) => Promise<RpcResponse> {
  let restoring = false;
  return async (request) => {
    const envelope = rpcRequestSchema.safeParse(request);
    if (!envelope.success) return { id: -1, result: fail('BAD_REQUEST', 'malformed request envelope') };
    const { id, method, input } = envelope.data;
    if (method === 'app.ping') return { id, result: { ok: true, value: { pong: true } } };
    if (method === 'recovery.status') {
      const folder = readBackupSettings(dataDir).folder;
      const backups = (await listBackups(folder)).map(({ name, file, createdAt, organisationName, counts }) => ({ name, file, createdAt, organisationName, counts }));
      return { id, result: { ok: true, value: { problem, folder, backups } } };
    }
    if (method === 'recovery.restore') {
      const parsed = METHODS['recovery.restore'].input.safeParse(input ?? {});
      if (!parsed.success) return { id, result: fail('VALIDATION', 'the input is not valid') };
      if (restoring) return { id, result: fail('CONFLICT', 'a restore is already running', { details: { reason: 'failed' } }) };
      restoring = true;
      try {
        const restored = await restoreBackup({ from: parsed.data.file, dataDir, recoveryKey: parsed.data.recoveryKey, confirmLoss: parsed.data.confirmLoss, now: Date.now() });
        log.info('database restored from a backup', { customers: restored.counts.customers, intakes: restored.counts.intakes, ops: restored.counts.ops });
        await onRestored(restored.keyHex);
        return { id, result: { ok: true, value: { counts: restored.counts, auditEntries: restored.auditEntries } } };
      } catch (error) {
        if (error instanceof BackupError) {
          log.warn('restore refused', { reason: error.code });
          return { id, result: fail('CONFLICT', error.message, { details: { reason: error.code, ...error.details } }) };
        }
        log.error('restore failed', { error: error instanceof Error ? error.name : 'unknown' });
        return { id, result: fail('INTERNAL', 'the restore failed') };
      } finally {
        restoring = false;
      }
    }
    return { id, result: fail('DATABASE_UNAVAILABLE', "this desk's database cannot be opened; restore it from a backup") };
  };
}
