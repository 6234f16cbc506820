/** Handlers of the sync methods (shared/api/sync-methods.ts): thin, the work is in core/sync. */
import type { MethodName } from '../../../shared/api/contract';
import type { SYNC_METHODS } from '../../../shared/api/sync-methods';
import type { Session } from '../auth/sessions';
import { SyncError } from '../sync/sync-client';
import type { CallContext } from './handlers';
import { RpcFailure } from './failure';
import { isSetUp } from '../staff/staff-service';

type SyncMethod = keyof typeof SYNC_METHODS & MethodName;
type Input<M extends SyncMethod> = import('zod').output<(typeof SYNC_METHODS)[M]['input']>;
type Output<M extends SyncMethod> = import('zod').output<(typeof SYNC_METHODS)[M]['output']>;
type Handler<M extends SyncMethod> = (input: Input<M>, call: CallContext) => Output<M> | Promise<Output<M>>;

function session(call: CallContext): Session {
  if (!call.session) throw new RpcFailure('UNAUTHENTICATED', 'sign in first');
  return call.session;
}

/** A sync failure becomes SYNC_FAILED with the problem the screen words in plain Chinese. */
async function guarded<T>(work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof SyncError) throw new RpcFailure('SYNC_FAILED', error.message, undefined, { problem: error.problem });
    throw error;
  }
}

function audited(call: CallContext, action: string, target: string | null, details: Record<string, string | number> = {}): void {
  const staffId = session(call).staffId;
  call.services.transact(() => call.services.audit.append(staffId, action, target, details));
}

export const SYNC_HANDLERS: { [M in SyncMethod]: Handler<M> } = {
  'sync.status': (_input, { services }) => services.sync.status(),
  'sync.now': (_input, { services }) => guarded(() => services.sync.syncNow()),
  'sync.configure': (input, call) =>
    guarded(() => {
      call.services.sync.configure(input.serverUrl);
      audited(call, 'sync.configure', null, { configured: input.serverUrl === null ? 0 : 1 });
      return { done: true as const };
    }),
  'sync.register': (input, call) =>
    guarded(async () => {
      const answer = await call.services.sync.register(input);
      audited(call, 'sync.register', input.siteId, { organisation: input.organisationId });
      return answer;
    }),
  'sync.enrol': (input, call) =>
    guarded(async () => {
      const answer = await call.services.sync.enrol(input);
      audited(call, 'sync.enrol', input.siteId);
      return answer;
    }),
  'sync.previewPairing': (input, { services }) => guarded(() => services.sync.previewPairing(input.code)),
  'sync.approve': (input, call) =>
    guarded(async () => {
      const answer = await call.services.sync.approve(input.code);
      audited(call, 'sync.approve', input.code);
      return answer;
    }),
  'sync.confirmPairing': (input, call) => {
    const enrolled = call.services.sync.confirmPairing(input.matches);
    audited(call, 'sync.confirmPairing', null, { matches: input.matches ? 1 : 0, enrolled: enrolled ? 1 : 0 });
    return { enrolled };
  },
  'sync.revoke': (input, call) =>
    guarded(async () => {
      await call.services.sync.revoke(input.deskId);
      audited(call, 'sync.revoke', input.deskId);
      return { done: true as const };
    }),
  'sync.recover': (input, call) =>
    guarded(async () => {
      if (isSetUp(call.services)) throw new RpcFailure('ALREADY_SET_UP', 'this desk is already set up; recover onto a new desk');
      const answer = await call.services.sync.recover(input);
      call.services.transact(() => call.services.audit.append(null, 'sync.recover', input.siteId, { ops: answer.ops }));
      return answer;
    }),
  'sync.rotate': (_input, call) =>
    guarded(async () => {
      const answer = await call.services.sync.rotate();
      audited(call, 'sync.rotate', null, { keyVersion: answer.keyVersion });
      return answer;
    }),
};
