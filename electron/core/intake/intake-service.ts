/**
 * Walk-in entry in the core: drafts, the duplicate check while typing, and submit (初步审核 done by
 * the enterer, the intake goes to the cross-check queue). Validation is the shared rule set, run
 * again here because the renderer decides nothing.
 */
import { recordTranscribed, sheetForFormNumber } from '../paper/batch-service';
import type { CustomerSummary, Draft, MethodInputOf } from './types';
import { defaultConsent, validateConsent, type Consent } from '../../../shared/domain/intake/consent';
import { emptyIntakeFields, type FieldName, type IntakeFields } from '../../../shared/domain/intake/fields';
import { normalizeMobile, normalizePhone } from '../../../shared/domain/phone';
import { normalizeName } from '../../../shared/domain/names';
import { parseIdentityNumber, normalizeDocumentInput } from '../../../shared/domain/identity';
import { FIELD_MASKS, MASKED_FIELDS, maskField, unmaskUnchanged, type MaskedField } from '../../../shared/domain/masking';
import { summarize, type CustomerRow } from '../customers/customer-repo';
import { VIA_INTAKE, isFieldKey } from '../customers/projectors';
import { pinyinSpellings } from '../customers/search-keys';
import { recordEvent } from '../review/review-service';
import { BLANK_ON_FORM_FLAG, applyBlankOnForm } from '../../../shared/domain/paper/blank-on-form';
import { readCapture, type Capture } from './capture';
import { prepareProcessing } from '../online/online-work';
import { DomainError } from '../errors';
import type { DraftSource, IntakeSource } from '../../../shared/domain/intake/sources';
import type { Services } from '../services';

/**
 * A correction draft as the screen gets it: every personal field shows its mask until it is
 * revealed (audited) or retyped on screen. That includes values typed earlier in this correction
 * (after a restart they come back masked too): the core does not tell a typed value from a stored
 * one, so it hands out neither without a reveal. A walk-in draft holds only what this person
 * typed, so it comes back whole.
 */
function forScreen(draft: Draft): Draft {
  if (draft.source !== 'correction') return draft;
  const masked = MASKED_FIELDS.filter((field) => draft.fields[field] !== '');
  const fields: IntakeFields = { ...draft.fields };
  for (const field of masked) fields[field] = FIELD_MASKS[field](draft.fields[field]);
  return { ...draft, fields, masked };
}

export function currentDraft(services: Services, staffId: string): Draft | null {
  const draft = services.drafts.latest(staffId);
  return draft ? forScreen(draft) : null;
}

/** Save what the screen holds; in a correction, a field still showing its mask keeps the stored value. */
export function saveDraft(services: Services, staffId: string, input: { id: string; fields: IntakeFields; consent: Consent; customerId: string | null; cleared: FieldName[]; blankOnForm?: FieldName[] | undefined }): { savedAt: number } {
  const now = services.ctx.now();
  const stored = services.drafts.get(input.id, staffId);
  if (!stored) throw new DomainError('NOT_FOUND', 'this entry is no longer open');
  const fields = stored.source === 'correction' ? unmaskUnchanged(input.fields, stored.fields) : input.fields;
  // "Blank on form" marks belong to a paper form's transcription only.
  const blankOnForm = stored.paper ? (input.blankOnForm ?? []) : [];
  if (!services.drafts.save(input.id, staffId, fields, input.consent, input.customerId, now, input.cleared, blankOnForm)) throw new DomainError('NOT_FOUND', 'this entry is no longer open');
  return { savedAt: now };
}

/**
 * The customer is at the counter: the entry's timer (and the duration the supervisor reports use)
 * runs from now, not from when the empty entry was opened.
 */
export function markArrived(services: Services, staffId: string, id: string): { startedAt: number } {
  const now = services.ctx.now();
  if (!services.drafts.restart(id, staffId, now)) throw new DomainError('NOT_FOUND', 'this entry is no longer open');
  return { startedAt: now };
}

/** One field of the record being corrected, in full: the correction's reason covers it, and it is audited. */
export function revealDraftField(services: Services, staffId: string, draftId: string, field: MaskedField): { value: string } {
  const draft = services.drafts.get(draftId, staffId);
  if (!draft) throw new DomainError('NOT_FOUND', 'this entry is no longer open');
  if (draft.source !== 'correction') return { value: draft.fields[field] };
  if (!services.staff.byId(staffId)?.certified) throw new DomainError('FORBIDDEN', 'only certified staff may correct customer records', undefined, { reason: 'not_certified' });
  services.audit.append(staffId, 'intake.correction_reveal', draft.customerId, { field, draftId });
  return { value: draft.fields[field] };
}

/**
 * Start an entry. A correction of an existing customer (更正) starts from their current record,
 * masked: opening it is audited with its reason, and each field shown in full is audited again.
 */
export function startDraft(services: Services, staffId: string, input: { customerId: string | null; source: DraftSource; reason: string }): Draft {
  const now = services.ctx.now();
  // A paper form is transcribed into its sheet's draft (paper.transcribe.open), where double entry applies.
  if (input.source === 'paper_form') throw new DomainError('VALIDATION', 'a paper form is transcribed from its batch', { source: 'paper_from_batch' });
  let fields = emptyIntakeFields();
  if (input.source === 'correction') {
    // Only staff who may enter real records may open one (and see its values, one reveal at a time).
    if (!services.staff.byId(staffId)?.certified) throw new DomainError('FORBIDDEN', 'only certified staff may correct customer records', undefined, { reason: 'not_certified' });
    const customer = input.customerId ? services.customers.byId(input.customerId) : undefined;
    if (!customer) throw new DomainError('NOT_FOUND', 'no such customer');
    fields = { ...fields, ...(JSON.parse(customer.doc) as Partial<IntakeFields>) };
  }
  const draft: Draft = { id: services.ctx.randomId('drf'), source: input.source, fields, consent: defaultConsent(), customerId: input.customerId, cleared: [], startedAt: now, updatedAt: now };
  if (input.source === 'correction') {
    services.transact(() => {
      services.drafts.create(draft, staffId);
      services.audit.append(staffId, 'intake.correction_open', input.customerId, { reason: input.reason });
    });
  } else {
    // An empty form: nothing typed yet, nothing audited. Its commit need not wait for the disk (one
    // fsync less per customer); the first save or the submit, both synchronous, make it durable.
    services.transactUnsynced(() => services.drafts.create(draft, staffId));
  }
  return forScreen(draft);
}

/** A known customer's stored record for the walk-in screen, masked (only certified staff enter real records). */
export function customerRecord(services: Services, staffId: string, customerId: string): { summary: CustomerSummary; fields: Record<string, string | boolean> } {
  if (!services.staff.byId(staffId)?.certified) throw new DomainError('FORBIDDEN', 'only certified staff may enter real customer records', undefined, { reason: 'not_certified' });
  const row = services.customers.byId(customerId);
  if (!row) throw new DomainError('NOT_FOUND', 'no such customer');
  const doc = JSON.parse(row.doc) as Record<string, unknown>;
  const fields: Record<string, string | boolean> = {};
  for (const [field, value] of Object.entries(doc)) if (isFieldKey(field) && (typeof value === 'string' || typeof value === 'boolean')) fields[field] = maskField(field, value);
  return { summary: summarize(row, []), fields };
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
  else if (/^\s*(?:\+|＋|00)/.test(input.mobile ?? '')) {
    // A phone from abroad, stored as E.164 (docs/decisions/0011-visitors-from-anywhere.md).
    const phone = normalizePhone(input.mobile ?? '');
    if (phone.ok && phone.country !== 'CN') add(services.customers.byMobile(phone.e164), 'mobile');
  }
  const rawId = normalizeDocumentInput(input.idNumber ?? '');
  if (rawId.length >= 8) {
    const id = parseIdentityNumber(rawId, { today: new Date(services.ctx.now()) });
    add(services.customers.byIdNumber(id.ok ? id.normalized : rawId), 'id');
  }
  // As stored: any middle-dot variant as U+00B7, spaces collapsed.
  const name = normalizeName(input.name ?? '');
  let birthDate = input.birthDate ?? '';
  const fromId = parseIdentityNumber(rawId, { today: new Date(services.ctx.now()) });
  if (fromId.ok) birthDate = fromId.birthDate;
  if (name && /^\d{4}-\d{2}-\d{2}$/.test(birthDate)) {
    add(services.customers.byNameAndBirth(name, birthDate), 'name_birth');
    // A close match: the same birth date and a name that sounds the same (张/章, 陳/陈).
    for (const spelling of pinyinSpellings(name).slice(0, 4)) add(services.customers.bySoundAndBirth(spelling, birthDate), 'name_birth');
  }
  return [...found.values()].map(({ row, on }) => summarize(row, [...on]));
}

/**
 * A known customer's stored value confirmed on the walk-in screen without a reveal: the field holds
 * exactly its mask, and stands for the stored value (it never left the core).
 */
function confirmStored(services: Services, customerId: string, incoming: IntakeFields): IntakeFields {
  const row = services.customers.byId(customerId);
  if (!row) return incoming;
  return unmaskUnchanged(incoming, { ...emptyIntakeFields(), ...(JSON.parse(row.doc) as Partial<IntakeFields>) });
}

export interface SubmitInput {
  draftId: string;
  fields: IntakeFields;
  consent: Consent;
  customerId: string | null;
  customerPresent: boolean;
  /** Stored values this capture clears on purpose (a known customer only). */
  cleared?: FieldName[] | undefined;
  /** A paper form's required fields the customer left blank, marked so by the transcriber (paper intakes only). */
  blankOnForm?: FieldName[] | undefined;
  /** A customer's online submission loaded at the counter by its receipt code, and whether staff checked the ID the customer shows. */
  online?: { submissionId: string; idChecked: boolean } | undefined;
}

export function submitWalkIn(services: Services, staffId: string, input: SubmitInput) {
  const draft = services.drafts.get(input.draftId, staffId);
  if (!draft) throw new DomainError('NOT_FOUND', 'this entry is no longer open');
  if (draft.paper) throw new DomainError('CONFLICT', 'a paper form is submitted as a transcription of its sheet', { draftId: 'paper_from_batch' });
  const fields = draft.source === 'correction' ? unmaskUnchanged(input.fields, draft.fields) : input.customerId ? confirmStored(services, input.customerId, input.fields) : input.fields;
  if (input.online && draft.source === 'walk_in') {
    // An online submission saved at the counter: source `online`, its 2-hour clock from the server's receipt.
    const processing = prepareProcessing(services, staffId, input.online);
    return submitIntake(services, staffId, { ...input, fields }, { source: 'online', startedAt: processing.receivedAt, draftId: draft.id, alsoInTransaction: processing.commit });
  }
  return submitIntake(services, staffId, { ...input, fields }, { source: draft.source, startedAt: draft.startedAt, draftId: draft.id });
}

/** An online submission (website, WeChat, app) registered at the desk: its 2-hour clock starts now. */
export function registerOnline(services: Services, staffId: string, input: Omit<SubmitInput, 'draftId' | 'customerPresent'>) {
  const now = services.ctx.now();
  return submitIntake(services, staffId, { ...input, draftId: '', customerPresent: false }, { source: 'online', startedAt: now, draftId: null });
}

/**
 * Who entered a double-entered paper sheet (issue 13): the first typist is its enterer, the other
 * typist a co-entrant, and the lead who decided differing values its reconciler.
 */
export interface PaperAuthors {
  enteredBy: string;
  coEntrants: string[];
  reconciledBy?: string | undefined;
}

/** The paper sheet an intake transcribes (source `paper_form`): its batch and serial go on the intake. */
export interface PaperOrigin {
  batchId: string;
  serial: number;
}

/**
 * The same checks as a submit, without storing anything: the capture read against the stored
 * customer, validated as a whole, with consent; refused naming each field (issue 13: a paper
 * transcription is checked like a walk-in before it is kept or compared).
 */
export function checkSubmission(services: Services, staffId: string, input: { fields: IntakeFields; consent: Consent; customerId: string | null; cleared?: FieldName[] | undefined; blankOnForm?: readonly FieldName[] | undefined }, now: number): Capture {
  const staff = services.staff.byId(staffId);
  if (!staff?.certified) throw new DomainError('FORBIDDEN', 'only certified staff may enter real customer records', undefined, { reason: 'not_certified' });
  const capture = readCapture(services, input.customerId, input.fields, input.cleared ?? [], now);
  const validation = capture.validation;
  const consentIssues = validateConsent(input.consent, { minor: validation.derived.minor, hasIdNumber: validation.normalized.idNumber.trim() !== '' });
  // A paper form's required field left blank by the customer, marked so: allowed empty (issue 13).
  const { errors } = applyBlankOnForm(validation.errors, validation.normalized, input.blankOnForm ?? [], input.consent);
  const fieldErrors: Record<string, string> = {};
  for (const [field, issue] of Object.entries(errors)) if (issue) fieldErrors[field] = issue.code;
  for (const [field, code] of Object.entries(consentIssues)) if (code) fieldErrors[`consent.${field}`] = code;
  if (Object.keys(fieldErrors).length > 0) throw new DomainError('VALIDATION', 'the entry is not complete', fieldErrors);
  return capture;
}

/** Stores an intake; the caller's transaction (if any) holds it together with what led to it. */
export function submitIntake(services: Services, staffId: string, input: SubmitInput, origin: { source: IntakeSource; startedAt: number; draftId: string | null; paper?: PaperOrigin | undefined; alsoInTransaction?: (intakeId: string) => void; authors?: PaperAuthors | undefined }) {
  const staff = services.staff.byId(staffId);
  if (!staff?.certified) throw new DomainError('FORBIDDEN', 'only certified staff may enter real customer records', undefined, { reason: 'not_certified' });
  // A double-entered paper sheet is entered by its typists, whoever's desk makes the intake (issue 13).
  const entrant = origin.authors ? services.staff.byId(origin.authors.enteredBy) : staff;
  if (!entrant) throw new DomainError('NOT_FOUND', 'the typist of this sheet is not on the roster');
  const draft = { startedAt: origin.startedAt };

  const now = services.ctx.now();
  const blankOnForm = [...new Set(input.blankOnForm ?? [])];
  if (blankOnForm.length > 0 && origin.source !== 'paper_form') {
    throw new DomainError('VALIDATION', 'only a paper form can have fields left blank on it', Object.fromEntries(blankOnForm.map((field) => [field, 'blank_on_form_paper_only'])));
  }
  const capture = checkSubmission(services, staffId, { ...input, blankOnForm }, now);
  const validation = capture.validation;

  const fields = validation.normalized;
  // A form from a batch of our numbered paper forms (issue 13): its sheet becomes transcribed with this intake.
  const paperSheet = origin.paper ?? (input.consent.method === 'paper' ? sheetForFormNumber(services, input.consent.paperFormNo) : null);
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
  // Details the customer left off the paper form: the record waits for them (shown to the cross-checker and the lead).
  if (blankOnForm.length > 0) flags.push(BLANK_ON_FORM_FLAG);
  if (origin.source === 'walk_in' && !input.customerPresent) flags.push('customer_left');
  if (origin.source === 'walk_in' && now - draft.startedAt > services.config.review().walkInTargetMinutes * 60_000) flags.push('over_target');

  const intakeId = services.ctx.randomId('itk');
  const durationMs = Math.max(0, now - draft.startedAt);
  const customerId = input.customerId ?? services.ctx.randomId('cus');
  services.transact(() => {
    // A new customer exists from submit on (so search and duplicate checks see them); changes to a
    // returning customer wait in the intake until review makes it valid.
    if (!input.customerId) services.ops.append(staffId, { entity: 'customer', entityId: customerId, changes: { ...fields, [VIA_INTAKE]: intakeId } });
    const authors = origin.authors
      ? { enteredBy: origin.authors.enteredBy, ...(origin.authors.coEntrants.length > 0 ? { coEntrants: origin.authors.coEntrants.join(',') } : {}), ...(origin.authors.reconciledBy ? { reconciledBy: origin.authors.reconciledBy } : {}) }
      : {};
    services.audit.append(staffId, 'intake.submit', intakeId, { customerId, durationMs, customerPresent: input.customerPresent, flags: flags.join(','), ...authors });
    // VIPs and doubtful records (identity warnings, possible duplicates) need the manager's final review.
    const needsFinal = flags.some((flag) => flag === 'vip' || flag === 'identity_warning' || flag === 'possible_duplicate');
    const paperAuthors = origin.authors
      ? { ...(origin.authors.coEntrants.length > 0 ? { coEntrants: origin.authors.coEntrants } : {}), ...(origin.authors.reconciledBy ? { reconciledBy: origin.authors.reconciledBy } : {}) }
      : {};
    // The review event before the intake (any order of the same ops gives the same tables,
    // docs/decisions/0005): the intake's row is then inserted with the status the event gives it,
    // not as a draft moved a moment later (each status index would take two entries; issue 12). The
    // customer stays first: the card's history names who entered a value by the first op in capture
    // order that set it, and the approval's op is as of the intake's capture.
    recordEvent(services, intakeId, { kind: 'submitted', by: { staffId: entrant.id, role: entrant.role }, at: now, needsFinal, ...paperAuthors }, staffId);
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
        enteredBy: entrant.id,
        startedAt: draft.startedAt,
        submittedAt: now,
        durationMs,
        customerPresent: input.customerPresent,
        ...(origin.paper ? { paperBatchId: origin.paper.batchId, paperSerial: origin.paper.serial } : {}),
        ...(blankOnForm.length > 0 ? { blankOnForm: JSON.stringify(blankOnForm) } : {}),
      },
    });
    if (origin.draftId) services.drafts.delete(origin.draftId, staffId);
    if (paperSheet) recordTranscribed(services, staffId, { ...paperSheet, intakeId, scanId: null });
    origin.alsoInTransaction?.(intakeId);
  });
  return { intakeId, customerId, status: 'pending_cross_check' as const, durationMs, flags };
}
