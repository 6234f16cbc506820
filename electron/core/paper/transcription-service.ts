/**
 * Transcribing paper forms (issue 13 items 4 and 5): a sheet of an open batch is typed into a draft
 * of source `paper_form` beside its scan, checked like a walk-in, and kept as a transcription
 * (`paper_entry` op). A sheet the site has typed once becomes an intake at once; a sheet typed
 * twice (blind double entry) waits for a second, different person, then the two are compared field
 * by field after normalisation: agreeing, it becomes one intake; differing, the group lead
 * reconciles it field by field with the scan on screen (`paper_decision` op). Every step is
 * audited; every rule is checked here, never only on screen.
 */
import { isLeadRole, type Role } from '../../../shared/domain/auth/roles';
import { defaultConsent, type Consent } from '../../../shared/domain/intake/consent';
import { emptyIntakeFields, FIELD_NAMES, type FieldName, type IntakeFields } from '../../../shared/domain/intake/fields';
import { maskField } from '../../../shared/domain/masking';
import { COMPARED_CONSENT, DEFAULT_DOUBLE_ENTRY, compareTranscriptions, doubleEntrySettingsSchema, needsDoubleEntry, type ComparedKey, type DoubleEntrySettings } from '../../../shared/domain/paper/double-entry';
import { paperFormNumber } from '../../../shared/domain/paper/serial';
import type { Draft } from '../../../shared/api/intake-contract';
import type { Db } from '../db/connection';
import { statementsFor } from '../db/statements';
import { DomainError } from '../errors';
import { checkSubmission, submitIntake, type PaperAuthors } from '../intake/intake-service';
import type { Services } from '../services';
import { batchSheets, sheetIntakes } from './batch-service';

export interface Actor {
  staffId: string;
  role: Role;
}

interface EntryRow {
  id: string;
  batch_id: string;
  serial: number;
  staff_id: string;
  fields: string;
  consent: string;
  customer_id: string | null;
  cleared: string;
  started_at: number;
  submitted_at: number;
  duration_ms: number;
  double_entry: number;
  blank_on_form: string;
}

interface DecisionRow {
  id: string;
  batch_id: string;
  serial: number;
  outcome: string;
  entry_a: string;
  entry_b: string;
  compared: string;
  differing: string;
  choices: string;
  intake_id: string | null;
  by_staff: string;
  at: number;
}

const statements = statementsFor((db: Db) => ({
  batch: db.prepare('SELECT id, code, closed_at FROM paper_batches WHERE id = ?'),
  entries: db.prepare('SELECT * FROM paper_entries WHERE batch_id = ? AND serial = ? ORDER BY submitted_at, id'),
  decision: db.prepare('SELECT * FROM paper_decisions WHERE id = ?'),
  awaiting: db.prepare("SELECT d.*, b.code AS code FROM paper_decisions d JOIN paper_batches b ON b.id = d.batch_id WHERE d.outcome = 'disagreed' AND b.closed_at IS NULL ORDER BY d.at, d.id"),
  entriesSince: db.prepare('SELECT * FROM paper_entries WHERE submitted_at >= ? ORDER BY submitted_at'),
  decisionsSince: db.prepare("SELECT * FROM paper_decisions WHERE at >= ? AND outcome IN ('agreed', 'disagreed', 'reconciled')"),
  intakePaper: db.prepare('SELECT paper_batch_id, paper_serial FROM intakes WHERE id = ?'),
}));

const sheetKey = (batchId: string, serial: number): string => `${batchId}:${serial}`;
const entryId = (batchId: string, serial: number, staffId: string): string => `${sheetKey(batchId, serial)}:${staffId}`;

/** The site's choice: every paper form typed twice, a share of them, or none. */
export function doubleEntrySettings(services: Services): DoubleEntrySettings {
  const parsed = doubleEntrySettingsSchema.safeParse({ ...DEFAULT_DOUBLE_ENTRY, ...services.config.doc('paper_double_entry') });
  return parsed.success ? parsed.data : DEFAULT_DOUBLE_ENTRY;
}

export function updateDoubleEntrySettings(services: Services, staffId: string, input: DoubleEntrySettings): DoubleEntrySettings {
  services.transact(() => {
    services.ops.append(staffId, { entity: 'config', entityId: 'paper_double_entry', changes: { mode: input.mode, percent: input.percent } });
    services.audit.append(staffId, 'settings.paper_double_entry', 'paper_double_entry', { mode: input.mode, percent: input.percent });
  });
  return doubleEntrySettings(services);
}

interface SheetContext {
  batchId: string;
  code: string;
  serial: number;
  formNo: string;
  entries: EntryRow[];
  decision: DecisionRow | undefined;
  double: boolean;
}

/** The sheet as transcription sees it; refused naming `serial` when it cannot take one. */
function sheetContext(services: Services, batchId: string, serial: number): SheetContext {
  const s = statements(services.ctx.db);
  const batch = s.batch.get(batchId) as { id: string; code: string; closed_at: number | null } | undefined;
  if (!batch) throw new DomainError('NOT_FOUND', 'no such batch');
  if (batch.closed_at !== null) throw new DomainError('CONFLICT', 'the batch is closed', { batchId: 'batch_closed' });
  const sheet = batchSheets(services, batchId).find((each) => each.serial === serial);
  if (!sheet) throw new DomainError('VALIDATION', `serial ${serial} is not in this batch`, { serial: 'serial_not_in_batch' });
  if (sheet.state === 'transcribed') throw new DomainError('CONFLICT', 'the sheet is already transcribed', { serial: 'sheet_transcribed' });
  if (sheet.state === 'void' || sheet.state === 'missing') throw new DomainError('CONFLICT', 'the sheet is marked void or missing', { serial: 'sheet_void_or_missing' });
  const entries = s.entries.all(batchId, serial) as EntryRow[];
  // A sheet once typed as double entry stays so, whatever the setting says later.
  const double = entries.some((entry) => entry.double_entry === 1) || needsDoubleEntry(doubleEntrySettings(services), batch.code, serial);
  return { batchId, code: batch.code, serial, formNo: paperFormNumber(batch.code, serial), entries, decision: s.decision.get(sheetKey(batchId, serial)) as DecisionRow | undefined, double };
}

function refuseSecondTyping(context: SheetContext, staffId: string): void {
  if (context.entries.some((entry) => entry.staff_id === staffId)) {
    throw new DomainError('CONFLICT', 'you have already transcribed this sheet; a second transcription must be by someone else', { serial: 'already_typed_by_you' });
  }
  if (context.entries.length >= (context.double ? 2 : 1)) throw new DomainError('CONFLICT', 'this sheet waits for the group lead to reconcile it', { serial: 'sheet_in_reconciliation' });
}

const paperConsent = (consent: Consent, formNo: string): Consent => ({ ...consent, method: 'paper', paperFormNo: formNo });

/**
 * Open (or resume) this person's transcription of a sheet: a draft of source `paper_form` holding
 * only what they typed. With blind double entry nothing of the other transcription is in it.
 */
export function openTranscription(services: Services, staffId: string, input: { batchId: string; serial: number }): Draft & { doubleEntry: boolean } {
  if (!services.staff.byId(staffId)?.certified) throw new DomainError('FORBIDDEN', 'only certified staff may enter real customer records', undefined, { reason: 'not_certified' });
  const context = sheetContext(services, input.batchId, input.serial);
  refuseSecondTyping(context, staffId);
  const paper = { batchId: input.batchId, serial: input.serial, formNo: context.formNo };
  const existing = services.drafts.forSheet(staffId, input.batchId, input.serial);
  if (existing) return { ...existing, paper, doubleEntry: context.double };
  const now = services.ctx.now();
  const draft: Draft = { id: services.ctx.randomId('drf'), source: 'paper_form', fields: emptyIntakeFields(), consent: paperConsent(defaultConsent(), context.formNo), customerId: null, cleared: [], startedAt: now, updatedAt: now, paper };
  services.transact(() => {
    services.drafts.create(draft, staffId);
    services.audit.append(staffId, 'paper.transcription_opened', input.batchId, { serial: input.serial, doubleEntry: context.double });
  });
  return { ...draft, doubleEntry: context.double };
}

export type TranscriptionOutcome = 'transcribed' | 'awaiting_second' | 'agreed' | 'disagreed';

interface TranscriptionInput {
  draftId: string;
  fields: IntakeFields;
  consent: Consent;
  customerId: string | null;
  cleared: FieldName[];
  /** Required fields the customer left blank on the paper form (表上未填). */
  blankOnForm?: FieldName[] | undefined;
}

const consentBoxes = (consent: Consent): Record<(typeof COMPARED_CONSENT)[number], boolean> => ({ idConsent: consent.idConsent, guardianConsent: consent.guardianConsent, marketing: consent.marketing });

function parseEntry(row: EntryRow): { fields: IntakeFields; consent: Consent; customerId: string | null; cleared: FieldName[]; blankOnForm: FieldName[] } {
  return {
    blankOnForm: JSON.parse(row.blank_on_form || '[]') as FieldName[],
    fields: { ...emptyIntakeFields(), ...(JSON.parse(row.fields) as Partial<IntakeFields>) },
    consent: { ...defaultConsent(), ...(JSON.parse(row.consent) as Partial<Consent>) },
    customerId: row.customer_id,
    cleared: JSON.parse(row.cleared) as FieldName[],
  };
}

/**
 * Submit a transcription: checked like a walk-in (naming each field), then kept. Typed once, the
 * sheet becomes an intake; the first of two waits for the second; the second is compared.
 */
export function submitTranscription(services: Services, staffId: string, input: TranscriptionInput): { outcome: TranscriptionOutcome; intakeId: string | null; formNo: string; differing: number } {
  const draft = services.drafts.get(input.draftId, staffId);
  if (!draft?.paper) throw new DomainError('NOT_FOUND', 'this transcription is no longer open');
  const { batchId, serial } = draft.paper;
  const context = sheetContext(services, batchId, serial);
  refuseSecondTyping(context, staffId);
  const consent = paperConsent(input.consent, context.formNo);
  const now = services.ctx.now();
  const blankOnForm = [...new Set(input.blankOnForm ?? [])];
  const capture = checkSubmission(services, staffId, { ...input, consent, blankOnForm }, now);
  const paper = { batchId, serial };

  const keep = (): void => {
    services.ops.append(staffId, {
      entity: 'paper_entry',
      entityId: entryId(batchId, serial, staffId),
      changes: {
        batchId, serial, staffId,
        fields: JSON.stringify(capture.validation.normalized),
        consent: JSON.stringify(consent),
        customerId: input.customerId,
        cleared: JSON.stringify(input.cleared),
        startedAt: draft.startedAt,
        submittedAt: now,
        durationMs: Math.max(0, now - draft.startedAt),
        doubleEntry: context.double,
        ...(blankOnForm.length > 0 ? { blankOnForm: JSON.stringify(blankOnForm) } : {}),
      },
    });
    services.audit.append(staffId, 'paper.transcribed', batchId, { serial, doubleEntry: context.double, entry: context.entries.length + 1 });
  };
  const submitAsIntake = (authors?: PaperAuthors): string =>
    submitIntake(services, staffId, { draftId: draft.id, fields: input.fields, consent, customerId: input.customerId, customerPresent: false, cleared: input.cleared, blankOnForm }, { source: 'paper_form', startedAt: draft.startedAt, draftId: draft.id, paper, authors }).intakeId;

  if (!context.double) {
    return services.transact(() => {
      keep();
      return { outcome: 'transcribed' as const, intakeId: submitAsIntake(), formNo: context.formNo, differing: 0 };
    });
  }
  const first = context.entries[0];
  if (!first) {
    services.transact(() => {
      keep();
      services.drafts.delete(draft.id, staffId);
    });
    return { outcome: 'awaiting_second', intakeId: null, formNo: context.formNo, differing: 0 };
  }
  const a = parseEntry(first);
  const comparison = compareTranscriptions(
    { fields: a.fields, consent: consentBoxes(a.consent), customerId: a.customerId, blankOnForm: a.blankOnForm },
    { fields: capture.validation.normalized, consent: consentBoxes(consent), customerId: input.customerId, blankOnForm },
  );
  const decision = (outcome: 'agreed' | 'disagreed', intakeId: string | null) => ({
    entity: 'paper_decision' as const,
    entityId: sheetKey(batchId, serial),
    changes: { batchId, serial, outcome, entryA: first.id, entryB: entryId(batchId, serial, staffId), compared: JSON.stringify(comparison.compared), differing: JSON.stringify(comparison.differing), choices: '{}', intakeId, by: staffId, at: now },
  });
  return services.transact(() => {
    keep();
    if (comparison.differing.length === 0) {
      // Both typists entered it: the first is a co-entrant, so neither cross-checks nor approves it.
      const intakeId = submitAsIntake({ enteredBy: staffId, coEntrants: [first.staff_id] });
      services.ops.append(staffId, decision('agreed', intakeId));
      services.audit.append(staffId, 'paper.double_entry_agreed', batchId, { serial, compared: comparison.compared.length, intakeId });
      return { outcome: 'agreed' as const, intakeId, formNo: context.formNo, differing: 0 };
    }
    services.drafts.delete(draft.id, staffId);
    services.ops.append(staffId, decision('disagreed', null));
    // Which fields differ, never their values.
    services.audit.append(staffId, 'paper.double_entry_disagreed', batchId, { serial, fields: comparison.differing.join(',') });
    return { outcome: 'disagreed' as const, intakeId: null, formNo: context.formNo, differing: comparison.differing.length };
  });
}

function requireLead(actor: Actor): void {
  if (!isLeadRole(actor.role)) throw new DomainError('FORBIDDEN', 'only a group lead or manager may reconcile double entry');
}

function disagreement(services: Services, actor: Actor, batchId: string, serial: number) {
  requireLead(actor);
  const context = sheetContext(services, batchId, serial);
  if (context.decision?.outcome !== 'disagreed') throw new DomainError('CONFLICT', 'this sheet has nothing to reconcile', { serial: 'nothing_to_reconcile' });
  const rows = context.entries.filter((entry) => entry.id === context.decision?.entry_a || entry.id === context.decision?.entry_b);
  const [rowA, rowB] = [rows.find((row) => row.id === context.decision?.entry_a), rows.find((row) => row.id === context.decision?.entry_b)];
  if (!rowA || !rowB) throw new DomainError('CONFLICT', 'this sheet has nothing to reconcile', { serial: 'nothing_to_reconcile' });
  if (rowA.staff_id === actor.staffId || rowB.staff_id === actor.staffId) {
    throw new DomainError('FORBIDDEN', 'a typist of this sheet may not reconcile it', { serial: 'own_transcription' });
  }
  return { context, rowA, rowB, a: parseEntry(rowA), b: parseEntry(rowB), differing: JSON.parse(context.decision.differing) as ComparedKey[], compared: JSON.parse(context.decision.compared) as ComparedKey[] };
}

function valueOf(entry: ReturnType<typeof parseEntry>, key: ComparedKey): string | boolean | null {
  if (key === 'customerId') return entry.customerId;
  if (key.startsWith('consent.')) return entry.consent[key.slice('consent.'.length) as (typeof COMPARED_CONSENT)[number]];
  return entry.fields[key as FieldName];
}

/** Sheets whose two transcriptions differ, for the group lead (no values: ids, names and which fields). */
export function awaitingReconciliation(services: Services, actor: Actor) {
  requireLead(actor);
  const name = (id: string): string => services.staff.byId(id)?.displayName ?? id;
  const rows = (statements(services.ctx.db).awaiting.all() as Array<DecisionRow & { code: string }>).map((row) => ({ row, typists: [row.entry_a, row.entry_b].map((id) => id.split(':').pop() ?? '') }));
  // A lead who typed a sheet is not offered it (another lead reconciles it).
  return rows.filter(({ typists }) => !typists.includes(actor.staffId)).map(({ row, typists }) => {
    return { batchId: row.batch_id, code: row.code, serial: row.serial, formNo: paperFormNumber(row.code, row.serial), typists: typists.map(name), fields: JSON.parse(row.differing) as string[], at: row.at };
  });
}

/**
 * Both transcriptions of a disagreeing sheet, for the lead with the scan: the differing fields in
 * full (that is what the lead compares with the paper; opening it is audited), the agreeing ones
 * masked as every screen shows them.
 */
export function reconciliationView(services: Services, actor: Actor, batchId: string, serial: number) {
  const found = disagreement(services, actor, batchId, serial);
  const differing = new Set(found.differing);
  const show = (key: ComparedKey, value: string | boolean | null): string | boolean | null => (differing.has(key) || typeof value !== 'string' || key === 'customerId' ? value : maskField(key, value));
  services.audit.append(actor.staffId, 'paper.reconcile_opened', batchId, { serial, fields: found.differing.join(',') });
  const name = (id: string): string => services.staff.byId(id)?.displayName ?? id;
  return {
    batchId,
    serial,
    formNo: found.context.formNo,
    typists: { a: name(found.rowA.staff_id), b: name(found.rowB.staff_id) },
    rows: found.compared.map((key) => ({
      key,
      differs: differing.has(key),
      a: show(key, valueOf(found.a, key)),
      b: show(key, valueOf(found.b, key)),
      // Left blank by the customer and marked so (表上未填), rather than typed empty.
      ...(found.a.blankOnForm.includes(key as FieldName) ? { aBlankOnForm: true } : {}),
      ...(found.b.blankOnForm.includes(key as FieldName) ? { bBlankOnForm: true } : {}),
    })),
  };
}

export type Choice = { pick: 'a' | 'b' } | { value: string };

/**
 * The lead's decision on each differing field: one of the two values, or a third typed from the
 * scan. The record so made is checked like any entry and becomes the sheet's intake; each choice
 * is kept (and counts toward each typist's accuracy) and audited.
 */
export function reconcile(services: Services, actor: Actor, input: { batchId: string; serial: number; choices: Record<string, Choice> }): { intakeId: string } {
  const found = disagreement(services, actor, input.batchId, input.serial);
  const missing = found.differing.filter((key) => !input.choices[key]);
  if (missing.length > 0) throw new DomainError('VALIDATION', 'decide every field that differs', Object.fromEntries(missing.map((key) => [key, 'reconcile_choose'])));
  const fields: IntakeFields = { ...found.a.fields };
  const consent: Consent = { ...found.a.consent };
  let customerId = found.a.customerId;
  let cleared = found.a.cleared;
  // Blank-on-form marks: as both typed them where they agree; for a differing field, the chosen side's (a typed third value has none).
  const blankOnForm = new Set(found.a.blankOnForm);
  const kept: Record<string, 'a' | 'b' | 'other'> = {};
  for (const key of found.differing) {
    const choice = input.choices[key] as Choice;
    const side = 'pick' in choice ? (choice.pick === 'a' ? found.a : found.b) : null;
    const typed = 'value' in choice ? choice.value : '';
    kept[key] = 'pick' in choice ? choice.pick : 'other';
    if (key === 'customerId') {
      if (!side) throw new DomainError('VALIDATION', 'the returning customer is one of the two transcriptions', { customerId: 'reconcile_pick_only' });
      customerId = side.customerId;
      cleared = side.cleared;
    } else if (key.startsWith('consent.')) {
      const box = key.slice('consent.'.length) as (typeof COMPARED_CONSENT)[number];
      consent[box] = side ? side.consent[box] : typed === 'true';
    } else {
      const field = key as FieldName;
      const value = side ? side.fields[field] : typed;
      if (side?.blankOnForm.includes(field)) blankOnForm.add(field);
      else blankOnForm.delete(field);
      if (typeof fields[field] === 'boolean') (fields as Record<FieldName, string | boolean>)[field] = typeof value === 'boolean' ? value : value === 'true';
      else (fields as Record<FieldName, string | boolean>)[field] = String(value);
    }
  }
  const now = services.ctx.now();
  const paper = { batchId: input.batchId, serial: input.serial };
  const startedAt = Math.min(found.rowA.started_at, found.rowB.started_at);
  return services.transact(() => {
    // The record is the typists' (the first is its enterer), the lead its reconciler (docs/decisions/0016).
    const authors: PaperAuthors = { enteredBy: found.rowA.staff_id, coEntrants: [found.rowB.staff_id], reconciledBy: actor.staffId };
    const { intakeId } = submitIntake(services, actor.staffId, { draftId: '', fields, consent: paperConsent(consent, found.context.formNo), customerId, customerPresent: false, cleared, blankOnForm: [...blankOnForm] }, { source: 'paper_form', startedAt, draftId: null, paper, authors });
    services.ops.append(actor.staffId, { entity: 'paper_decision', entityId: sheetKey(input.batchId, input.serial), changes: { outcome: 'reconciled', choices: JSON.stringify(kept), intakeId, by: actor.staffId, at: now } });
    services.audit.append(actor.staffId, 'paper.reconciled', input.batchId, { serial: input.serial, choices: Object.entries(kept).map(([key, pick]) => `${key}=${pick}`).join(','), intakeId, typists: `${found.rowA.staff_id},${found.rowB.staff_id}` });
    return { intakeId };
  });
}

/** The paper form an intake was transcribed from, for the cross-checker (null: not from a paper form). */
export function paperOfIntake(services: Services, intakeId: string): { batchId: string; serial: number; formNo: string; hasScan: boolean; otherIntakes?: string[] } | null {
  const row = statements(services.ctx.db).intakePaper.get(intakeId) as { paper_batch_id: string | null; paper_serial: number | null } | undefined;
  if (!row?.paper_batch_id || row.paper_serial === null) return null;
  const batch = statements(services.ctx.db).batch.get(row.paper_batch_id) as { code: string } | undefined;
  if (!batch) return null;
  const sheet = batchSheets(services, row.paper_batch_id).find((each) => each.serial === row.paper_serial);
  // The same sheet became another intake too (two desks offline): the reviewer is told which.
  const others = (sheetIntakes(services, row.paper_batch_id).get(row.paper_serial) ?? []).filter((id) => id !== intakeId);
  return { batchId: row.paper_batch_id, serial: row.paper_serial, formNo: paperFormNumber(batch.code, row.paper_serial), hasScan: Boolean(sheet?.scanId), ...(others.length > 0 ? { otherIntakes: others } : {}) };
}

/** Per sheet, for the batch list: how far transcription is (ids of who typed, never values). */
export function transcriptionState(services: Services, batchId: string, code: string, serial: number, settings: DoubleEntrySettings = doubleEntrySettings(services)): { doubleEntry: boolean; typedBy: string[]; reconcile: boolean } {
  const s = statements(services.ctx.db);
  const entries = s.entries.all(batchId, serial) as EntryRow[];
  const decision = s.decision.get(sheetKey(batchId, serial)) as DecisionRow | undefined;
  return {
    doubleEntry: entries.some((entry) => entry.double_entry === 1) || needsDoubleEntry(settings, code, serial),
    typedBy: entries.map((entry) => entry.staff_id),
    reconcile: decision?.outcome === 'disagreed',
  };
}

const HOUR = 3_600_000;
export const LATE_BATCH_MINUTES = 24 * 60;

/**
 * Figures for the supervisor (issue 13 item 7), over the last `days` days by the desk's clock:
 * forms per hour per staff member (transcriptions over time spent typing them), disagreement rate
 * per field and per staff member (double-entry fields compared), each typist's accuracy (fields
 * the lead's reconciliation did not decide against them), and batches open longer than a day.
 */
export function paperFigures(services: Services, days: number) {
  const s = statements(services.ctx.db);
  const since = services.ctx.now() - days * 24 * HOUR;
  const entries = s.entriesSince.all(since) as EntryRow[];
  const decisions = s.decisionsSince.all(since) as DecisionRow[];
  const staffOfEntry = new Map<string, string>();
  for (const entry of entries) staffOfEntry.set(entry.id, entry.staff_id);
  const perStaff = new Map<string, { forms: number; ms: number; compared: number; differing: number; decidedAgainst: number }>();
  const staffRow = (id: string) => {
    let row = perStaff.get(id);
    if (!row) perStaff.set(id, (row = { forms: 0, ms: 0, compared: 0, differing: 0, decidedAgainst: 0 }));
    return row;
  };
  for (const entry of entries) {
    const row = staffRow(entry.staff_id);
    row.forms += 1;
    row.ms += entry.duration_ms;
  }
  const perField = new Map<string, { compared: number; differing: number }>();
  for (const decision of decisions) {
    const compared = JSON.parse(decision.compared) as string[];
    const differing = new Set(JSON.parse(decision.differing) as string[]);
    const choices = JSON.parse(decision.choices) as Record<string, string>;
    for (const key of compared) {
      const field = perField.get(key) ?? { compared: 0, differing: 0 };
      field.compared += 1;
      if (differing.has(key)) field.differing += 1;
      perField.set(key, field);
    }
    for (const [side, entry] of [['a', decision.entry_a], ['b', decision.entry_b]] as const) {
      const staffId = staffOfEntry.get(entry) ?? entry.split(':').pop() ?? '';
      const row = staffRow(staffId);
      row.compared += compared.length;
      row.differing += differing.size;
      if (decision.outcome === 'reconciled') for (const key of differing) if (choices[key] !== side) row.decidedAgainst += 1;
    }
  }
  const rate = (part: number, whole: number): number | null => (whole === 0 ? null : Math.round((part / whole) * 1000) / 1000);
  const fieldOrder = new Map<string, number>(FIELD_NAMES.map((field, index) => [field, index]));
  return {
    days,
    staff: [...perStaff.entries()]
      .map(([staffId, row]) => ({
        staffId,
        staffName: services.staff.byId(staffId)?.displayName ?? staffId,
        forms: row.forms,
        formsPerHour: row.ms > 0 ? Math.round((row.forms / (row.ms / HOUR)) * 10) / 10 : null,
        fieldsCompared: row.compared,
        disagreementRate: rate(row.differing, row.compared),
        accuracy: row.compared === 0 ? null : Math.round((1 - row.decidedAgainst / row.compared) * 1000) / 1000,
      }))
      .sort((x, y) => y.forms - x.forms || x.staffName.localeCompare(y.staffName)),
    fields: [...perField.entries()]
      .map(([field, row]) => ({ field, compared: row.compared, differing: row.differing, disagreementRate: rate(row.differing, row.compared) ?? 0 }))
      .sort((x, y) => y.disagreementRate - x.disagreementRate || (fieldOrder.get(x.field) ?? 99) - (fieldOrder.get(y.field) ?? 99)),
  };
}
