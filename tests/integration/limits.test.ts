// Limits through the real host: over-long fields are refused by the core with VALIDATION naming the
// field (whatever the form allows), a record at every field's limit is accepted whole, and nothing
// longer than the limits reaches the op log.
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../electron/core/db/connection';
import { readOrCreateKeyFile } from '../../electron/core/db/key-file';
import { databasePath } from '../../electron/core/paths';
import { defaultConsent } from '../../shared/domain/intake/consent';
import { RECORD_MAX_BYTES, TEXT_LIMITS, emptyIntakeFields, type IntakeFields } from '../../shared/domain/intake/fields';
import { INPUT_LIMITS } from '../../shared/domain/limits';
import { expectOk, staffedDesk } from '../support/desk';

const consent = { ...defaultConsent(), idConsent: true };
const fields = (overrides: Partial<IntakeFields> = {}): IntakeFields => ({
  ...emptyIntakeFields(),
  name: '单雪', mobile: '13812345678', idNumber: '11010519491231002X', addressProvince: '吉林省', emergencyName: '单强', emergencyMobile: '13900001111', skiDiscipline: 'ski', skiAbility: 'beginner',
  ...overrides,
});

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function desk() {
  const staffed = await staffedDesk([['zhao.min', 'specialist']]);
  close = staffed.close;
  return staffed;
}

describe('limits in the core', () => {
  it('refuses a draft, a submit and an online registration whose 备注 is over 500 characters, naming the field', async () => {
    const { client } = await desk();
    const specialist = client('zhao.min');
    const draft = expectOk(await specialist.call('intake.draft.start', { customerId: null }));
    const long = fields({ remarks: '雪'.repeat(TEXT_LIMITS.remarks + 1) });

    const saved = await specialist.call('intake.draft.save', { id: draft.id, fields: long, consent, customerId: null });
    expect(saved.ok ? null : saved.error).toMatchObject({ code: 'VALIDATION', fields: { 'fields.remarks': 'too_long' } });
    const submitted = await specialist.call('intake.submit', { draftId: draft.id, fields: long, consent, customerId: null, customerPresent: true });
    expect(submitted.ok ? null : submitted.error).toMatchObject({ code: 'VALIDATION', fields: { 'fields.remarks': 'too_long' } });
    const online = await specialist.call('intake.registerOnline', { fields: long, consent, customerId: null });
    expect(online.ok ? null : online.error).toMatchObject({ code: 'VALIDATION', fields: { 'fields.remarks': 'too_long' } });
  });

  it('refuses a 1-megabyte paste into any text field before it reaches the database', async () => {
    const { client } = await desk();
    const specialist = client('zhao.min');
    const draft = expectOk(await specialist.call('intake.draft.start', { customerId: null }));
    for (const field of Object.keys(TEXT_LIMITS) as Array<keyof typeof TEXT_LIMITS>) {
      const saved = await specialist.call('intake.draft.save', { id: draft.id, fields: fields({ [field]: 'a'.repeat(900_000) }), consent, customerId: null });
      expect(saved.ok ? null : saved.error, field).toMatchObject({ code: 'VALIDATION', fields: { [`fields.${field}`]: 'too_long' } });
    }
  });

  it('refuses over-long reasons, notes and free-form note keys in review', async () => {
    const { client } = await desk();
    const specialist = client('zhao.min');
    const intakeId = 'itk_0123456789abcdef';
    const longNote = await specialist.call('review.decide', { intakeId, decision: 'cross_check_failed', notes: { mobile: 'x'.repeat(INPUT_LIMITS.reviewNote + 1) } });
    expect(longNote.ok ? null : longNote.error).toMatchObject({ code: 'VALIDATION', fields: { 'notes.mobile': 'too_long' } });
    const strangeKey = await specialist.raw('review.decide', { intakeId, decision: 'cross_check_failed', notes: { ['k'.repeat(10_000)]: 'x' } });
    expect(strangeKey.ok ? null : strangeKey.error).toMatchObject({ code: 'VALIDATION' });
    const longReason = await specialist.call('review.decide', { intakeId, decision: 'lead_sent_back', reason: 'r'.repeat(INPUT_LIMITS.reviewReason + 1) });
    expect(longReason.ok ? null : longReason.error).toMatchObject({ code: 'VALIDATION', fields: { reason: 'too_long' } });
  });

  it('still shows a draft saved before the limits whole, and names the field when it is saved again', async () => {
    const { client, desk: host } = await desk();
    const specialist = client('zhao.min');
    const draft = expectOk(await specialist.call('intake.draft.start', { customerId: null }));
    expectOk(await specialist.call('intake.draft.save', { id: draft.id, fields: fields(), consent, customerId: null }));
    // As an older version of the desk could have stored it: 备注 longer than today's limit.
    const old = '旧'.repeat(TEXT_LIMITS.remarks + 100);
    const db = openDatabase(databasePath(host.dataDir), readOrCreateKeyFile(host.dataDir, { create: false }));
    db.prepare("UPDATE drafts SET fields = json_set(fields, '$.remarks', :old) WHERE id = :id").run({ old, id: draft.id });
    db.close();

    const restored = expectOk(await specialist.call('intake.draft.current'));
    expect(restored?.fields.remarks).toBe(old);
    const saved = await specialist.call('intake.draft.save', { id: draft.id, fields: { ...fields(), remarks: old }, consent, customerId: null });
    expect(saved.ok ? null : saved.error).toMatchObject({ code: 'VALIDATION', fields: { 'fields.remarks': 'too_long' } });
  });

  it('accepts a record with every text field at its limit, and the op log holds it whole and bounded', async () => {
    const { client, desk: host } = await desk();
    const specialist = client('zhao.min');
    const draft = expectOk(await specialist.call('intake.draft.start', { customerId: null }));
    const full = fields({ remarks: '雪'.repeat(TEXT_LIMITS.remarks), addressDetail: '路'.repeat(TEXT_LIMITS.addressDetail), landline: '' });
    expectOk(await specialist.call('intake.draft.save', { id: draft.id, fields: full, consent, customerId: null }));
    expectOk(await specialist.call('intake.submit', { draftId: draft.id, fields: full, consent, customerId: null, customerPresent: true }));

    const db = openDatabase(databasePath(host.dataDir), readOrCreateKeyFile(host.dataDir, { create: false }));
    const ops = db.prepare('SELECT entity, changes FROM ops').all() as Array<{ entity: string; changes: string }>;
    db.close();
    const customerOp = ops.find((op) => op.entity === 'customer');
    expect((JSON.parse(customerOp?.changes ?? '{}') as { remarks?: string }).remarks).toBe('雪'.repeat(TEXT_LIMITS.remarks));
    for (const op of ops) expect(Buffer.byteLength(op.changes)).toBeLessThanOrEqual(RECORD_MAX_BYTES * 2);
  });
});
