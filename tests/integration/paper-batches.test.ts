// Batches of paper forms (issue 13 item 2): a lead opens a batch with where, when, how many and
// the serial range; every sheet is transcribed, void or missing (with a reason); the batch closes
// only when every serial is accounted for; everything goes through the op log and rebuilds.
import { afterEach, describe, expect, it } from 'vitest';
import { openCore, type Core } from '../../electron/core/core';
import { generateKeyHex } from '../../electron/core/db/key-file';
import { openDatabase } from '../../electron/core/db/connection';
import { migrate } from '../../electron/core/db/migrations';
import { DomainError } from '../../electron/core/errors';
import { allOps, firstDifference, project } from '../../electron/core/oplog/digest';
import { startDraft, submitWalkIn } from '../../electron/core/intake/intake-service';
import { batchSheets, closeBatch, listBatches, markSheet, openBatch, recordTranscribed } from '../../electron/core/paper/batch-service';
import { defaultConsent } from '../../shared/domain/intake/consent';
import { emptyIntakeFields } from '../../shared/domain/intake/fields';
import { openBatchInputSchema } from '../../shared/api/paper-contract';
import { tempDataDir } from '../support/desk';

const clock = { now: Date.UTC(2026, 0, 10, 9, 0, 0) };
const opened: Core[] = [];
afterEach(() => {
  for (const core of opened.splice(0)) core.close();
});

const LEAD = { staffId: 'stf_lead-000000001', role: 'group_lead' as const };
const TYPIST = { staffId: 'stf_typist-0000001', role: 'specialist' as const };

function desk(): Core {
  let n = 0;
  const core = openCore({ dataDir: tempDataDir('paper'), keyHex: 'ef'.repeat(32), appVersion: 'test', now: () => clock.now, randomId: (prefix) => `${prefix}_paper-${String(++n).padStart(12, '0')}` });
  opened.push(core);
  core.services.transact(() => {
    for (const actor of [LEAD, TYPIST]) {
      core.services.ops.append(null, { entity: 'staff', entityId: actor.staffId, changes: { username: actor.staffId, displayName: actor.role === 'group_lead' ? '组长王' : '录入员李', role: actor.role, certified: true, active: true, passwordHash: 'x', createdAt: clock.now } });
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

const BATCH = { code: 'B7', place: '北坡雪具大厅', collectedOn: '2026-01-10', firstSerial: 41, count: 3 };

describe('paper batches', () => {
  it('a lead opens a batch; it closes only when every serial is transcribed, void or missing; the log rebuilds it', () => {
    const core = desk();
    const { services } = core;
    expect(refusal(() => openBatch(services, TYPIST, BATCH)).code).toBe('FORBIDDEN');
    const batch = openBatch(services, LEAD, BATCH);
    expect(batch).toMatchObject({ code: 'B7', place: '北坡雪具大厅', firstSerial: 41, count: 3, accounted: 0, closedAt: null, openedBy: '组长王' });
    expect(refusal(() => openBatch(services, LEAD, { ...BATCH, code: 'b7' })).fields).toEqual({ code: 'batch_code_taken' });

    // The home screen lists it as open, with its age by the desk's clock.
    clock.now += 90 * 60_000;
    expect(listBatches(services, true).map((b) => [b.code, b.ageMinutes])).toEqual([['B7', 90]]);

    services.transact(() => recordTranscribed(services, TYPIST.staffId, { batchId: batch.id, serial: 41, intakeId: 'itk_paper-000000000099', scanId: null }));
    const afterVoid = markSheet(services, TYPIST, { batchId: batch.id, serial: 43, state: 'void', reason: '客户填错作废，重新填写了新表' });
    expect(afterVoid.sheets.map((s) => s.state)).toEqual(['transcribed', 'pending', 'void']);
    expect(refusal(() => markSheet(services, TYPIST, { batchId: batch.id, serial: 41, state: 'missing', reason: '找不到这张表' })).fields).toEqual({ serial: 'sheet_transcribed' });
    expect(refusal(() => markSheet(services, TYPIST, { batchId: batch.id, serial: 44, state: 'missing', reason: '找不到这张表' })).fields).toEqual({ serial: 'serial_not_in_batch' });

    // Serial 42 is not accounted for: the batch stays open and says which.
    const notYet = refusal(() => closeBatch(services, LEAD, batch.id));
    expect(notYet.fields).toEqual({ batchId: 'batch_unaccounted' });
    expect(notYet.message).toContain('0042');
    expect(refusal(() => closeBatch(services, TYPIST, batch.id)).code).toBe('FORBIDDEN');

    markSheet(services, TYPIST, { batchId: batch.id, serial: 42, state: 'missing', reason: '大巴上收表时缺了一张' });
    const closed = closeBatch(services, LEAD, batch.id);
    expect(closed.closedAt).toBe(clock.now);
    expect(closed).toMatchObject({ accounted: 3, transcribed: 1 });
    expect(listBatches(services, true)).toEqual([]);
    expect(refusal(() => markSheet(services, TYPIST, { batchId: batch.id, serial: 42, state: 'void', reason: '又找到了这张表' })).fields).toEqual({ batchId: 'batch_closed' });

    const actions = (core.db.prepare("SELECT action FROM audit_log WHERE action LIKE 'paper.%' ORDER BY seq").all() as Array<{ action: string }>).map((row) => row.action);
    expect(actions).toEqual(['paper.batch_opened', 'paper.sheet_void', 'paper.sheet_missing', 'paper.batch_closed']);

    const scratch = openDatabase(':memory:', generateKeyHex());
    migrate(scratch);
    project(scratch, allOps(core.db));
    expect(firstDifference(core.db, scratch)).toBeNull();
    expect((scratch.prepare('SELECT count(*) AS n FROM paper_sheets').get() as { n: number }).n).toBe(3);
    scratch.close();
  });

  it('an intake whose consent was given on paper form B7-0041 transcribes that sheet; the same form twice is refused', () => {
    const core = desk();
    const { services } = core;
    const batch = openBatch(services, LEAD, BATCH);
    const fields = { ...emptyIntakeFields(), name: '赵纸表', mobile: '13812345678', idNumber: '11010519491231002X', addressProvince: '吉林省', addressCity: '吉林市', emergencyName: '赵强', emergencyMobile: '13900001111', skiDiscipline: 'ski' as const, skiAbility: 'beginner' as const };
    const consent = { ...defaultConsent(), idConsent: true, method: 'paper' as const, paperFormNo: 'B7-0041' };
    const submit = (idNumber: string, paperFormNo = 'B7-0041') => {
      clock.now += 1_000;
      const draft = startDraft(services, TYPIST.staffId, { customerId: null, source: 'walk_in', reason: '' });
      return submitWalkIn(services, TYPIST.staffId, { draftId: draft.id, fields: { ...fields, idNumber }, consent: { ...consent, paperFormNo }, customerId: null, customerPresent: false, cleared: [] });
    };
    const first = submit('11010519491231002X');
    expect(batchSheets(services, batch.id)[0]).toMatchObject({ serial: 41, state: 'transcribed', intakeId: first.intakeId, by: TYPIST.staffId });
    expect(refusal(() => submit('110105199003070025')).fields).toEqual({ 'consent.paperFormNo': 'sheet_transcribed' });
    markSheet(services, TYPIST, { batchId: batch.id, serial: 42, state: 'void', reason: '客户写错作废' });
    expect(refusal(() => submit('110105199003070025', 'B7-0042')).fields).toEqual({ 'consent.paperFormNo': 'sheet_void_or_missing' });
    expect(refusal(() => submit('110105199003070025', 'B7-0099')).fields).toEqual({ 'consent.paperFormNo': 'serial_not_in_batch' });
    // A form number from no batch (older paper consent forms) is taken as before.
    expect(submit('110105199003070025', 'OLD-0007').intakeId).toMatch(/^itk_/);
  });

  it('checks what a lead types when opening a batch, naming the field', () => {
    const result = openBatchInputSchema.safeParse({ code: 'B 7', place: '', collectedOn: '10/01/2026', firstSerial: 1, count: 0 });
    expect(result.success).toBe(false);
    const issues = Object.fromEntries((result.error?.issues ?? []).map((issue) => [issue.path.join('.'), issue.message]));
    expect(issues).toMatchObject({ code: 'batch_code', place: 'required', collectedOn: 'date_format', count: 'batch_count' });
  });
});
