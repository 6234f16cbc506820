/**
 * One handler per RPC method. The mapped type makes a missing handler a compile error; the
 * dispatcher has already checked the session, the permission and the input before any runs.
 */
import type { MethodInput, MethodName, MethodOutput } from '../../../shared/api/contract';
import { checkPassword, lock, login, logout, sessionInfo, unlock, idleLockMs } from '../auth/auth-service';
import type { Session } from '../auth/sessions';
import { RpcFailure } from './failure';
import { DomainError } from '../errors';
import type { Services } from '../services';
import { changeOwnPassword, createStaff, initializeDesk, isSetUp, resetPassword, unlockAccount, updateStaff } from '../staff/staff-service';
import { toPublicStaff } from '../staff/staff-repo';
import { INTAKE_HANDLERS } from './intake-handlers';
import { BACKUP_HANDLERS } from './backup-handlers';
import { SYNC_HANDLERS } from './sync-handlers';
import { PAPER_HANDLERS } from './paper-handlers';
import { ONLINE_HANDLERS } from './online-handlers';

export interface CallContext {
  services: Services;
  clientId: string;
  /** Present for every method whose access is not `public`. */
  session: Session | undefined;
}

type Handler<M extends MethodName> = (input: MethodOutputOfInput<M>, call: CallContext) => MethodOutput<M> | Promise<MethodOutput<M>>;
/** Handlers receive the parsed input (defaults applied), i.e. the input schema's output type. */
type MethodOutputOfInput<M extends MethodName> = import('zod').output<import('../../../shared/api/contract').Methods[M]['input']>;

function requireSession(call: CallContext): Session {
  if (!call.session) throw new RpcFailure('UNAUTHENTICATED', 'sign in first');
  return call.session;
}

export const HANDLERS: { [M in MethodName]: Handler<M> } = {
  'app.ping': () => ({ pong: true }),
  'app.info': (_input, { services }) => {
    const organisation = services.config.organisation();
    return {
      setupRequired: !isSetUp(services),
      organisationName: organisation?.organisationName ?? null,
      siteName: organisation?.siteName ?? null,
      deskName: services.meta.get('desk_name') ?? null,
      deviceId: services.ctx.deviceId,
      appVersion: services.ctx.appVersion,
    };
  },
  'setup.initialize': async (input, { services, clientId }) => {
    const managerId = await initializeDesk(services, input as MethodInput<'setup.initialize'>);
    return sessionInfo(services, services.sessions.start(clientId, managerId, services.ctx.now()));
  },

  'auth.session': (_input, { services, session }) => sessionInfo(services, session),
  'auth.login': (input, { services, clientId }) => {
    if (!isSetUp(services)) throw new RpcFailure('SETUP_REQUIRED', 'set up this desk first');
    return login(services, clientId, input.username, input.password);
  },
  'auth.unlock': (input, call) => unlock(call.services, requireSession(call), input.password),
  'auth.lock': (_input, call) => lock(call.services, requireSession(call)),
  'auth.logout': (_input, call) => logout(call.services, requireSession(call)),
  'auth.heartbeat': (_input, { services }) => ({ idleLockMs: idleLockMs(services) }),
  'auth.changePassword': async (input, call) => {
    const session = requireSession(call);
    const record = call.services.staff.byId(session.staffId);
    if (!record) throw new RpcFailure('UNAUTHENTICATED', 'sign in first');
    if (input.newPassword === input.currentPassword) {
      throw new RpcFailure('VALIDATION', 'the new password must differ from the current one', { newPassword: 'same_as_current' });
    }
    try {
      await checkPassword(call.services, record, input.currentPassword, 'auth.change_password');
    } catch (error) {
      if ((error instanceof RpcFailure || error instanceof DomainError) && error.code === 'INVALID_CREDENTIALS') {
        throw new RpcFailure('VALIDATION', 'the current password is wrong', { currentPassword: 'wrong_password' }, error.details);
      }
      throw error;
    }
    await changeOwnPassword(call.services, record.id, input.newPassword);
    return { done: true };
  },

  'staff.list': (_input, { services }) => services.staff.all().map((record) => toPublicStaff(record, services.ctx.now())),
  'staff.create': (input, call) => createStaff(call.services, requireSession(call).staffId, input as MethodInput<'staff.create'>),
  'staff.update': (input, call) => updateStaff(call.services, requireSession(call).staffId, input),
  'staff.resetPassword': async (input, call) => {
    await resetPassword(call.services, requireSession(call).staffId, input.id, input.password);
    return { done: true };
  },
  'staff.unlock': (input, call) => unlockAccount(call.services, requireSession(call).staffId, input.id),

  'settings.get': (_input, { services }) => services.config.security(),
  'settings.update': (input, call) => {
    const { services } = call;
    const actor = requireSession(call).staffId;
    services.transact(() => {
      services.ops.append(actor, { entity: 'config', entityId: 'security', changes: { ...input } });
      services.audit.append(actor, 'settings.update', 'security', { ...input });
    });
    return services.config.security();
  },

  'audit.list': (input, { services }) => {
    // Names, not staff ids, on screen (issue 11 item 17): resolved here, as not every auditor may list staff.
    const known = new Map(services.staff.all().map((record) => [record.id, record.displayName]));
    return services.audit.list(input.beforeSeq, input.limit).map((entry) => {
      const ids = [entry.staffId, entry.target, entry.details['to'], entry.details['from']].filter((id): id is string => typeof id === 'string' && known.has(id));
      return { ...entry, names: Object.fromEntries(ids.map((id) => [id, known.get(id) ?? id])) };
    });
  },
  'audit.verify': async (_input, call) => {
    // Off the request path where the core runs in a worker: a read-only reader walks the chain
    // while the core keeps answering everyone else.
    const { longReads } = call.services;
    // The signed head is written after each answer; the reader reads it from the file, so it goes
    // there now (a head still on its way would otherwise read as missing on a brand-new desk).
    call.services.audit.flushHead();
    // The asker sees how far the walk is (the Audit screen's progress bar): a few events a second at most.
    const progress = (done: number, total: number): void => call.services.emit(call.clientId, 'audit.verify.progress', { done, total });
    const result = longReads ? await longReads.verifyAudit(progress) : call.services.audit.verify(progress);
    call.services.audit.append(requireSession(call).staffId, 'audit.verify', null, { ok: result.ok, entries: result.entries });
    return result;
  },

  'sync.quarantine': (_input, { services }) => services.ops.quarantined(),
  ...INTAKE_HANDLERS,
  ...BACKUP_HANDLERS,
  ...SYNC_HANDLERS,
  ...PAPER_HANDLERS,
  ...ONLINE_HANDLERS,
};
