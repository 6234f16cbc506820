/** Handlers for walk-in entry and customer lookup; merged into HANDLERS. */
import { customerCard, resolveConflict, revealField, searchCustomers, type SearchFilters } from '../customers/customer-service';
import { currentDraft, customerRecord, findMatches, markArrived, registerOnline, revealDraftField, saveDraft, startDraft, submitWalkIn } from '../intake/intake-service';
import { revealIntakeField } from '../review/review-reveal';
import { releaseLoadedOnDiscard } from '../online/online-work';
import type { MaskedField } from '../../../shared/domain/masking';
import { assign, COUNT_CAP, decide, myEntriesToday, QUEUE_PAGE, queuePage, queuesFor, resubmit, reviewDetail, settle } from '../review/review-service';
import type { QueueName } from '../../../shared/api/review-contract';
import type { IntakeFields } from '../../../shared/domain/intake/fields';
import type { ReviewSettings } from '../../../shared/api/review-contract';
import { RpcFailure } from './failure';
import type { Role } from '../../../shared/domain/auth/roles';
import type { CallContext } from './handlers';
import type { REVEALABLE_FIELDS } from '../../../shared/api/intake-contract';
import type { DraftSource } from '../../../shared/domain/intake/sources';

function staffIdOf(call: CallContext): string {
  if (!call.session) throw new RpcFailure('UNAUTHENTICATED', 'sign in first');
  return call.session.staffId;
}

function actorOf(call: CallContext): { staffId: string; role: Role } {
  const staff = call.services.staff.byId(staffIdOf(call));
  if (!staff) throw new RpcFailure('UNAUTHENTICATED', 'sign in first');
  return { staffId: staff.id, role: staff.role };
}

export const INTAKE_HANDLERS = {
  'review.queues': (input: { counts: boolean }, call: CallContext) => queuesFor(call.services, actorOf(call), { page: QUEUE_PAGE, countCap: input.counts ? COUNT_CAP : 0 }),
  'review.queuePage': (input: { queue: QueueName; cursor: string }, call: CallContext) => queuePage(call.services, actorOf(call), input.queue, input.cursor),
  'review.intake': (input: { intakeId: string }, call: CallContext) => reviewDetail(call.services, staffIdOf(call), input.intakeId),
  'review.reveal': (input: { intakeId: string; field: MaskedField; reason: string }, call: CallContext) => revealIntakeField(call.services, staffIdOf(call), input),
  'review.assign': (input: { intakeId: string; staffId: string }, call: CallContext) => {
    assign(call.services, actorOf(call), input.intakeId, input.staffId);
    return { done: true as const };
  },
  'review.decide': (input: Parameters<typeof decide>[2], call: CallContext) => decide(call.services, actorOf(call), input),
  'review.mine': (_input: Record<string, never>, call: CallContext) => myEntriesToday(call.services, staffIdOf(call)),
  'review.settle': (input: Parameters<typeof settle>[2], call: CallContext) => settle(call.services, actorOf(call), input),
  'intake.registerOnline': (input: Parameters<typeof registerOnline>[2], call: CallContext) => registerOnline(call.services, staffIdOf(call), input),
  'intake.resubmit': (input: { intakeId: string; fields: IntakeFields }, call: CallContext) => resubmit(call.services, actorOf(call), input.intakeId, input.fields),
  'intake.config': (_input: unknown, call: CallContext) => ({ fields: call.services.config.intakeFields(), walkInTargetMinutes: call.services.config.review().walkInTargetMinutes }),
  'review.settings.get': (_input: unknown, call: CallContext) => call.services.config.review(),
  'review.settings.update': (input: ReviewSettings, call: CallContext) => {
    const staffId = staffIdOf(call);
    call.services.transact(() => {
      call.services.ops.append(staffId, { entity: 'config', entityId: 'review_policy', changes: { ...input } });
      call.services.audit.append(staffId, 'settings.review', 'review_policy', { ...input });
    });
    return call.services.config.review();
  },
  'intake.config.update': (input: { fields: Partial<Record<string, 'hidden' | 'optional' | 'required'>> }, call: CallContext) => {
    const staffId = staffIdOf(call);
    call.services.transact(() => {
      call.services.ops.append(staffId, { entity: 'config', entityId: 'intake_fields', changes: { ...input.fields } as Record<string, string> });
      call.services.audit.append(staffId, 'settings.intake_fields', 'intake_fields', { fields: Object.keys(input.fields).length });
    });
    return { fields: call.services.config.intakeFields(), walkInTargetMinutes: call.services.config.review().walkInTargetMinutes };
  },
  'intake.draft.current': (_input: unknown, call: CallContext) => currentDraft(call.services, staffIdOf(call)),
  'intake.draft.start': (input: { customerId: string | null; source: DraftSource; reason: string }, call: CallContext) => startDraft(call.services, staffIdOf(call), input),
  'intake.draft.save': (input: Parameters<typeof saveDraft>[2], call: CallContext) => saveDraft(call.services, staffIdOf(call), input),
  'intake.draft.arrived': (input: { id: string }, call: CallContext) => markArrived(call.services, staffIdOf(call), input.id),
  'intake.draft.reveal': (input: { id: string; field: MaskedField }, call: CallContext) => revealDraftField(call.services, staffIdOf(call), input.id, input.field),
  'intake.draft.discard': (input: { id: string; onlineSubmissionId?: string | undefined }, call: CallContext) => {
    const staffId = staffIdOf(call);
    call.services.transact(() => {
      call.services.drafts.delete(input.id, staffId);
      call.services.audit.append(staffId, 'intake.discard', input.id);
      if (input.onlineSubmissionId) releaseLoadedOnDiscard(call.services, staffId, input.onlineSubmissionId);
    });
    return { done: true as const };
  },
  'intake.matches': (input: { mobile: string; idNumber: string; name: string; birthDate: string }, call: CallContext) => findMatches(call.services, input),
  'intake.customerRecord': (input: { customerId: string }, call: CallContext) => customerRecord(call.services, staffIdOf(call), input.customerId),
  'intake.submit': (input: Parameters<typeof submitWalkIn>[2], call: CallContext) => submitWalkIn(call.services, staffIdOf(call), input),
  'customers.search': (input: { query: string; limit: number } & SearchFilters, call: CallContext) => searchCustomers(call.services, input.query, input.limit, input),
  'customers.card': (input: { id: string }, call: CallContext) => customerCard(call.services, input.id),
  'customers.resolveConflict': (input: { id: string; field: string; keepAsOf: string; reason: string }, call: CallContext) => resolveConflict(call.services, actorOf(call), input),
  'customers.reveal': (input: { id: string; field: (typeof REVEALABLE_FIELDS)[number]; reason: string }, call: CallContext) =>
    revealField(call.services, staffIdOf(call), input.id, input.field, input.reason),
};
