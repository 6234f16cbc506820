/** Handlers for backups, the restore drill and the recovery key; merged into HANDLERS. */
import { BackupError } from '../backup/archive';
import { BackupFieldError } from '../backup/backup-service';
import { checkPassword } from '../auth/auth-service';
import { confirmRecoveryKey, createRecoveryKey, heldRecoveryKey, pendingRecoveryKey } from '../backup/keyring';
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
  'backup.recoveryKey.create': (_input: unknown, call: CallContext) => {
    const recoveryKey = createRecoveryKey(call.services, staffIdOf(call));
    // An enrolled desk puts the new key's recovery desk on the server (and retires the old one) at its next sync round.
    call.services.sync.kick();
    return { recoveryKey };
  },
  'backup.recoveryKey.show': async (input: { password: string }, call: CallContext) => {
    const record = call.services.staff.byId(staffIdOf(call));
    if (!record) throw new RpcFailure('UNAUTHENTICATED', 'sign in first');
    try {
      await checkPassword(call.services, record, input.password, 'backup.recovery_key_shown');
    } catch (error) {
      if (error instanceof RpcFailure && error.code === 'INVALID_CREDENTIALS') throw new RpcFailure('VALIDATION', 'the password is wrong', { password: 'wrong_password' }, error.details);
      throw error;
    }
    const recoveryKey = heldRecoveryKey(call.services);
    if (!recoveryKey) throw new RpcFailure('CONFLICT', 'this desk does not hold the recovery key; make a new one', undefined, { reason: 'no_recovery_key' });
    call.services.transact(() => call.services.audit.append(record.id, 'backup.recovery_key_shown', null, {}));
    return { recoveryKey };
  },
  'recovery.status': () => ({ problem: null, folder: '', backups: [] }),
  'recovery.restore': (): never => {
    throw new RpcFailure('CONFLICT', "this desk's database opens normally; nothing needs restoring from the recovery screen", undefined, { reason: 'not_needed' });
  },
};
