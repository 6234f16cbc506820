/** Handlers for backups, the restore drill and the recovery key; merged into HANDLERS. */
import { BackupError } from '../backup/archive';
import { BackupFieldError } from '../backup/backup-service';
import { confirmRecoveryKey, createRecoveryKey, pendingRecoveryKey } from '../backup/keyring';
import { RpcFailure } from './failure';
import type { CallContext } from './handlers';

function staffIdOf(call: CallContext): string {
  if (!call.session) throw new RpcFailure('UNAUTHENTICATED', 'sign in first');
  return call.session.staffId;
}

/** A refusal the manager can act on: CONFLICT with the reason code, which the UI turns into words. */
async function refusing<T>(work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof BackupError) throw new RpcFailure('CONFLICT', error.message, undefined, { reason: error.code });
    if (error instanceof BackupFieldError) throw new RpcFailure('VALIDATION', error.message, { [error.field]: error.reason });
    throw error;
  }
}

export const BACKUP_HANDLERS = {
  'backup.status': (_input: unknown, { services }: CallContext) => services.backups.status(),
  'backup.settings.update': (input: { folder: string; dailyAt: string; keep: number }, call: CallContext) =>
    refusing(() => {
      call.services.backups.updateSettings(staffIdOf(call), input);
      // A folder chosen on a desk with no backup yet (or a day missed) gets one straight away.
      call.services.backups.tick();
      return call.services.backups.status();
    }),
  'backup.now': (_input: unknown, call: CallContext) => refusing(() => call.services.backups.backUp(staffIdOf(call))),
  'backup.drill': (input: { recoveryKey?: string | undefined }, call: CallContext) => refusing(() => call.services.backups.drill(staffIdOf(call), input.recoveryKey?.trim() || undefined)),
  'backup.recoveryKey.pending': (_input: unknown, { services }: CallContext) => ({ recoveryKey: pendingRecoveryKey(services) }),
  'backup.recoveryKey.confirm': (_input: unknown, call: CallContext) => {
    confirmRecoveryKey(call.services, staffIdOf(call));
    return { done: true as const };
  },
  'backup.recoveryKey.create': (_input: unknown, call: CallContext) => ({ recoveryKey: createRecoveryKey(call.services, staffIdOf(call)) }),
  'recovery.status': () => ({ problem: null, folder: '', backups: [] }),
  'recovery.restore': (): never => {
    throw new RpcFailure('CONFLICT', "this desk's database opens normally; nothing needs restoring from the recovery screen", undefined, { reason: 'not_needed' });
  },
};
