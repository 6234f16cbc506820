// Issue 15, the desk side: a customer's submission sealed on the phone (as the page does it) travels
// through the real central server (Fastify + PGlite on loopback) to desk cores over their own
// SQLCipher databases; the desks open it with the submission key from the keyring, show it in the
// 线上提交 queue with a countdown from the server's receipt, load it by receipt code, save it as an
// online intake that the lead validates, erase it on the server, and record escalations, breaches,
// follow-up and expiry. The clock is injected: no test reads today's date.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openCore, type Core } from '../../electron/core/core';
import { DomainError } from '../../electron/core/errors';
import { findMatches, startDraft, submitWalkIn } from '../../electron/core/intake/intake-service';
import { configureOnline, onlineSettings, sweepOnline } from '../../electron/core/online/online-service';
import { claimSubmission, followUpDetail, loadByReceipt, markFollowUp, onlineQueue, recordAttempt, setOutcome } from '../../electron/core/online/online-work';
import { decide } from '../../electron/core/review/review-service';
import { ONLINE_ENDPOINTS, formConfigResponseSchema, onlinePullResponseSchema, submitResponseSchema } from '../../shared/api/online-contract';
import { defaultConsent } from '../../shared/domain/intake/consent';
import { emptyIntakeFields, type IntakeFields } from '../../shared/domain/intake/fields';
import { sealSubmission } from '../../shared/online/envelope';
import { tempDataDir } from '../support/desk';
import { startSyncServer, type SyncServer } from '../support/sync-server';

// Two desk cores, a server and WebCrypto per test: slow on a busy machine, never timed.
vi.setConfig({ testTimeout: 120_000 });

const START = Date.UTC(2026, 0, 10, 1, 0, 0);
const clock = { now: START };
const now = () => clock.now;
const MINUTE = 60_000;
const opened: Core[] = [];
const servers: SyncServer[] = [];
afterEach(async () => {
  for (const core of opened.splice(0)) core.close();
  for (const server of servers.splice(0)) await server.stop().catch(() => undefined);
  clock.now = START;
});

function desk(label: string): Core {
  let n = 0;
  const core = openCore({ dataDir: tempDataDir(label), keyHex: 'cd'.repeat(32), appVersion: 'test', now, randomId: (prefix) => `${prefix}_${label}-${String(++n).padStart(12, '0')}` });
  opened.push(core);
  return core;
}

const STAFF = { a: 'stf_a-0000000001', b: 'stf_b-0000000001', lead: 'stf_l-0000000001', manager: 'stf_m-0000000001' } as const;
const SPECIALIST_B = { staffId: STAFF.b, role: 'specialist' as const };
const LEAD = { staffId: STAFF.lead, role: 'group_lead' as const };

function addStaff(core: Core): void {
  core.services.transact(() => {
    core.services.ops.append(null, { entity: 'staff', entityId: STAFF.a, changes: { username: 'wang.a', displayName: '王一', role: 'specialist', certified: true, active: true, passwordHash: 'scrypt$a', createdAt: clock.now } });
    core.services.ops.append(null, { entity: 'staff', entityId: STAFF.b, changes: { username: 'zhou.b', displayName: '周二', role: 'specialist', certified: true, active: true, passwordHash: 'scrypt$b', createdAt: clock.now } });
    core.services.ops.append(null, { entity: 'staff', entityId: STAFF.lead, changes: { username: 'li.lead', displayName: '李组长', role: 'group_lead', certified: true, active: true, passwordHash: 'scrypt$l', createdAt: clock.now } });
  });
}

/** Desk one registers the site and turns online submissions on; desk two is paired and receives the keyring with the submission key. */
async function onlineSite(): Promise<{ srv: SyncServer; one: Core; two: Core }> {
  const srv = await startSyncServer({ now });
  servers.push(srv);
  const one = desk('one');
  const two = desk('two');
  await one.services.sync.register({ serverUrl: srv.url, organisationId: 'org_lodge', siteId: 'site_hall' });
  const { pairingCode } = await two.services.sync.enrol({ serverUrl: srv.url, siteId: 'site_hall' });
  await one.services.sync.approve(pairingCode);
  await two.services.sync.syncNow();
  expect(two.services.sync.confirmPairing(true)).toBe(true);
  addStaff(one);
  const settings = await configureOnline(one.services, STAFF.manager, { open: true });
  expect(settings).toMatchObject({ available: true, enabled: true, open: true, siteCode: 'site_hall' });
  expect(settings.url).toBe(`${srv.url}/form/site_hall`);
  await one.services.sync.syncNow();
  await two.services.sync.syncNow();
  return { srv, one, two };
}

const CUSTOMER = { name: '欧阳娜娜', mobile: '13912345678', idNumber: '11010519491231002X', addressProvince: '吉林省', addressCity: '吉林市', emergencyName: '欧阳强', emergencyMobile: '13900001111', skiDiscipline: 'ski', skiAbility: 'beginner' };

/** What the customer's page does: read the site's form, seal the submission to its public key, post it. */
async function customerSubmits(srv: SyncServer, fields: Record<string, string> = CUSTOMER, tamper = false) {
  const config = formConfigResponseSchema.parse(await (await fetch(`${srv.url}/form/site_hall/config`)).json());
  const payload = JSON.stringify({
    v: 1,
    siteCode: 'site_hall',
    lang: 'zh-CN',
    fields,
    consent: { noticeVersion: config.consent.version, purposes: ['registration', 'service', 'safety'], idConsent: true, guardianConsent: false, marketing: false, method: 'online', paperFormNo: '' },
    sealedAt: clock.now,
  });
  const envelope = await sealSubmission(config.kid, config.publicRaw, 'site_hall', payload);
  if (tamper) envelope.ct = `${envelope.ct.slice(0, 10)}${envelope.ct[10] === 'A' ? 'B' : 'A'}${envelope.ct.slice(11)}`;
  const response = await fetch(`${srv.url}/form/site_hall/submissions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ envelope }) });
  expect(response.status).toBe(201);
  return submitResponseSchema.parse(await response.json());
}

function domainError(work: () => unknown): DomainError {
  try {
    work();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

function walkIn(core: Core, staffId: string, fields: IntakeFields, customerId: string | null = null) {
  const draft = startDraft(core.services, staffId, { customerId: null, source: 'walk_in', reason: '' });
  return submitWalkIn(core.services, staffId, { draftId: draft.id, fields, consent: { ...defaultConsent(), idConsent: true }, customerId, customerPresent: true, cleared: [] });
}

describe('online submissions on the desks', () => {
  it('a sealed submission reaches every desk, is loaded by its receipt code, saved as an online intake from the server receipt, validated by the lead and erased on the server', async () => {
    const { srv, one, two } = await onlineSite();
    // The submission key travelled to desk two inside the keyring.
    expect(two.services.sync.store.keyring()?.submission?.current).toBe(one.services.sync.store.keyring()?.submission?.current);
    // The customer has been here before (desk one, last season).
    const earlier = walkIn(one, STAFF.a, { ...emptyIntakeFields(), ...CUSTOMER, skiDiscipline: 'ski', skiAbility: 'beginner' } as IntakeFields);
    await one.services.sync.syncNow();

    const receipt = await customerSubmits(srv);
    expect(receipt.processBy - receipt.receivedAt).toBe(120 * MINUTE);
    clock.now += 30 * MINUTE;
    await one.services.sync.syncNow();
    await two.services.sync.syncNow();

    const queue = onlineQueue(two.services, SPECIALIST_B);
    expect(queue.items).toHaveLength(1);
    const item = queue.items[0]!;
    // The countdown runs from the server's receipt, masked values only.
    expect(item).toMatchObject({ receivedAt: receipt.receivedAt, state: 'ready', name: '欧阳**', mobile: '139******78', claim: null });
    expect(item.deadline).toMatchObject({ kind: 'online_entry', state: 'ok', minutesLeft: 90, dueAt: receipt.processBy });
    for (const value of [CUSTOMER.idNumber, CUSTOMER.mobile, CUSTOMER.name, CUSTOMER.idNumber.slice(6, 14)]) expect(JSON.stringify(queue)).not.toContain(value);

    // At desk two: the receipt code as a barcode wedge or a hurried person types it.
    const typed = `${receipt.receiptCode.slice(0, 4).toLowerCase()} ${receipt.receiptCode.slice(4)}`;
    const loaded = loadByReceipt(two.services, STAFF.b, typed);
    expect(loaded).toMatchObject({ submissionId: item.submissionId, receivedAt: receipt.receivedAt, fields: { name: CUSTOMER.name, mobile: CUSTOMER.mobile, idNumber: CUSTOMER.idNumber, grade: 'ordinary' }, consent: { method: 'online', idConsent: true } });
    // The returning-customer offer: the record from the earlier visit, matched by ID and mobile.
    const matches = findMatches(two.services, { mobile: loaded.fields.mobile, idNumber: loaded.fields.idNumber, name: loaded.fields.name, birthDate: '' });
    expect(matches.map((m) => m.id)).toEqual([earlier.customerId]);

    // The claim reaches desk one through the op log: nobody there can take it meanwhile.
    await two.services.sync.syncNow();
    await one.services.sync.syncNow();
    expect(onlineQueue(one.services, { staffId: STAFF.a, role: 'specialist' }).items[0]?.claim).toMatchObject({ staffId: STAFF.b, name: '周二', mine: false });
    expect(domainError(() => claimSubmission(one.services, STAFF.a, item.submissionId)).fields).toEqual({ receiptCode: 'online_claimed' });

    // Saving needs the ID check; then it is an online intake whose clock started at the server's receipt.
    const draft = startDraft(two.services, STAFF.b, { customerId: null, source: 'walk_in', reason: '' });
    const input = { draftId: draft.id, fields: loaded.fields, consent: loaded.consent, customerId: earlier.customerId, customerPresent: true, cleared: [] };
    expect(domainError(() => submitWalkIn(two.services, STAFF.b, { ...input, online: { submissionId: item.submissionId, idChecked: false } })).fields).toEqual({ idChecked: 'online_id_check_required' });
    clock.now += 2 * MINUTE;
    const saved = submitWalkIn(two.services, STAFF.b, { ...input, online: { submissionId: item.submissionId, idChecked: true } });
    expect(two.db.prepare('SELECT source, started_at, customer_id FROM intakes WHERE id = ?').get(saved.intakeId)).toEqual({ source: 'online', started_at: receipt.receivedAt, customer_id: earlier.customerId });
    expect(onlineQueue(two.services, SPECIALIST_B).items).toEqual([]);
    // The plaintext is gone from the desk; a tombstone stays.
    expect(two.db.prepare('SELECT state, payload FROM online_submissions WHERE id = ?').get(item.submissionId)).toEqual({ state: 'erased', payload: null });
    expect(domainError(() => loadByReceipt(two.services, STAFF.b, receipt.receiptCode)).fields).toEqual({ receiptCode: 'online_processed' });

    // Desk two erases the ciphertext on the server; desk one learns it from the tombstone and drops its copy.
    await two.services.sync.syncNow();
    await one.services.sync.syncNow();
    const pulled = await one.services.sync.signedClient().request('pull', { method: 'GET', path: ONLINE_ENDPOINTS.pull, signed: true, response: onlinePullResponseSchema }, undefined, { cursor: '0', limit: '100' });
    expect(pulled.items.find((i) => i.submissionId === item.submissionId)).toMatchObject({ envelope: null });
    expect(one.db.prepare('SELECT state, payload FROM online_submissions WHERE id = ?').get(item.submissionId)).toEqual({ state: 'erased', payload: null });

    // The lead validates it at desk one (cross-checked by someone other than its enterer).
    decide(one.services, { staffId: STAFF.a, role: 'specialist' }, { intakeId: saved.intakeId, decision: 'cross_check_passed', notes: {}, reason: '', doubtful: false });
    decide(one.services, LEAD, { intakeId: saved.intakeId, decision: 'lead_approved', notes: {}, reason: '', doubtful: false });
    expect(one.db.prepare('SELECT status, source FROM intakes WHERE id = ?').get(saved.intakeId)).toEqual({ status: 'valid', source: 'online' });
  });

  it('publishes the walk-in form\'s fields in entry order with the notice and the separate ID consent, and publishes again when a manager changes the fields', async () => {
    const { srv, one } = await onlineSite();
    const read = async () => formConfigResponseSchema.parse(await (await fetch(`${srv.url}/form/site_hall/config`)).json());
    const first = await read();
    const keys = first.fields.map((field) => field.key);
    expect(keys.slice(0, 4)).toEqual(['name', 'mobile', 'landline', 'idType']);
    expect(keys).toContain('skiDiscipline');
    expect(keys).not.toContain('grade');
    expect(first.fields.find((field) => field.key === 'idNumber')?.required).toBe(true);
    expect(first.consent.version).toBe('2026-11');
    expect(first.consent.idNumberText['zh-CN']).toContain('身份证件号码');
    expect(first.consent.text.en).toContain('Notice on collecting personal information');
    one.services.transact(() => one.services.ops.append(STAFF.manager, { entity: 'config', entityId: 'intake_fields', changes: { skiDiscipline: 'hidden', remarks: 'required' } }));
    await one.services.sync.syncNow();
    const second = await read();
    expect(second.fields.map((field) => field.key)).not.toContain('skiDiscipline');
    expect(second.fields.find((field) => field.key === 'remarks')?.required).toBe(true);
  });

  it('keeps a tampered submission in quarantine with the reason, never loaded and never lost', async () => {
    const { srv, one } = await onlineSite();
    const receipt = await customerSubmits(srv, CUSTOMER, true);
    await one.services.sync.syncNow();
    const [item] = onlineQueue(one.services, { staffId: STAFF.a, role: 'specialist' }).items;
    expect(item).toMatchObject({ state: 'quarantined', problem: 'tampered', name: '', mobile: '', receivedAt: receipt.receivedAt });
    expect(domainError(() => loadByReceipt(one.services, STAFF.a, receipt.receiptCode)).fields).toEqual({ receiptCode: 'online_quarantined' });
    const row = one.db.prepare('SELECT state, payload, sealed FROM online_submissions WHERE id = ?').get(item!.submissionId) as { state: string; payload: string | null; sealed: string };
    expect(row.state).toBe('quarantined');
    expect(row.payload).toBeNull();
    expect(JSON.parse(row.sealed)).toMatchObject({ v: 1 });
    const audit = one.db.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'online.quarantined' AND target = ?").get(item!.submissionId);
    expect(audit).toEqual({ n: 1 });
  });

  it('alerts the lead at 90 minutes and records a breach at 120 for a submission left alone, on every desk', async () => {
    const { srv, one, two } = await onlineSite();
    const first = await customerSubmits(srv);
    const second = await customerSubmits(srv, { ...CUSTOMER, name: '李雷', mobile: '13700001111', idNumber: '110105199003070011' });
    await one.services.sync.syncNow();
    // The first is done at once.
    const loaded = loadByReceipt(one.services, STAFF.a, first.receiptCode);
    const draft = startDraft(one.services, STAFF.a, { customerId: null, source: 'walk_in', reason: '' });
    submitWalkIn(one.services, STAFF.a, { draftId: draft.id, fields: loaded.fields, consent: loaded.consent, customerId: null, customerPresent: true, cleared: [], online: { submissionId: loaded.submissionId, idChecked: true } });

    clock.now = second.receivedAt + 89 * MINUTE;
    expect(sweepOnline(one.services)).toEqual({ escalated: 0, breached: 0, expired: 0 });
    expect(onlineQueue(one.services, LEAD).alerts).toBe(0);

    clock.now = second.receivedAt + 90 * MINUTE;
    expect(sweepOnline(one.services)).toEqual({ escalated: 1, breached: 0, expired: 0 });
    const atNinety = onlineQueue(one.services, LEAD);
    expect(atNinety.alerts).toBe(1);
    expect(atNinety.items[0]).toMatchObject({ receiptCode: `${second.receiptCode.slice(0, 4)}-${second.receiptCode.slice(4)}`, escalatedAt: second.receivedAt + 90 * MINUTE, breachedAt: null, deadline: { state: 'escalated', minutesLeft: 30 } });
    // A specialist is not the one alerted.
    expect(onlineQueue(one.services, { staffId: STAFF.a, role: 'specialist' }).alerts).toBe(0);

    clock.now = second.receivedAt + 120 * MINUTE;
    expect(sweepOnline(one.services)).toEqual({ escalated: 0, breached: 1, expired: 0 });
    const atTwoHours = onlineQueue(one.services, LEAD);
    expect(atTwoHours.items[0]).toMatchObject({ breachedAt: second.receivedAt + 120 * MINUTE, deadline: { state: 'breached' } });
    expect(atTwoHours.breaches.map((b) => b.receiptCode.replace('-', ''))).toEqual([second.receiptCode]);
    expect(one.db.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'online.breached'").get()).toEqual({ n: 1 });

    // The record travels: desk two reports the same breach, without recording it again.
    await one.services.sync.syncNow();
    await two.services.sync.syncNow();
    expect(sweepOnline(two.services).breached).toBe(0);
    expect(onlineQueue(two.services, LEAD).breaches.map((b) => b.breachedAt)).toEqual([second.receivedAt + 120 * MINUTE]);
  });

  it('folds a second submission from the same phone within minutes into one, its clock from the first', async () => {
    const { srv, one } = await onlineSite();
    const first = await customerSubmits(srv);
    clock.now += 3 * MINUTE;
    const corrected = await customerSubmits(srv, { ...CUSTOMER, addressDetail: '船营区北京路 8 号' });
    await one.services.sync.syncNow();
    const { items } = onlineQueue(one.services, { staffId: STAFF.a, role: 'specialist' });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ folded: 1, receivedAt: first.receivedAt });
    // Either receipt code opens the newer submission.
    const loaded = loadByReceipt(one.services, STAFF.a, first.receiptCode);
    expect(loaded.receiptCode.replace('-', '')).toBe(corrected.receiptCode);
    expect(loaded.fields.addressDetail).toBe('船营区北京路 8 号');
  });

  it('keeps a follow-up list of attempts and outcomes, deletes nothing by hand, and erases what stays unprocessed after the retention, leaving a tombstone', async () => {
    const { srv, one, two } = await onlineSite();
    const receipt = await customerSubmits(srv, { ...CUSTOMER, idNumber: '110105194912310021' });
    await one.services.sync.syncNow();
    const id = onlineQueue(one.services, { staffId: STAFF.a, role: 'specialist' }).items[0]!.submissionId;
    markFollowUp(one.services, STAFF.a, { submissionId: id, reason: '证件号码校验位不对' });
    recordAttempt(one.services, STAFF.a, { submissionId: id, kind: 'called', note: '' });
    clock.now += 10 * MINUTE;
    recordAttempt(one.services, STAFF.a, { submissionId: id, kind: 'no_answer', note: '' });
    recordAttempt(one.services, STAFF.a, { submissionId: id, kind: 'message_sent', note: '短信请其到柜台' });
    setOutcome(one.services, STAFF.a, { submissionId: id, outcome: 'unreachable', note: '' });
    await one.services.sync.syncNow();
    await two.services.sync.syncNow();
    const atTwo = onlineQueue(two.services, SPECIALIST_B);
    expect(atTwo.items).toEqual([]);
    expect(atTwo.followUp[0]).toMatchObject({ submissionId: id, followUp: true, followUpReason: '证件号码校验位不对', attempts: 3, outcome: 'unreachable' });
    expect(followUpDetail(two.services, id).attempts.map((a) => [a.kind, a.by])).toEqual([['called', '王一'], ['no_answer', '王一'], ['message_sent', '王一']]);

    // The manager shortens the retention to 10 days at desk one; desk two keeps the same rule.
    await configureOnline(one.services, STAFF.manager, { open: true, retentionDays: 10 });
    await one.services.sync.syncNow();
    await two.services.sync.syncNow();
    expect(onlineSettings(two.services)).toMatchObject({ open: true, retentionDays: 10 });
    clock.now = receipt.receivedAt + 10 * 24 * 60 * MINUTE - MINUTE;
    expect(sweepOnline(two.services).expired).toBe(0);
    clock.now += MINUTE;
    expect(sweepOnline(two.services).expired).toBe(1);
    expect(two.db.prepare('SELECT state, payload, sealed FROM online_submissions WHERE id = ?').get(id)).toEqual({ state: 'erased', payload: null, sealed: null });
    // The tombstone: the work row (and its attempts) remain, the server erases the ciphertext.
    expect(two.db.prepare('SELECT expired_at FROM online_work WHERE id = ?').get(id)).toEqual({ expired_at: clock.now });
    expect(two.db.prepare('SELECT count(*) AS n FROM online_attempts WHERE submission_id = ?').get(id)).toEqual({ n: 3 });
    await two.services.sync.syncNow();
    const pulled = await two.services.sync.signedClient().request('pull', { method: 'GET', path: ONLINE_ENDPOINTS.pull, signed: true, response: onlinePullResponseSchema }, undefined, { cursor: '0', limit: '100' });
    expect(pulled.items.find((i) => i.submissionId === id)).toMatchObject({ envelope: null, receiptCode: receipt.receiptCode });
    await one.services.sync.syncNow();
    expect(one.db.prepare('SELECT state, payload FROM online_submissions WHERE id = ?').get(id)).toEqual({ state: 'erased', payload: null });
  });
});
