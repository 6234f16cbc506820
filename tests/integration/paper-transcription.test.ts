// Transcribing paper forms (issue 13 items 4–7): a sheet is typed into a `paper_form` draft and
// becomes an intake naming its batch and serial; with blind double entry two different staff type
// it without seeing each other's values, the desk compares field by field after normalisation,
// agreeing sheets become one intake, differing ones wait for the group lead, who picks or types a
// value per field; every decision is audited, counted in the figures, and rebuilt from the log.
import { afterEach, describe, expect, it } from 'vitest';
import { openCore, type Core } from '../../electron/core/core';
import { generateKeyHex } from '../../electron/core/db/key-file';
import { openDatabase } from '../../electron/core/db/connection';
import { migrate } from '../../electron/core/db/migrations';
import { DomainError } from '../../electron/core/errors';
import { allOps, firstDifference, project } from '../../electron/core/oplog/digest';
import { saveDraft, startDraft, submitWalkIn } from '../../electron/core/intake/intake-service';
import { batchDetail, closeBatch, markSheet, openBatch } from '../../electron/core/paper/batch-service';
import {
  awaitingReconciliation,
  openTranscription,
  paperFigures,
  reconcile,
  reconciliationView,
  submitTranscription,
  updateDoubleEntrySettings,
} from '../../electron/core/paper/transcription-service';
import { decide, queuesFor, reviewDetail } from '../../electron/core/review/review-service';
import { defaultConsent } from '../../shared/domain/intake/consent';
import { emptyIntakeFields, type IntakeFields } from '../../shared/domain/intake/fields';
import { tempDataDir } from '../support/desk';

const clock = { now: Date.UTC(2026, 0, 10, 9, 0, 0) };
const opened: Core[] = [];
afterEach(() => {
  for (const core of opened.splice(0)) core.close();
});

const LEAD = { staffId: 'stf_lead-000000001', role: 'group_lead' as const };
const TYPIST_A = { staffId: 'stf_typist-000000a', role: 'specialist' as const };
const TYPIST_B = { staffId: 'stf_typist-000000b', role: 'specialist' as const };
const NAMES: Record<string, string> = { [LEAD.staffId]: '组长王', [TYPIST_A.staffId]: '录入员李', [TYPIST_B.staffId]: '录入员张' };

function desk(tag = 'tr'): Core {
  let n = 0;
  const core = openCore({ dataDir: tempDataDir('transcribe'), keyHex: 'ab'.repeat(32), appVersion: 'test', now: () => clock.now, randomId: (prefix) => `${prefix}_${tag}-${String(++n).padStart(12, '0')}` });
  opened.push(core);
  core.services.transact(() => {
    for (const actor of [LEAD, TYPIST_A, TYPIST_B]) {
      core.services.ops.append(null, { entity: 'staff', entityId: actor.staffId, changes: { username: actor.staffId, displayName: NAMES[actor.staffId] ?? '', role: actor.role, certified: true, active: true, passwordHash: 'x', createdAt: clock.now } });
    }
  });
  return core;
}

function refusal(work: () => unknown): DomainError {
  try {
    work();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('not refused');
}

const BATCH = { code: 'B7', place: '北坡雪具大厅', collectedOn: '2026-01-10', firstSerial: 1, count: 3 };
const SHEET: IntakeFields = { ...emptyIntakeFields(), name: '赵纸表', mobile: '13812345678', idNumber: '11010519491231002X', addressProvince: '吉林省', addressCity: '吉林市', emergencyName: '赵强', emergencyMobile: '13900001111', skiDiscipline: 'ski', skiAbility: 'beginner' };
const CONSENT = { ...defaultConsent(), idConsent: true };

/** One person types a sheet: opens it, types (saved to the draft), submits after `minutes`. */
function transcribe(core: Core, staffId: string, batchId: string, serial: number, fields: IntakeFields, minutes = 3) {
  const draft = openTranscription(core.services, staffId, { batchId, serial });
  saveDraft(core.services, staffId, { id: draft.id, fields, consent: CONSENT, customerId: null, cleared: [] });
  clock.now += minutes * 60_000;
  return submitTranscription(core.services, staffId, { draftId: draft.id, fields, consent: CONSENT, customerId: null, cleared: [] });
}

function auditActions(core: Core): string[] {
  return (core.db.prepare("SELECT action FROM audit_log WHERE action LIKE 'paper.%' ORDER BY seq").all() as Array<{ action: string }>).map((row) => row.action);
}

function rebuildsIdentically(core: Core): void {
  const scratch = openDatabase(':memory:', generateKeyHex());
  migrate(scratch);
  project(scratch, allOps(core.db));
  expect(firstDifference(core.db, scratch)).toBeNull();
  scratch.close();
}

describe('transcribing paper forms', () => {
  it('typed once: a paper_form intake naming its batch and serial, consent given on paper form B7-0001, the sheet transcribed, the cross-checker told which scan', () => {
    const core = desk();
    const { services } = core;
    const batch = openBatch(services, LEAD, BATCH);
    const draft = openTranscription(services, TYPIST_A.staffId, { batchId: batch.id, serial: 1 });
    expect(draft).toMatchObject({ source: 'paper_form', doubleEntry: false, paper: { batchId: batch.id, serial: 1, formNo: 'B7-0001' }, consent: { method: 'paper', paperFormNo: 'B7-0001' } });
    // The walk-in screen's draft is not the paper one, and a paper form is never typed around its sheet.
    expect(services.drafts.latest(TYPIST_A.staffId)).toBeNull();
    expect(refusal(() => startDraft(services, TYPIST_A.staffId, { customerId: null, source: 'paper_form', reason: '' })).fields).toEqual({ source: 'paper_from_batch' });
    expect(refusal(() => submitWalkIn(services, TYPIST_A.staffId, { draftId: draft.id, fields: SHEET, consent: CONSENT, customerId: null, customerPresent: false })).fields).toEqual({ draftId: 'paper_from_batch' });
    // Reopening resumes the same draft, with what was typed.
    saveDraft(services, TYPIST_A.staffId, { id: draft.id, fields: { ...SHEET, mobile: '138' }, consent: CONSENT, customerId: null, cleared: [] });
    expect(openTranscription(services, TYPIST_A.staffId, { batchId: batch.id, serial: 1 })).toMatchObject({ id: draft.id, fields: { mobile: '138' } });

    // Checked like a walk-in, naming the field; nothing is stored.
    const bad = refusal(() => submitTranscription(services, TYPIST_A.staffId, { draftId: draft.id, fields: { ...SHEET, mobile: '138' }, consent: CONSENT, customerId: null, cleared: [] }));
    expect(bad.fields).toMatchObject({ mobile: expect.any(String) });
    expect(batchDetail(services, batch.id).sheets[0]).toMatchObject({ state: 'pending', typedBy: [] });

    clock.now += 120_000;
    const done = submitTranscription(services, TYPIST_A.staffId, { draftId: draft.id, fields: SHEET, consent: { ...CONSENT, method: 'counter', paperFormNo: '' }, customerId: null, cleared: [] });
    expect(done).toMatchObject({ outcome: 'transcribed', formNo: 'B7-0001' });
    const intake = core.db.prepare('SELECT source, paper_batch_id, paper_serial, consent, entered_by FROM intakes WHERE id = ?').get(done.intakeId) as { source: string; paper_batch_id: string; paper_serial: number; consent: string; entered_by: string };
    expect(intake).toMatchObject({ source: 'paper_form', paper_batch_id: batch.id, paper_serial: 1, entered_by: TYPIST_A.staffId });
    expect(JSON.parse(intake.consent)).toMatchObject({ method: 'paper', paperFormNo: 'B7-0001', idConsent: true });
    expect(batchDetail(services, batch.id).sheets[0]).toMatchObject({ serial: 1, state: 'transcribed', intakeId: done.intakeId });
    expect(refusal(() => openTranscription(services, TYPIST_B.staffId, { batchId: batch.id, serial: 1 })).fields).toEqual({ serial: 'sheet_transcribed' });
    expect(services.drafts.forSheet(TYPIST_A.staffId, batch.id, 1)).toBeNull();

    // The cross-checker of a paper intake is told which form (and scan) it came from.
    expect(reviewDetail(services, TYPIST_B.staffId, done.intakeId as string).paper).toEqual({ batchId: batch.id, serial: 1, formNo: 'B7-0001', hasScan: false });

    markSheet(services, TYPIST_A, { batchId: batch.id, serial: 3, state: 'void', reason: '客户填错作废，重新填写了新表' });
    expect(refusal(() => openTranscription(services, TYPIST_A.staffId, { batchId: batch.id, serial: 3 })).fields).toEqual({ serial: 'sheet_void_or_missing' });
    expect(auditActions(core)).toEqual(['paper.batch_opened', 'paper.transcription_opened', 'paper.transcribed', 'paper.sheet_void']);
    rebuildsIdentically(core);
  });

  it('blind double entry: two different staff, compared after normalisation; agreeing becomes one intake', () => {
    const core = desk();
    const { services } = core;
    updateDoubleEntrySettings(services, LEAD.staffId, { mode: 'every', percent: 20 });
    const batch = openBatch(services, LEAD, BATCH);

    expect(transcribe(core, TYPIST_A.staffId, batch.id, 1, SHEET)).toMatchObject({ outcome: 'awaiting_second', intakeId: null });
    expect(batchDetail(services, batch.id).sheets[0]).toMatchObject({ state: 'pending', doubleEntry: true, typedBy: [TYPIST_A.staffId], reconcile: false });
    // The same person may not be the second typist.
    expect(refusal(() => openTranscription(services, TYPIST_A.staffId, { batchId: batch.id, serial: 1 })).fields).toEqual({ serial: 'already_typed_by_you' });

    // The second typist starts from an empty form: nothing of the first transcription.
    const blind = openTranscription(services, TYPIST_B.staffId, { batchId: batch.id, serial: 1 });
    expect(blind.fields).toEqual(emptyIntakeFields());
    expect(JSON.stringify(blind)).not.toContain('13812345678');

    // Typed another way, the same values: spaces in the phone, a lower-case x, spaces around the name.
    const sameOtherwise = { ...SHEET, name: ' 赵纸表 ', mobile: '138 1234 5678', idNumber: '11010519491231002x', emergencyMobile: '139-0000-1111' };
    const agreed = submitTranscription(services, TYPIST_B.staffId, { draftId: blind.id, fields: sameOtherwise, consent: CONSENT, customerId: null, cleared: [] });
    expect(agreed).toMatchObject({ outcome: 'agreed', differing: 0 });
    expect(batchDetail(services, batch.id).sheets[0]).toMatchObject({ state: 'transcribed', intakeId: agreed.intakeId });
    expect((core.db.prepare("SELECT count(*) AS n FROM intakes WHERE source = 'paper_form'").get() as { n: number }).n).toBe(1);
    expect(auditActions(core)).toContain('paper.double_entry_agreed');
    rebuildsIdentically(core);
  });

  it('disagreeing: the lead reconciles field by field (not a typist, not a specialist); the choice counts toward each typist\'s accuracy', () => {
    const core = desk();
    const { services } = core;
    updateDoubleEntrySettings(services, LEAD.staffId, { mode: 'every', percent: 20 });
    const batch = openBatch(services, LEAD, BATCH);
    transcribe(core, TYPIST_A.staffId, batch.id, 1, SHEET, 4);
    const second = transcribe(core, TYPIST_B.staffId, batch.id, 1, { ...SHEET, emergencyMobile: '13900001117' }, 2);
    expect(second).toMatchObject({ outcome: 'disagreed', intakeId: null, differing: 1 });
    expect(batchDetail(services, batch.id).sheets[0]).toMatchObject({ state: 'pending', reconcile: true });
    expect(refusal(() => closeBatch(services, LEAD, batch.id)).fields).toEqual({ batchId: 'batch_unaccounted' });
    // Nobody types it a third time; only a lead reconciles.
    expect(refusal(() => openTranscription(services, LEAD.staffId, { batchId: batch.id, serial: 1 })).fields).toEqual({ serial: 'sheet_in_reconciliation' });
    expect(refusal(() => awaitingReconciliation(services, TYPIST_A)).code).toBe('FORBIDDEN');
    expect(refusal(() => reconciliationView(services, TYPIST_B, batch.id, 1)).code).toBe('FORBIDDEN');
    expect(awaitingReconciliation(services, LEAD)).toEqual([expect.objectContaining({ formNo: 'B7-0001', typists: ['录入员李', '录入员张'], fields: ['emergencyMobile'] })]);

    const view = reconciliationView(services, LEAD, batch.id, 1);
    expect(view.rows.find((row) => row.key === 'emergencyMobile')).toEqual({ key: 'emergencyMobile', differs: true, a: '13900001111', b: '13900001117' });
    // What the two agree on stays masked.
    const mobileRow = view.rows.find((row) => row.key === 'mobile');
    expect(mobileRow?.differs).toBe(false);
    expect(mobileRow?.a).not.toBe('13812345678');
    // Showing the differing values in full is audited, naming the fields, never the values.
    expect(auditActions(core)).toContain('paper.reconcile_opened');

    // Every differing field needs a decision; a third value is checked like any entry, naming the field.
    expect(refusal(() => reconcile(services, LEAD, { batchId: batch.id, serial: 1, choices: {} })).fields).toEqual({ emergencyMobile: 'reconcile_choose' });
    expect(refusal(() => reconcile(services, LEAD, { batchId: batch.id, serial: 1, choices: { emergencyMobile: { value: '1390000' } } })).fields).toMatchObject({ emergencyMobile: expect.any(String) });
    // A lead who typed the sheet may not decide between their own and someone else's values.
    const leadTyped = desk();
    updateDoubleEntrySettings(leadTyped.services, LEAD.staffId, { mode: 'every', percent: 20 });
    const other = openBatch(leadTyped.services, LEAD, BATCH);
    transcribe(leadTyped, LEAD.staffId, other.id, 1, SHEET);
    transcribe(leadTyped, TYPIST_B.staffId, other.id, 1, { ...SHEET, name: '赵纸标' });
    expect(refusal(() => reconciliationView(leadTyped.services, LEAD, other.id, 1)).fields).toEqual({ serial: 'own_transcription' });
    expect(awaitingReconciliation(leadTyped.services, LEAD)).toEqual([]);

    clock.now += 60_000;
    const { intakeId } = reconcile(services, LEAD, { batchId: batch.id, serial: 1, choices: { emergencyMobile: { pick: 'a' } } });
    const stored = core.db.prepare('SELECT source, fields, paper_serial FROM intakes WHERE id = ?').get(intakeId) as { source: string; fields: string; paper_serial: number };
    expect(stored.source).toBe('paper_form');
    expect(JSON.parse(stored.fields)).toMatchObject({ emergencyMobile: '13900001111', mobile: '13812345678' });
    expect(batchDetail(services, batch.id).sheets[0]).toMatchObject({ state: 'transcribed', intakeId, reconcile: false });
    expect(awaitingReconciliation(services, LEAD)).toEqual([]);
    const reconciled = core.db.prepare("SELECT details FROM audit_log WHERE action = 'paper.reconciled'").get() as { details: string };
    expect(JSON.parse(reconciled.details)).toMatchObject({ serial: 1, choices: 'emergencyMobile=a', intakeId });
    // No values in the audit log of the comparison, only which fields.
    expect(JSON.stringify(core.db.prepare("SELECT details FROM audit_log WHERE action LIKE 'paper.%'").all())).not.toContain('13900001117');

    // Sheet 2 once more as double entry (agreeing), sheet 3 void: the batch closes.
    transcribe(core, TYPIST_B.staffId, batch.id, 2, { ...SHEET, name: '钱纸表', mobile: '13712345678', idNumber: '110105199003070025' }, 2);
    transcribe(core, TYPIST_A.staffId, batch.id, 2, { ...SHEET, name: '钱纸表', mobile: '13712345678', idNumber: '110105199003070025' }, 2);
    markSheet(services, TYPIST_A, { batchId: batch.id, serial: 3, state: 'void', reason: '客户填错作废' });
    expect(closeBatch(services, LEAD, batch.id)).toMatchObject({ accounted: 3, transcribed: 2 });

    // Figures: A typed 2 forms in 6 minutes (20 an hour) and was right on every field; B typed 2 in 4
    // minutes (30 an hour) and the lead decided one field against B.
    const figures = paperFigures(services, 7);
    const a = figures.staff.find((row) => row.staffId === TYPIST_A.staffId);
    const b = figures.staff.find((row) => row.staffId === TYPIST_B.staffId);
    expect(a).toMatchObject({ staffName: '录入员李', forms: 2, formsPerHour: 20, accuracy: 1 });
    expect(b).toMatchObject({ staffName: '录入员张', forms: 2, formsPerHour: 30 });
    expect(b?.accuracy).toBeLessThan(1);
    expect(a?.disagreementRate).toBeGreaterThan(0);
    expect(b?.disagreementRate).toBe(a?.disagreementRate);
    expect(figures.fields[0]).toEqual({ field: 'emergencyMobile', compared: 2, differing: 1, disagreementRate: 0.5 });
    expect(figures.fields.find((row) => row.field === 'name')).toMatchObject({ compared: 2, differing: 0, disagreementRate: 0 });
    rebuildsIdentically(core);
  });

  it('a reconciled intake is the typists\' record: the first typist enters it, history names both typists and the reconciling lead, who may approve but not cross-check it', () => {
    const core = desk();
    const { services } = core;
    const CHECKER = { staffId: 'stf_checker-00000c', role: 'specialist' as const };
    const MANAGER = { staffId: 'stf_manager-00000m', role: 'manager' as const };
    services.transact(() => {
      for (const [actor, name] of [[CHECKER, '核对员周'], [MANAGER, '经理孙']] as const) {
        services.ops.append(null, { entity: 'staff', entityId: actor.staffId, changes: { username: actor.staffId, displayName: name, role: actor.role, certified: true, active: true, passwordHash: 'x', createdAt: clock.now } });
      }
    });
    updateDoubleEntrySettings(services, LEAD.staffId, { mode: 'every', percent: 20 });
    const batch = openBatch(services, LEAD, BATCH);
    transcribe(core, TYPIST_A.staffId, batch.id, 1, SHEET);
    transcribe(core, TYPIST_B.staffId, batch.id, 1, { ...SHEET, emergencyMobile: '13900001117' });
    const { intakeId } = reconcile(services, LEAD, { batchId: batch.id, serial: 1, choices: { emergencyMobile: { pick: 'a' } } });

    // The first typist is the enterer; the submit in the history names the other typist and the lead.
    expect((core.db.prepare('SELECT entered_by FROM intakes WHERE id = ?').get(intakeId) as { entered_by: string }).entered_by).toBe(TYPIST_A.staffId);
    const detail = reviewDetail(services, CHECKER.staffId, intakeId);
    expect(detail.enteredBy).toBe(TYPIST_A.staffId);
    expect(detail.events[0]).toMatchObject({ kind: 'submitted', byStaff: TYPIST_A.staffId, byName: '录入员李', coEntrantNames: ['录入员张'], reconciledByName: '组长王' });
    // The audit log says who acted (the lead) in whose name.
    const submit = core.db.prepare("SELECT staff_id, details FROM audit_log WHERE action = 'intake.submit' AND target = ?").get(intakeId) as { staff_id: string; details: string };
    expect(submit.staff_id).toBe(LEAD.staffId);
    expect(JSON.parse(submit.details)).toMatchObject({ enteredBy: TYPIST_A.staffId, coEntrants: TYPIST_B.staffId, reconciledBy: LEAD.staffId });

    // Neither typist nor the reconciling lead cross-checks it; a colleague does.
    for (const actor of [TYPIST_A, TYPIST_B, LEAD]) {
      expect(queuesFor(services, actor).crossCheck.map((item) => item.intakeId)).not.toContain(intakeId);
      expect(refusal(() => decide(services, actor, { intakeId, decision: 'cross_check_passed', notes: {}, reason: '', doubtful: false })).details).toMatchObject({ refusal: 'own_record' });
    }
    expect(queuesFor(services, CHECKER).crossCheck.map((item) => item.intakeId)).toContain(intakeId);
    expect(decide(services, CHECKER, { intakeId, decision: 'cross_check_passed', notes: {}, reason: '', doubtful: true })).toEqual({ status: 'pending_lead_approval' });
    // The lead who reconciled approves the colleague's cross-check (it was the lead's own record before).
    expect(queuesFor(services, LEAD).leadApproval.map((item) => item.intakeId)).toContain(intakeId);
    expect(decide(services, LEAD, { intakeId, decision: 'lead_approved', notes: {}, reason: '', doubtful: false })).toEqual({ status: 'pending_final_review' });
    expect(queuesFor(services, MANAGER).finalReview.map((item) => item.intakeId)).toContain(intakeId);
    rebuildsIdentically(core);
  });

  it('agreeing double entry: the second typist enters it and the first is a co-entrant, so neither cross-checks it', () => {
    const core = desk();
    const { services } = core;
    updateDoubleEntrySettings(services, LEAD.staffId, { mode: 'every', percent: 20 });
    const batch = openBatch(services, LEAD, BATCH);
    transcribe(core, TYPIST_A.staffId, batch.id, 1, SHEET);
    const { intakeId } = transcribe(core, TYPIST_B.staffId, batch.id, 1, SHEET);
    expect(reviewDetail(services, LEAD.staffId, intakeId as string).events[0]).toMatchObject({ byStaff: TYPIST_B.staffId, coEntrantNames: ['录入员李'] });
    expect(queuesFor(services, TYPIST_A).crossCheck.map((item) => item.intakeId)).not.toContain(intakeId);
    expect(refusal(() => decide(services, TYPIST_A, { intakeId: intakeId as string, decision: 'cross_check_passed', notes: {}, reason: '', doubtful: false })).details).toMatchObject({ refusal: 'own_record' });
    expect(queuesFor(services, LEAD).crossCheck.map((item) => item.intakeId)).toContain(intakeId);
  });

  it('a required field left blank on the paper form: marked 表上未填 it is kept empty (paper only, never a filled field, never the ID number with its consent ticked), and the record shows what it still needs', () => {
    const core = desk();
    const { services } = core;
    const batch = openBatch(services, LEAD, BATCH);
    const noPhone = { ...SHEET, mobile: '' };
    const draft = openTranscription(services, TYPIST_A.staffId, { batchId: batch.id, serial: 1 });
    // The mark is kept with the draft: reopening the sheet shows it.
    saveDraft(services, TYPIST_A.staffId, { id: draft.id, fields: noPhone, consent: CONSENT, customerId: null, cleared: [], blankOnForm: ['mobile'] });
    expect(openTranscription(services, TYPIST_A.staffId, { batchId: batch.id, serial: 1 }).blankOnForm).toEqual(['mobile']);
    const submit = (fields: IntakeFields, blankOnForm: Array<keyof IntakeFields>, consent = CONSENT) => submitTranscription(services, TYPIST_A.staffId, { draftId: draft.id, fields, consent, customerId: null, cleared: [], blankOnForm });
    // Unmarked, the blank is refused as before; a mark on a filled field, or on the ID number with its consent ticked, is refused naming the field.
    expect(refusal(() => submit(noPhone, [])).fields).toEqual({ mobile: 'required' });
    expect(refusal(() => submit(noPhone, ['mobile', 'name'])).fields).toEqual({ name: 'blank_on_form_not_blank' });
    expect(refusal(() => submit({ ...noPhone, idNumber: '' }, ['mobile', 'idNumber'])).fields).toMatchObject({ idNumber: 'blank_on_form_id_consent' });
    // A walk-in is completed with the customer there: no marks.
    const walkIn = startDraft(services, TYPIST_B.staffId, { customerId: null, source: 'walk_in', reason: '' });
    expect(refusal(() => submitWalkIn(services, TYPIST_B.staffId, { draftId: walkIn.id, fields: noPhone, consent: CONSENT, customerId: null, customerPresent: true, blankOnForm: ['mobile'] })).fields).toEqual({ mobile: 'blank_on_form_paper_only' });

    const done = submit(noPhone, ['mobile']);
    expect(done.outcome).toBe('transcribed');
    const intakeId = done.intakeId as string;
    const stored = core.db.prepare('SELECT fields, flags, blank_on_form FROM intakes WHERE id = ?').get(intakeId) as { fields: string; flags: string; blank_on_form: string };
    expect(JSON.parse(stored.fields)).toMatchObject({ mobile: '' });
    expect(JSON.parse(stored.flags)).toContain('blank_on_form');
    expect(JSON.parse(stored.blank_on_form)).toEqual(['mobile']);
    // The cross-checker and the lead see what it still needs, in the queue and on the record.
    expect(reviewDetail(services, TYPIST_B.staffId, intakeId).blankOnForm).toEqual(['mobile']);
    expect(queuesFor(services, TYPIST_B).crossCheck.find((item) => item.intakeId === intakeId)).toMatchObject({ flags: expect.arrayContaining(['blank_on_form']), blankOnForm: ['mobile'] });
    expect(queuesFor(services, LEAD).crossCheck.find((item) => item.intakeId === intakeId)?.blankOnForm).toEqual(['mobile']);
    rebuildsIdentically(core);
  });

  it('double entry compares the 表上未填 mark: a mark against a typed phone differs, the lead sees which side marked it, and the record keeps the mark the lead picks', () => {
    const core = desk();
    const { services } = core;
    updateDoubleEntrySettings(services, LEAD.staffId, { mode: 'every', percent: 20 });
    const batch = openBatch(services, LEAD, BATCH);
    const typeSheet = (staffId: string, fields: IntakeFields, blankOnForm: Array<keyof IntakeFields>) => {
      const draft = openTranscription(services, staffId, { batchId: batch.id, serial: 1 });
      return submitTranscription(services, staffId, { draftId: draft.id, fields, consent: CONSENT, customerId: null, cleared: [], blankOnForm });
    };
    typeSheet(TYPIST_A.staffId, { ...SHEET, mobile: '' }, ['mobile']);
    expect(typeSheet(TYPIST_B.staffId, SHEET, [])).toMatchObject({ outcome: 'disagreed', differing: 1 });
    const view = reconciliationView(services, LEAD, batch.id, 1);
    expect(view.rows.find((row) => row.key === 'mobile')).toEqual({ key: 'mobile', differs: true, a: '', b: '13812345678', aBlankOnForm: true });
    const { intakeId } = reconcile(services, LEAD, { batchId: batch.id, serial: 1, choices: { mobile: { pick: 'a' } } });
    expect(JSON.parse((core.db.prepare('SELECT blank_on_form FROM intakes WHERE id = ?').get(intakeId) as { blank_on_form: string }).blank_on_form)).toEqual(['mobile']);
    rebuildsIdentically(core);
  });

  it('two desks offline each take the second entry of one sheet: both intakes are kept, and the sheet names both for the lead on every desk', () => {
    const one = desk('d1');
    updateDoubleEntrySettings(one.services, LEAD.staffId, { mode: 'every', percent: 20 });
    const batch = openBatch(one.services, LEAD, BATCH);
    transcribe(one, TYPIST_A.staffId, batch.id, 1, SHEET);
    // The second desk has everything so far (the staff, the batch, the first entry), then both go offline.
    const two = desk('d2');
    const ops = allOps(one.db);
    two.services.transact(() => {
      for (const op of ops) two.services.ops.apply(op);
    });
    const first = transcribe(one, TYPIST_B.staffId, batch.id, 1, SHEET);
    const second = transcribe(two, TYPIST_B.staffId, batch.id, 1, SHEET);
    expect([first.outcome, second.outcome]).toEqual(['agreed', 'agreed']);
    // Back online: each desk gets the other's ops.
    const [fromOne, fromTwo] = [allOps(one.db), allOps(two.db)];
    one.services.transact(() => {
      for (const op of fromTwo) one.services.ops.apply(op);
    });
    two.services.transact(() => {
      for (const op of fromOne) two.services.ops.apply(op);
    });
    for (const core of [one, two]) {
      const sheet = batchDetail(core.services, batch.id).sheets[0];
      expect(sheet?.state).toBe('transcribed');
      expect(new Set(sheet?.intakes)).toEqual(new Set([first.intakeId, second.intakeId]));
      expect(batchDetail(core.services, batch.id).sheets[1]?.intakes).toBeUndefined();
    }
    // Each record tells its reviewer the sheet made another one too.
    expect(reviewDetail(one.services, LEAD.staffId, second.intakeId as string).paper?.otherIntakes).toEqual([first.intakeId]);
  });

  it('a share of the sheets: the same sheets on every desk, about that share of them', () => {
    const core = desk();
    const { services } = core;
    updateDoubleEntrySettings(services, LEAD.staffId, { mode: 'share', percent: 30 });
    const batch = openBatch(services, LEAD, { ...BATCH, count: 400 });
    const twice = batchDetail(services, batch.id).sheets.filter((sheet) => sheet.doubleEntry).length;
    expect(twice).toBeGreaterThan(80);
    expect(twice).toBeLessThan(160);
    const again = desk();
    updateDoubleEntrySettings(again.services, LEAD.staffId, { mode: 'share', percent: 30 });
    const same = openBatch(again.services, LEAD, { ...BATCH, count: 400 });
    expect(batchDetail(again.services, same.id).sheets.map((sheet) => sheet.doubleEntry)).toEqual(batchDetail(services, batch.id).sheets.map((sheet) => sheet.doubleEntry));
  });
});
