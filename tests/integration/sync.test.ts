// Issue 10, the desk side: two desk cores over their own SQLCipher databases enrol with a real
// central server (Fastify + PGlite on loopback), pair with a 6-digit code, push and pull sealed ops,
// and survive the server going away mid-sync.
import { afterEach, describe, expect, it } from 'vitest';
import { openCore, type Core } from '../../electron/core/core';
import { resolveConflict } from '../../electron/core/customers/customer-service';
import { startDraft, submitWalkIn } from '../../electron/core/intake/intake-service';
import { decide } from '../../electron/core/review/review-service';
import { projectionDigest } from '../../electron/core/oplog/digest';
import { MAX_BATCH_BYTES, nextPushBatch } from '../../electron/core/sync/sync-engine';
import { SyncClient, SyncError } from '../../electron/core/sync/sync-client';
import { sealOp } from '../../electron/core/sync/envelope';
import { createKeyring } from '../../electron/core/sync/keyring';
import { defaultConsent } from '../../shared/domain/intake/consent';
import { emptyIntakeFields, type IntakeFields } from '../../shared/domain/intake/fields';
import { tempDataDir } from '../support/desk';
import { startSyncServer, type SyncServer } from '../support/sync-server';

const clock = { now: Date.UTC(2026, 0, 10, 9, 0, 0) };
const now = () => clock.now;
const opened: Core[] = [];
const servers: SyncServer[] = [];
afterEach(async () => {
  for (const core of opened.splice(0)) core.close();
  for (const server of servers.splice(0)) await server.stop().catch(() => undefined);
});

function desk(label: string): Core {
  let n = 0;
  const core = openCore({ dataDir: tempDataDir(label), keyHex: 'ab'.repeat(32), appVersion: 'test', now, randomId: (prefix) => `${prefix}_${label}-${String(++n).padStart(12, '0')}` });
  opened.push(core);
  return core;
}

async function server(options: { dataDir?: string; port?: number } = {}): Promise<SyncServer> {
  const started = await startSyncServer({ ...options, now });
  servers.push(started);
  return started;
}

const STAFF = { a: 'stf_a-0000000001', b: 'stf_b-0000000001', lead: 'stf_l-0000000001' } as const;
const FULL: IntakeFields = {
  ...emptyIntakeFields(), name: '吴雪', mobile: '13812345678', idNumber: '11010519491231002X', addressProvince: '吉林省', addressCity: '吉林市',
  emergencyName: '吴强', emergencyMobile: '13900001111', skiDiscipline: 'ski', skiAbility: 'beginner', heightCm: '168',
};

const NAMES = ['张伟', '王芳', '李娜', '刘洋', '陈静', '杨帆', '赵磊', '黄敏', '周杰', '吴婷'];
/** A valid 18-digit resident ID (GB 11643 check digit) for visitor `i`. */
function idNumber(i: number): string {
  const body = `1101051990${String(1 + (i % 12)).padStart(2, '0')}${String(1 + (i % 28)).padStart(2, '0')}${String(100 + i).slice(-3)}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((total, digit, k) => total + Number(digit) * (weights[k] ?? 0), 0);
  return body + '10X98765432'[sum % 11];
}
function visitor(i: number): IntakeFields {
  return { ...FULL, name: `${NAMES[i % NAMES.length] ?? '张伟'}${i >= NAMES.length ? '明' : ''}`, idNumber: idNumber(i), mobile: `139${String(10_000_000 + i).slice(-8)}` };
}

function addStaff(core: Core): void {
  core.services.transact(() => {
    core.services.ops.append(null, { entity: 'staff', entityId: STAFF.a, changes: { username: 'wang.a', displayName: '王一', role: 'specialist', certified: true, active: true, passwordHash: 'scrypt$secret-hash-value', createdAt: clock.now } });
    core.services.ops.append(null, { entity: 'staff', entityId: STAFF.b, changes: { username: 'zhou.b', displayName: '周二', role: 'specialist', certified: true, active: true, passwordHash: 'scrypt$b-hash-value', createdAt: clock.now } });
    core.services.ops.append(null, { entity: 'staff', entityId: STAFF.lead, changes: { username: 'li.lead', displayName: '李组长', role: 'group_lead', certified: true, active: true, passwordHash: 'scrypt$lead-hash-value', createdAt: clock.now } });
  });
}

function submit(core: Core, fields: IntakeFields, customerId: string | null = null) {
  clock.now += 1_000;
  const draft = startDraft(core.services, STAFF.a, { customerId: null, source: 'walk_in', reason: '' });
  return submitWalkIn(core.services, STAFF.a, { draftId: draft.id, fields, consent: { ...defaultConsent(), idConsent: true }, customerId, customerPresent: true, cleared: [] });
}

function approve(core: Core, intakeId: string): void {
  clock.now += 1_000;
  decide(core.services, { staffId: STAFF.b, role: 'specialist' }, { intakeId, decision: 'cross_check_passed', notes: {}, reason: '', doubtful: false });
  decide(core.services, { staffId: STAFF.lead, role: 'group_lead' }, { intakeId, decision: 'lead_approved', notes: {}, reason: '', doubtful: false });
}

/** Desk one registers the organisation; desk two enrols and is paired by a manager at desk one. */
async function pairedDesks(srv: SyncServer): Promise<[Core, Core, string]> {
  const one = desk('one');
  const two = desk('two');
  const { recoveryKey } = await one.services.sync.register({ serverUrl: srv.url, organisationId: 'org_lodge', siteId: 'site_hall' });
  if (!recoveryKey) throw new Error('a desk without a recovery key gets one at registration');
  const { pairingCode } = await two.services.sync.enrol({ serverUrl: srv.url, siteId: 'site_hall' });
  const shownOnOne = (await one.services.sync.previewPairing(pairingCode)).sas;
  await one.services.sync.approve(pairingCode);
  await two.services.sync.syncNow();
  expect(two.services.sync.status().pairing).toEqual({ code: pairingCode, sas: shownOnOne });
  expect(two.services.sync.confirmPairing(true)).toBe(true);
  return [one, two, recoveryKey];
}

describe('sync between desks through the central server', () => {
  it('pairs a new desk with the same 6 digits on both screens, then carries intakes and staff accounts to it sealed', async () => {
    const srv = await server();
    const [one, two, recoveryKey] = await pairedDesks(srv);
    expect(recoveryKey).toMatch(/^([0-9A-HJKMNP-TV-Z]{4}-){7}[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(two.services.sync.status()).toMatchObject({ enrolled: true, pairing: null, siteId: 'site_hall' });

    addStaff(one);
    const intake = submit(one, FULL);
    expect(one.services.sync.status().pending).toBeGreaterThan(0);
    const pushed = await one.services.sync.syncNow();
    expect(pushed.pushed).toBeGreaterThan(0);
    expect(one.services.sync.status()).toMatchObject({ pending: 0, state: 'connected', problem: null, lastSyncAt: clock.now });

    await two.services.sync.syncNow();
    expect(projectionDigest(two.db).digest).toBe(projectionDigest(one.db).digest);
    // A staff member of desk one can sign in at desk two: the account (with its hash) arrived.
    expect(two.services.staff.byId(STAFF.a)?.username).toBe('wang.a');
    expect(two.db.prepare('SELECT count(*) AS n FROM intakes WHERE id = ?').get(intake.intakeId)).toEqual({ n: 1 });

    // What desk two writes comes back to desk one.
    const second = submit(two, visitor(1));
    await two.services.sync.syncNow();
    await one.services.sync.syncNow();
    expect(one.db.prepare('SELECT count(*) AS n FROM intakes WHERE id = ?').get(second.intakeId)).toEqual({ n: 1 });
    expect(projectionDigest(two.db).digest).toBe(projectionDigest(one.db).digest);
  });

  it('raises a phone changed on two desks that did not see each other for a lead on both, and the lead settles it on both', async () => {
    const srv = await server();
    const [one, two] = await pairedDesks(srv);
    addStaff(one);
    const first = submit(one, FULL);
    approve(one, first.intakeId);
    await one.services.sync.syncNow();
    await two.services.sync.syncNow();
    // The same customer at both desks before they hear of each other.
    const atOne = submit(one, { ...emptyIntakeFields(), name: FULL.name, idNumber: FULL.idNumber, mobile: '13812340001' }, first.customerId);
    const atTwo = submit(two, { ...emptyIntakeFields(), name: FULL.name, idNumber: FULL.idNumber, mobile: '13812340002' }, first.customerId);
    approve(one, atOne.intakeId);
    approve(two, atTwo.intakeId);
    for (const core of [one, two, one]) await core.services.sync.syncNow();
    for (const core of [one, two]) expect(core.services.customers.conflicts(first.customerId).map((c) => c.field)).toEqual(['mobile']);
    const [conflict] = two.services.customers.conflicts(first.customerId);
    clock.now += 1_000;
    resolveConflict(two.services, { staffId: STAFF.lead, role: 'group_lead' }, { id: first.customerId, field: 'mobile', keepAsOf: conflict?.asOf ?? '', reason: '客户电话确认' });
    await two.services.sync.syncNow();
    await one.services.sync.syncNow();
    for (const core of [one, two]) expect(core.services.customers.conflicts(first.customerId)).toEqual([]);
    expect(one.services.customers.byId(first.customerId)?.mobile).toBe(two.services.customers.byId(first.customerId)?.mobile);
  });

  it('keeps an op it cannot decrypt in quarantine and reports it, and applies everything else', async () => {
    const srv = await server();
    const [one, two] = await pairedDesks(srv);
    addStaff(one);
    // Desk one's key gone astray: an op sealed under a data key the site never had, signed by desk one.
    const store = one.services.sync.store;
    const stray = sealOp(
      { opId: 'op_stray-000000000001', deviceId: store.deviceId, seq: one.services.ops.outboxSize() + 100, hlc: `${String(clock.now).padStart(15, '0')}-00000-${store.deviceId}`, staffId: null, entity: 'customer', entityId: 'cus_stray', kind: 'customer', schemaVersion: 6, changes: { name: '孙七' } },
      'site_hall',
      createKeyring('org_lodge', 'site_hall'),
      store.signingKey(),
    );
    await one.services.sync.syncNow();
    await new SyncClient(srv.url, { siteId: 'site_hall', deskId: store.deviceId, signingKey: store.signingKey() }, now).call('push', { ops: [stray] });
    await two.services.sync.syncNow();
    expect(two.services.sync.status().quarantined).toBe(1);
    expect(two.services.ops.quarantined()).toEqual([expect.objectContaining({ opId: 'op_stray-000000000001', reason: expect.stringMatching(/^sync:undecryptable/) })]);
    expect(two.services.staff.byId(STAFF.a)?.username).toBe('wang.a');
  });

  it('refuses a pairing the staff say does not match: the new desk stays without keys', async () => {
    const srv = await server();
    const one = desk('one');
    const two = desk('two');
    await one.services.sync.register({ serverUrl: srv.url, organisationId: 'org_lodge', siteId: 'site_hall' });
    const { pairingCode } = await two.services.sync.enrol({ serverUrl: srv.url, siteId: 'site_hall' });
    await one.services.sync.approve(pairingCode);
    await two.services.sync.syncNow();
    expect(two.services.sync.confirmPairing(false)).toBe(false);
    expect(two.services.sync.status()).toMatchObject({ enrolled: false });
  });

  it('keeps the outbox until the server acknowledges it; with the server gone mid-sync nothing is lost or doubled', async () => {
    const srv = await server();
    const [one, two] = await pairedDesks(srv);
    addStaff(one);
    for (let i = 0; i < 5; i += 1) submit(one, visitor(i));
    const written = one.services.ops.outboxSize();
    await srv.stop();
    servers.splice(servers.indexOf(srv), 1);
    await expect(one.services.sync.syncNow()).rejects.toBeInstanceOf(SyncError);
    expect(one.services.sync.status()).toMatchObject({ state: 'offline', problem: 'server_unreachable', pending: written });

    // The same server (same data, same address) comes back.
    await server({ dataDir: srv.dataDir, port: srv.port });
    await one.services.sync.syncNow();
    expect(one.services.sync.status()).toMatchObject({ pending: 0, state: 'connected', problem: null });
    await two.services.sync.syncNow();
    expect(projectionDigest(two.db).digest).toBe(projectionDigest(one.db).digest);
    expect(await one.services.sync.compareDigest()).toEqual({ gaps: 0 });
    const ops = (core: Core) => (core.db.prepare('SELECT count(*) AS n FROM ops').get() as { n: number }).n;
    expect(ops(two)).toBe(ops(one));
  });

  it('pushes in batches of at most 1 MB', async () => {
    const srv = await server();
    const [one] = await pairedDesks(srv);
    addStaff(one);
    for (let i = 0; i < 30; i += 1) submit(one, visitor(i));
    const small = nextPushBatch(one.services, one.services.sync.store, 8 * 1024);
    expect(small?.bytes).toBeLessThanOrEqual(8 * 1024);
    // The body as sent, the manifest that signs the batch included, stays inside the estimate.
    expect(Buffer.byteLength(JSON.stringify({ ops: small?.ops, manifests: small?.manifests }))).toBeLessThanOrEqual(small?.bytes ?? 0);
    expect(small?.ops.length).toBeLessThan(one.services.ops.outboxSize());
    const full = nextPushBatch(one.services, one.services.sync.store);
    expect(full?.bytes).toBeLessThanOrEqual(MAX_BATCH_BYTES);
    await one.services.sync.syncNow();
    expect(one.services.ops.outboxSize()).toBe(0);
  });

  it('revokes a lost desk: the server refuses it and it cannot read what is written after the key rotation', async () => {
    const srv = await server();
    const [one, two] = await pairedDesks(srv);
    const three = desk('three');
    const { pairingCode } = await three.services.sync.enrol({ serverUrl: srv.url, siteId: 'site_hall' });
    await one.services.sync.approve(pairingCode);
    await three.services.sync.syncNow();
    three.services.sync.confirmPairing(true);

    await one.services.sync.revoke(two.services.ctx.deviceId);
    await expect(two.services.sync.syncNow()).rejects.toMatchObject({ problem: 'desk_revoked' });
    expect(two.services.sync.status().problem).toBe('desk_revoked');

    addStaff(one);
    submit(one, FULL);
    await one.services.sync.syncNow();
    await three.services.sync.syncNow();
    // Desk three got the new key version from desk one and reads everything, old and new.
    expect(projectionDigest(three.db).digest).toBe(projectionDigest(one.db).digest);
    expect(three.services.sync.status().quarantined).toBe(0);
  });
});
