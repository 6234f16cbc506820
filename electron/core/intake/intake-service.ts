/**
 * Walk-in entry in the core: drafts, the duplicate check while typing, and submit (初步审核 done by
 * the enterer, the intake goes to the cross-check queue). Validation is the shared rule set, run
 * again here because the renderer decides nothing.
 */
import type { CustomerSummary, Draft, MethodInputOf } from './types';
import { defaultConsent, validateConsent, type Consent } from '../../../shared/domain/intake/consent';
import { emptyIntakeFields, type FieldName, type IntakeFields } from '../../../shared/domain/intake/fields';
import { normalizeMobile } from '../../../shared/domain/phone';
import { parseIdentityNumber, normalizeDocumentInput } from '../../../shared/domain/identity';
import { summarize, type CustomerRow } from '../customers/customer-repo';
import { VIA_INTAKE } from '../customers/projectors';
import { pinyinSpellings } from '../customers/search-keys';
import { recordEvent } from '../review/review-service';
import { readCapture } from './capture';
import { DomainError } from '../errors';
import type { DraftSource, IntakeSource } from '../../../shared/domain/intake/sources';
import type { Services } from '../services';

/**
 * Start an entry. A correction of an existing customer (更正) starts from their current record, in
 * full: that is a deliberate, audited act with a reason, like a reveal.
 */
export function startDraft(services: Services, staffId: string, input: { customerId: string | null; source: DraftSource; reason: string }): Draft {
  const now = services.ctx.now();
  let fields = emptyIntakeFields();
  if (input.source === 'correction') {
    const customer = input.customerId ? services.customers.byId(input.customerId) : undefined;
    if (!customer) throw new DomainError('NOT_FOUND', 'no such customer');
    fields = { ...fields, ...(JSON.parse(customer.doc) as Partial<IntakeFields>) };
  }
  const draft: Draft = { id: services.ctx.randomId('drf'), source: input.source, fields, consent: defaultConsent(), customerId: input.customerId, cleared: [], startedAt: now, updatedAt: now };
  services.transact(() => {
    services.drafts.create(draft, staffId);
    if (input.source === 'correction') services.audit.append(staffId, 'intake.correction_open', input.customerId, { reason: input.reason });
  });
  return draft;
}

/** Existing customers this entry may be: same mobile, same ID number, or same name and birth date. */
export function findMatches(services: Services, input: MethodInputOf<'intake.matches'>): CustomerSummary[] {
  const found = new Map<string, { row: CustomerRow; on: Set<CustomerSummary['matchedOn'][number]> }>();
  const add = (rows: CustomerRow[], on: CustomerSummary['matchedOn'][number]): void => {
    for (const row of rows) {
      const entry = found.get(row.id) ?? { row, on: new Set() };
      entry.on.add(on);
      found.set(row.id, entry);
    }
  };
  const mobile = normalizeMobile(input.mobile ?? '');
  if (mobile.ok) add(services.customers.byMobile(mobile.national), 'mobile');
  const rawId = normalizeDocumentInput(input.idNumber ?? '');
  if (rawId.length >= 8) {
    const id = parseIdentityNumber(rawId);
    add(services.customers.byIdNumber(id.ok ? id.normalized : rawId), 'id');
  }
  const name = (input.name ?? '').trim();
  let birthDate = input.birthDate ?? '';
  const fromId = parseIdentityNumber(rawId);
  if (fromId.ok) birthDate = fromId.birthDate;
  if (name && /^\d{4}-\d{2}-\d{2}$/.test(birthDate)) {
    add(services.customers.byNameAndBirth(name, birthDate), 'name_birth');
    // A close match: the same birth date and a name that sounds the same (张/章, 陳/陈).
    for (const spelling of pinyinSpellings(name).slice(0, 4)) add(services.customers.bySoundAndBirth(spelling, birthDate), 'name_birth');
  }
  return [...found.values()].map(({ row, on }) => summarize(row, [...on]));
}

interface SubmitInput {
  draftId: string;
  fields: IntakeFields;
  consent: Consent;
  customerId: string | null;
  customerPresent: boolean;
  /** Stored values this capture clears on purpose (a known customer only). */
  cleared?: FieldName[] | undefined;
}

export function submitWalkIn(services: Services, staffId: string, input: SubmitInput) {
  const draft = services.drafts.get(input.draftId, staffId);
  if (!draft) throw new DomainError('NOT_FOUND', 'this entry is no longer open');
  return submitIntake(services, staffId, input, { source: draft.source, startedAt: draft.startedAt, draftId: draft.id });
}

/** An online submission (website, WeChat, app) registered at the desk: its 2-hour clock starts now. */
export function registerOnline(services: Services, staffId: string, input: Omit<SubmitInput, 'draftId' | 'customerPresent'>) {
  const now = services.ctx.now();
  return submitIntake(services, staffId, { ...input, draftId: '', customerPresent: false }, { source: 'online', startedAt: now, draftId: null });
}

function submitIntake(services: Services, staffId: string, input: SubmitInput, origin: { source: IntakeSource; startedAt: number; draftId: string | null }) {
  const staff = services.staff.byId(staffId);
  if (!staff?.certified) throw new DomainError('FORBIDDEN', 'only certified staff may enter real customer records', undefined, { reason: 'not_certified' });
  const draft = { startedAt: origin.startedAt };

  const now = services.ctx.now();
  const capture = readCapture(services, input.customerId, input.fields, input.cleared ?? [], now);
  const validation = capture.validation;
  const consentIssues = validateConsent(input.consent, { minor: validation.derived.minor, hasIdNumber: validation.normalized.idNumber.trim() !== '' });
  const fieldErrors: Record<string, string> = {};
  for (const [field, issue] of Object.entries(validation.errors)) if (issue) fieldErrors[field] = issue.code;
  for (const [field, code] of Object.entries(consentIssues)) if (code) fieldErrors[`consent.${field}`] = code;
  if (Object.keys(fieldErrors).length > 0) throw new DomainError('VALIDATION', 'the entry is not complete', fieldErrors);

  const fields = validation.normalized;
  const sameId = services.customers.byIdNumber(fields.idNumber).filter((row) => row.id !== input.customerId);
  if (sameId.length > 0) {
    throw new DomainError('CONFLICT', 'a customer with this ID number already exists; load that customer instead', { idNumber: 'duplicate_id' });
  }
  const possibleDuplicate =
    !input.customerId &&
    (services.customers.byMobile(fields.mobile).length > 0 || services.customers.byNameAndBirth(fields.name, fields.birthDate).length > 0);

  const flags: string[] = [];
  if (Object.keys(validation.warnings).length > 0) flags.push('identity_warning');
  if (possibleDuplicate) flags.push('possible_duplicate');
  if (fields.grade === 'vip') flags.push('vip');
  if (validation.derived.minor) flags.push('minor');
  if (origin.source === 'walk_in' && !input.customerPresent) flags.push('customer_left');
  if (origin.source === 'walk_in' && now - draft.startedAt > services.config.review().walkInTargetMinutes * 60_000) flags.push('over_target');

  const intakeId = services.ctx.randomId('itk');
  const durationMs = Math.max(0, now - draft.startedAt);
  const customerId = input.customerId ?? services.ctx.randomId('cus');
  services.transact(() => {
    // A new customer exists from submit on (so search and duplicate checks see them); changes to a
    // returning customer wait in the intake until review makes it valid.
    if (!input.customerId) services.ops.append(staffId, { entity: 'customer', entityId: customerId, changes: { ...fields, [VIA_INTAKE]: intakeId } });
    services.ops.append(staffId, {
      entity: 'intake',
      entityId: intakeId,
      changes: {
        customerId,
        source: origin.source,
        status: 'draft',
        fields: JSON.stringify(capture.fields),
        changes: JSON.stringify(capture.changes),
        consent: JSON.stringify(input.consent),
        flags: JSON.stringify(flags),
        enteredBy: staffId,
        startedAt: draft.startedAt,
        submittedAt: now,
        durationMs,
        customerPresent: input.customerPresent,
      },
    });
    if (origin.draftId) services.drafts.delete(origin.draftId, staffId);
    services.audit.append(staffId, 'intake.submit', intakeId, { customerId, durationMs, customerPresent: input.customerPresent, flags: flags.join(',') });
    // VIPs and doubtful records (identity warnings, possible duplicates) need the manager's final review.
    const needsFinal = flags.some((flag) => flag === 'vip' || flag === 'identity_warning' || flag === 'possible_duplicate');
    recordEvent(services, intakeId, { kind: 'submitted', by: { staffId, role: staff.role }, at: now, needsFinal });
  });
  return { intakeId, customerId, status: 'pending_cross_check' as const, durationMs, flags };
}
