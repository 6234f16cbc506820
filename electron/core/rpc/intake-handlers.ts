/** Handlers for walk-in entry and customer lookup; merged into HANDLERS. */
import { customerCard, revealField, searchCustomers, type SearchFilters } from '../customers/customer-service';
import { findMatches, startDraft, submitWalkIn } from '../intake/intake-service';
import { RpcFailure } from './failure';
import type { CallContext } from './handlers';

function staffIdOf(call: CallContext): string {
  if (!call.session) throw new RpcFailure('UNAUTHENTICATED', 'sign in first');
  return call.session.staffId;
}

export const INTAKE_HANDLERS = {
  'intake.config': (_input: unknown, call: CallContext) => ({ fields: call.services.config.intakeFields(), walkInTargetMinutes: 5 }),
  'intake.config.update': (input: { fields: Partial<Record<string, 'hidden' | 'optional' | 'required'>> }, call: CallContext) => {
    const staffId = staffIdOf(call);
    call.services.transact(() => {
      call.services.ops.append(staffId, { entity: 'config', entityId: 'intake_fields', changes: { ...input.fields } as Record<string, string> });
      call.services.audit.append(staffId, 'settings.intake_fields', 'intake_fields', { fields: Object.keys(input.fields).length });
    });
    return { fields: call.services.config.intakeFields(), walkInTargetMinutes: 5 };
  },
  'intake.draft.current': (_input: unknown, call: CallContext) => call.services.drafts.latest(staffIdOf(call)),
  'intake.draft.start': (input: { customerId: string | null }, call: CallContext) => startDraft(call.services, staffIdOf(call), input.customerId),
  'intake.draft.save': (input: { id: string; fields: Parameters<CallContext['services']['drafts']['save']>[2]; consent: Parameters<CallContext['services']['drafts']['save']>[3]; customerId: string | null }, call: CallContext) => {
    const now = call.services.ctx.now();
    if (!call.services.drafts.save(input.id, staffIdOf(call), input.fields, input.consent, input.customerId, now)) throw new RpcFailure('NOT_FOUND', 'this entry is no longer open');
    return { savedAt: now };
  },
  'intake.draft.discard': (input: { id: string }, call: CallContext) => {
    const staffId = staffIdOf(call);
    call.services.transact(() => {
      call.services.drafts.delete(input.id, staffId);
      call.services.audit.append(staffId, 'intake.discard', input.id);
    });
    return { done: true as const };
  },
  'intake.matches': (input: { mobile: string; idNumber: string; name: string; birthDate: string }, call: CallContext) => findMatches(call.services, input),
  'intake.submit': (input: Parameters<typeof submitWalkIn>[2], call: CallContext) => submitWalkIn(call.services, staffIdOf(call), input),
  'customers.search': (input: { query: string; limit: number } & SearchFilters, call: CallContext) => searchCustomers(call.services, input.query, input.limit, input),
  'customers.card': (input: { id: string }, call: CallContext) => customerCard(call.services, input.id),
  'customers.reveal': (input: { id: string; field: 'name' | 'mobile' | 'idNumber' | 'address' | 'emergencyMobile'; reason: string }, call: CallContext) =>
    revealField(call.services, staffIdOf(call), input.id, input.field, input.reason),
};
