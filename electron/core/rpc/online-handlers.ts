/** Handlers of the online-submission methods (shared/api/online-methods.ts): thin, the work is in core/online. */
import type { MethodName } from '../../../shared/api/contract';
import type { ONLINE_METHODS } from '../../../shared/api/online-methods';
import { configureOnline, onlineSettings, sweepOnline } from '../online/online-service';
import { claimSubmission, followUpDetail, loadByReceipt, markFollowUp, onlineQueue, recordAttempt, releaseSubmission, setOutcome } from '../online/online-work';
import { SyncError } from '../sync/sync-client';
import type { CallContext } from './handlers';
import { RpcFailure } from './failure';

type OnlineMethod = keyof typeof ONLINE_METHODS & MethodName;
type Input<M extends OnlineMethod> = import('zod').output<(typeof ONLINE_METHODS)[M]['input']>;
type Output<M extends OnlineMethod> = import('zod').output<(typeof ONLINE_METHODS)[M]['output']>;
type Handler<M extends OnlineMethod> = (input: Input<M>, call: CallContext) => Output<M> | Promise<Output<M>>;

function actor(call: CallContext) {
  if (!call.session) throw new RpcFailure('UNAUTHENTICATED', 'sign in first');
  const staff = call.services.staff.byId(call.session.staffId);
  if (!staff) throw new RpcFailure('UNAUTHENTICATED', 'sign in first');
  return { staffId: staff.id, role: staff.role };
}

export const ONLINE_HANDLERS: { [M in OnlineMethod]: Handler<M> } = {
  'online.settings': (_input, { services }) => onlineSettings(services),
  'online.configure': async (input, call) => {
    try {
      return await configureOnline(call.services, actor(call).staffId, input);
    } catch (error) {
      if (error instanceof SyncError) throw new RpcFailure('SYNC_FAILED', error.message, undefined, { problem: error.problem });
      throw error;
    }
  },
  'online.queue': (_input, call) => {
    sweepOnline(call.services);
    return onlineQueue(call.services, actor(call));
  },
  'online.claim': (input, call) => claimSubmission(call.services, actor(call).staffId, input.submissionId),
  'online.release': (input, call) => {
    releaseSubmission(call.services, actor(call).staffId, input.submissionId);
    return { done: true as const };
  },
  'online.load': (input, call) => loadByReceipt(call.services, actor(call).staffId, input.receiptCode),
  'online.followUp': (input, call) => {
    markFollowUp(call.services, actor(call).staffId, input);
    return { done: true as const };
  },
  'online.attempt': (input, call) => recordAttempt(call.services, actor(call).staffId, input),
  'online.outcome': (input, call) => {
    setOutcome(call.services, actor(call).staffId, input);
    return { done: true as const };
  },
  'online.followUp.detail': (input, call) => followUpDetail(call.services, input.submissionId),
};
