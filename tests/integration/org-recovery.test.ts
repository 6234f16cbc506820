// One organisation recovery key (issue 10, issue 14 item 3): the printed key that opens backups also
// opens the site's keyring kept on the server, so it recovers the organisation onto a new machine
// when every desk is lost; a desk restored from a backup comes back under a new device id, enrols
// again and pulls what it missed, with no sequence clash on the server. Real desk cores over their
// own SQLCipher databases, a real server (Fastify + PGlite) on loopback.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createRecoveryKey, heldRecoveryKey, organisationId } from '../../electron/core/backup/keyring';
import { createBackup, restoreBackup } from '../../electron/core/backup/operations';
import { openCore, type Core } from '../../electron/core/core';
import { startDraft, submitWalkIn } from '../../electron/core/intake/intake-service';
import { projectionDigest } from '../../electron/core/oplog/digest';
import { recoveryDesk } from '../../electron/core/sync/keyring';
import { SyncError } from '../../electron/core/sync/sync-client';
import { defaultConsent } from '../../shared/domain/intake/consent';
import { emptyIntakeFields, type IntakeFields } from '../../shared/domain/intake/fields';
import { checkCharacter } from '../../shared/domain/identity';
import { tempDataDir } from '../support/desk';
import { startSyncServer, type SyncServer } from '../support/sync-server';

const KEY = 'ab'.repeat(32);
const clock = { now: Date.UTC(2026, 0, 10, 9, 0, 0) };
const now = () => clock.now;
const opened: Core[] = [];
const servers: SyncServer[] = [];
afterEach(async () => {
  for (const core of opened.splice(0)) core.close();
  for (const server of servers.splice(0)) await server.stop().catch(() => undefined);
});

function desk(label: string, dataDir = tempDataDir(label)): Core & { dataDir: string } {
  let n = 0;
  const core = openCore({ dataDir, keyHex: KEY, appVersion: 'test', now, randomId: (prefix) => `${prefix}_${label}-${String(++n).padStart(12, '0')}` });
  opened.push(core);
  return Object.assign(core, { dataDir });
}

function close(core: Core): void {
  core.close();
  opened.splice(opened.indexOf(core), 1);
}

async function server(): Promise<SyncServer> {
  const started = await startSyncServer({ now });
  servers.push(started);
  return started;
}

const STAFF = 'stf_a-0000000001';
function visitor(i: number): IntakeFields {
  const body = `11010519900${1 + (i % 9)}0${1 + (i % 9)}${String(100 + i).slice(-3)}`;
  return {
    ...emptyIntakeFields(), name: `恢复${'甲乙丙丁戊己庚辛壬癸'[i % 10] ?? '甲'}`, mobile: `139${String(10_000_000 + i).slice(-8)}`, idNumber: body + checkCharacter(body),
    addressProvince: '吉林省', emergencyName: '吴强', emergencyMobile: '13900001111', skiDiscipline: 'ski', skiAbility: 'beginner',
  };
}

function addStaff(core: Core): void {
  core.services.transact(() => {
    core.services.ops.append(null, { entity: 'staff', entityId: STAFF, changes: { username: 'wang.a', displayName: '王一', role: 'manager', certified: true, active: true, passwordHash: 'scrypt$secret-hash-value', createdAt: clock.now } });
  });
}

function submit(core: Core, i: number) {
  clock.now += 1_000;
  const draft = startDraft(core.services, STAFF, { customerId: null, source: 'walk_in', reason: '' });
  return submitWalkIn(core.services, STAFF, { draftId: draft.id, fields: visitor(i), consent: { ...defaultConsent(), idConsent: true }, customerId: null, customerPresent: true, cleared: [] });
}

/** The first desk of the organisation registers the site; its registration makes the recovery key (no setup ran on it). */
async function firstDesk(srv: SyncServer) {
  const one = desk('one');
  const { recoveryKey } = await one.services.sync.register({ serverUrl: srv.url, organisationId: 'org_lodge', siteId: 'site_hall' });
  if (!recoveryKey) throw new Error('no recovery key');
  addStaff(one);
  return { one, recoveryKey };
}

const digest = (core: Core): string => projectionDigest(core.db).digest;
const opCount = (core: Core): number => (core.db.prepare('SELECT count(*) AS n FROM ops').get() as { n: number }).n;

describe('the organisation recovery key', () => {
  it('is one key: the backup key and the site keyring are under it, and the server lists its recovery desk without holding the key', async () => {
    const srv = await server();
    const { one, recoveryKey } = await firstDesk(srv);
    expect(heldRecoveryKey(one.services)).toBe(recoveryKey);
    expect(one.services.sync.store.keyring()?.recoveryKey).toBe(recoveryKey);
    const listed = (await srv.query<{ desk_id: string; state: string }>("SELECT desk_id, state FROM desks WHERE site_id = 'site_hall' ORDER BY desk_id")).map((row) => [row.desk_id, row.state]);
    expect(listed).toContainEqual([recoveryDesk(recoveryKey).deskId, 'active']);
    // It is replaced by making a new key, never revoked by hand (that would cut the printed key off).
    await expect(one.services.sync.revoke(recoveryDesk(recoveryKey).deskId)).rejects.toMatchObject({ problem: 'refused' });
    // What the server keeps for the recovery desk is sealed: the key itself appears nowhere on it.
    const stored = JSON.stringify(await srv.query('SELECT * FROM wrapped_keys'));
    expect(stored).not.toContain(recoveryKey);
    expect(stored).not.toContain(recoveryKey.replace(/-/g, ''));
  });

  it('recovers the organisation onto a new machine when every desk is lost: enrols it under a new id and rebuilds every table', async () => {
    const srv = await server();
    const { one, recoveryKey } = await firstDesk(srv);
    for (let i = 0; i < 4; i += 1) submit(one, i);
    await one.services.sync.syncNow();
    const before = digest(one);
    const ops = opCount(one);
    const lostId = one.services.ctx.deviceId;
    close(one);

    const wrong = desk('wrong');
    await expect(wrong.services.sync.recover({ serverUrl: srv.url, siteId: 'site_hall', recoveryKey: recoveryKey.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) })).rejects.toMatchObject({ problem: 'refused' });
    expect(wrong.services.sync.status().enrolled).toBe(false);

    // A desk that is set up already is not recovered over (the call is public, like first-run setup).
    const setUp = desk('set-up');
    const initialised = await setUp.handle('window-1', { id: 1, method: 'setup.initialize', input: { organisationName: '别的单位', siteName: '雪场', deskName: '1号', manager: { username: 'li.mgr', displayName: '李经理', password: 'Manager2026' } } });
    expect(initialised.result.ok).toBe(true);
    const refused = await setUp.handle('window-2', { id: 2, method: 'sync.recover', input: { serverUrl: srv.url, siteId: 'site_hall', recoveryKey } });
    expect(refused.result.ok ? 'ok' : refused.result.error.code).toBe('ALREADY_SET_UP');

    const fresh = desk('fresh');
    const counts = await fresh.services.sync.recover({ serverUrl: srv.url, siteId: 'site_hall', recoveryKey: recoveryKey.toLowerCase().replace(/-/g, ' ') });
    expect(counts).toEqual({ customers: 4, intakes: 4, ops });
    expect(fresh.services.ctx.deviceId).not.toBe(lostId);
    expect(digest(fresh)).toBe(before);
    expect(fresh.services.sync.status()).toMatchObject({ enrolled: true, siteId: 'site_hall', quarantined: 0 });
    // It holds the organisation's key again (its backups open with the printed copy) and works on.
    expect(heldRecoveryKey(fresh.services)).toBe(recoveryKey);
    submit(fresh, 9);
    await fresh.services.sync.syncNow();
    expect(fresh.services.sync.status()).toMatchObject({ pending: 0, problem: null });
  });

  it('is made anew by a manager: the old key no longer recovers the site, the new one does, and the other desks take it', async () => {
    const srv = await server();
    const { one, recoveryKey: old } = await firstDesk(srv);
    await one.services.sync.syncNow();
    const two = desk('two');
    const { pairingCode } = await two.services.sync.enrol({ serverUrl: srv.url, siteId: 'site_hall' });
    await one.services.sync.approve(pairingCode);
    await two.services.sync.syncNow();
    expect(two.services.sync.confirmPairing(true)).toBe(true);
    await two.services.sync.syncNow();
    await two.services.sync.syncNow();
    expect(heldRecoveryKey(two.services)).toBe(old);

    const renewed = createRecoveryKey(one.services, STAFF);
    expect(renewed).not.toBe(old);
    await one.services.sync.syncNow();
    await two.services.sync.syncNow();
    await two.services.sync.syncNow();
    expect(heldRecoveryKey(two.services)).toBe(renewed);
    expect(two.services.sync.store.keyring()?.recoveryKey).toBe(renewed);

    const withOld = desk('with-old');
    await expect(withOld.services.sync.recover({ serverUrl: srv.url, siteId: 'site_hall', recoveryKey: old })).rejects.toBeInstanceOf(SyncError);
    const withNew = desk('with-new');
    await withNew.services.sync.recover({ serverUrl: srv.url, siteId: 'site_hall', recoveryKey: renewed });
    expect(digest(withNew)).toBe(digest(one));
  });
});

describe('backups of every desk of a site', () => {
  it("restore with the one printed key, whichever desk's setup named the organisation", async () => {
    const srv = await server();
    const setUp = async (core: Core, client: string, deskName: string, username: string): Promise<void> => {
      const answer = await core.handle(client, { id: 1, method: 'setup.initialize', input: { organisationName: '长白山滑雪度假区', siteName: '北大湖', deskName, manager: { username, displayName: '经理', password: 'Manager2026' } } });
      expect(answer.result.ok).toBe(true);
    };
    const one = desk('one');
    await setUp(one, 'm1', '1号', 'wang.li');
    const pending = await one.handle('m1', { id: 2, method: 'backup.recoveryKey.pending', input: {} });
    const printed = pending.result.ok ? (pending.result.value as { recoveryKey: string }).recoveryKey : '';
    expect((await one.services.sync.register({ serverUrl: srv.url, organisationId: 'org_lodge', siteId: 'site_hall' })).recoveryKey).toBeNull();
    await one.services.sync.syncNow();
    // Desk two is set up later (its own organisation id, newer), then paired into the site.
    clock.now += 60_000;
    const two = desk('two');
    await setUp(two, 'm2', '2号', 'zhao.mgr');
    const { pairingCode } = await two.services.sync.enrol({ serverUrl: srv.url, siteId: 'site_hall' });
    await one.services.sync.approve(pairingCode);
    await two.services.sync.syncNow();
    expect(two.services.sync.confirmPairing(true)).toBe(true);
    for (let round = 0; round < 3; round += 1) {
      await two.services.sync.syncNow();
      await one.services.sync.syncNow();
    }
    expect(organisationId(one.db)).toBe(organisationId(two.db));
    for (const core of [one, two]) {
      const file = path.join(tempDataDir('backups'), 'desk.idbk');
      await createBackup({ dataDir: core.dataDir, keyHex: KEY, out: file, appVersion: 'test', now: clock.now });
      const restored = await restoreBackup({ from: file, dataDir: tempDataDir('restored'), recoveryKey: printed, now: clock.now });
      expect(restored.header.organisationId).toBe(organisationId(one.db));
    }
  });
});

describe('a restored desk rejoins sync', () => {
  it('comes back under a new device id, pulls what the desk did after the backup, and its new ops push without a sequence clash', async () => {
    const srv = await server();
    const { one, recoveryKey } = await firstDesk(srv);
    for (let i = 0; i < 3; i += 1) submit(one, i);
    await one.services.sync.syncNow();
    const file = path.join(tempDataDir('backups'), 'one.idbk');
    await createBackup({ dataDir: one.dataDir, keyHex: KEY, out: file, appVersion: 'test', now: clock.now });
    // Desk one goes on after the backup: ops with higher sequences reach the server.
    for (let i = 3; i < 6; i += 1) submit(one, i);
    await one.services.sync.syncNow();

    const target = tempDataDir('restored');
    await restoreBackup({ from: file, dataDir: target, recoveryKey, now: clock.now });
    const restored = desk('restored', target);
    expect(restored.services.ctx.deviceId).not.toBe(one.services.ctx.deviceId);
    await restored.services.sync.syncNow();
    expect(restored.services.sync.status()).toMatchObject({ enrolled: true, problem: null, quarantined: 0 });
    expect(digest(restored)).toBe(digest(one));
    expect(opCount(restored)).toBe(opCount(one));

    submit(restored, 7);
    await restored.services.sync.syncNow();
    expect(restored.services.sync.status()).toMatchObject({ pending: 0, problem: null });
    await one.services.sync.syncNow();
    expect(digest(one)).toBe(digest(restored));
    expect(await restored.services.sync.compareDigest()).toEqual({ gaps: 0 });
  });

  it('whose recovery key was replaced after the backup waits to be paired by a manager, then hands in what it never sent and catches up', async () => {
    const srv = await server();
    const { one, recoveryKey: old } = await firstDesk(srv);
    submit(one, 0);
    await one.services.sync.syncNow();
    const two = desk('two');
    const { pairingCode } = await two.services.sync.enrol({ serverUrl: srv.url, siteId: 'site_hall' });
    await one.services.sync.approve(pairingCode);
    await two.services.sync.syncNow();
    expect(two.services.sync.confirmPairing(true)).toBe(true);
    await two.services.sync.syncNow();
    submit(two, 1);
    await two.services.sync.syncNow();
    submit(two, 2); // never reaches the server: desk two's disk fails after tonight's backup
    const file = path.join(tempDataDir('backups'), 'two.idbk');
    await createBackup({ dataDir: two.dataDir, keyHex: KEY, out: file, appVersion: 'test', now: clock.now });
    close(two);
    // Afterwards a manager makes a new recovery key: the one desk two's backup holds approves nothing now.
    createRecoveryKey(one.services, STAFF);
    await one.services.sync.syncNow();
    submit(one, 3);
    await one.services.sync.syncNow();

    const target = tempDataDir('restored');
    await restoreBackup({ from: file, dataDir: target, recoveryKey: old, now: clock.now });
    const restored = desk('restored', target);
    await restored.services.sync.syncNow();
    const waiting = restored.services.sync.status();
    expect(waiting).toMatchObject({ problem: 'desk_pending', pairing: { code: restored.services.ctx.deviceId, sas: null, restored: true } });

    // The manager pairs it from desk one as any new desk; both screens show the same digits.
    const shown = await one.services.sync.previewPairing(restored.services.ctx.deviceId);
    await one.services.sync.approve(restored.services.ctx.deviceId);
    await restored.services.sync.syncNow();
    expect(restored.services.sync.status().pairing).toMatchObject({ sas: shown.sas, restored: true });
    expect(restored.services.sync.confirmPairing(true)).toBe(true);
    await restored.services.sync.syncNow();
    await restored.services.sync.syncNow();
    expect(restored.services.sync.status()).toMatchObject({ enrolled: true, pending: 0, problem: null, pairing: null, quarantined: 0 });
    await one.services.sync.syncNow();
    // Desk two's unsent visitor reached desk one; the restored desk has desk one's later one.
    expect(digest(one)).toBe(digest(restored));
    expect(opCount(one)).toBe(opCount(restored));
    expect(await restored.services.sync.compareDigest()).toEqual({ gaps: 0 });
  });

  it('hands in what the lost desk wrote before the backup and never sent', async () => {
    const srv = await server();
    const { one, recoveryKey } = await firstDesk(srv);
    submit(one, 0);
    await one.services.sync.syncNow();
    submit(one, 1); // never reaches the server: the desk's disk fails after tonight's backup
    const file = path.join(tempDataDir('backups'), 'one.idbk');
    await createBackup({ dataDir: one.dataDir, keyHex: KEY, out: file, appVersion: 'test', now: clock.now });
    const lost = digest(one);
    close(one);

    const target = tempDataDir('restored');
    await restoreBackup({ from: file, dataDir: target, recoveryKey, now: clock.now });
    const restored = desk('restored', target);
    await restored.services.sync.syncNow();
    expect(restored.services.sync.status()).toMatchObject({ enrolled: true, pending: 0, problem: null });

    const other = desk('other');
    await other.services.sync.recover({ serverUrl: srv.url, siteId: 'site_hall', recoveryKey });
    expect(digest(other)).toBe(lost);
  });
});
