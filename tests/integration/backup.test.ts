// Backups over the real desk: a snapshot taken while entry goes on, restored with the printed
// recovery key alone into a fresh folder, and every kind of bad backup refused with its own message.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { contentDigest } from '../../electron/core/backup/verify';
import { MANAGER, ROOT, connect, expectOk, setUpDesk, signedIn, startDesk, tempDataDir, type RpcClient } from '../support/desk';
import { customer, openDesk, runCli, submitCustomer } from '../support/backup';

const stops: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

/** A set-up desk with a certified specialist; the recovery key is taken from setup, as the manager prints it. */
async function deskWithStaff(organisationName = '长白山滑雪度假区') {
  const desk = await startDesk();
  stops.push(() => desk.close());
  const manager = await connect(desk);
  stops.push(() => manager.close());
  if (organisationName === '长白山滑雪度假区') await setUpDesk(manager);
  else expectOk(await manager.call('setup.initialize', { organisationName, siteName: '雪场', deskName: '1号柜台', manager: { username: 'wang.li', displayName: '王丽', password: 'Manager2026' } }));
  const recoveryKey = expectOk(await manager.call('backup.recoveryKey.pending')).recoveryKey;
  if (!recoveryKey) throw new Error('setup showed no recovery key');
  expectOk(await manager.call('backup.recoveryKey.confirm'));
  expectOk(await manager.call('staff.create', { username: 'zhao.min', displayName: '赵敏', role: 'specialist', certified: true, password: 'Password123', passwordSetByStaff: true }));
  const specialist = await signedIn(desk, 'zhao.min');
  stops.push(() => specialist.close());
  return { desk, manager, specialist, recoveryKey };
}

async function setFolder(manager: RpcClient, folder: string): Promise<void> {
  expectOk(await manager.call('backup.settings.update', { folder, dailyAt: '02:00', keep: 30 }));
}

describe('backup while working', () => {
  it('keeps every submit acknowledged before the backup, in order, with entry going on throughout', async () => {
    const { desk, manager, specialist, recoveryKey } = await deskWithStaff();
    const folder = tempDataDir('backups');
    await setFolder(manager, folder);
    for (let n = 0; n < 5; n += 1) await submitCustomer(specialist, n);

    const acknowledged: string[] = [];
    let ackedBeforeBackup = -1;
    let backupDone = false;
    let longestGapMs = 0;
    let n = 5;
    const stream = (async () => {
      let last = performance.now();
      while (!backupDone || acknowledged.length < ackedBeforeBackup + 5) {
        acknowledged.push((await submitCustomer(specialist, n)).intakeId);
        n += 1;
        const now = performance.now();
        longestGapMs = Math.max(longestGapMs, now - last);
        last = now;
      }
    })();
    while (acknowledged.length < 5) await new Promise((resolve) => setTimeout(resolve, 5));
    ackedBeforeBackup = acknowledged.length;
    const backup = expectOk(await manager.call('backup.now'));
    backupDone = true;
    await stream;
    console.log(`backup during entry: ${acknowledged.length} submits streamed, longest wait between acknowledgements ${longestGapMs.toFixed(1)} ms`);
    expect(backup.ok).toBe(true);
    expect(acknowledged.length).toBeGreaterThan(ackedBeforeBackup);

    const target = tempDataDir('restored');
    const restored = runCli('restore', ['--from', path.join(folder, backup.name ?? ''), '--data-dir', target, '--recovery-key', recoveryKey]);
    expect(restored.status, restored.stderr).toBe(0);
    const db = openDesk(target);
    const have = new Set(db.prepare<[], { id: string }>("SELECT id FROM intakes WHERE entered_by <> ''").all().map((row) => row.id));
    db.close();
    // A consistent snapshot: exactly the first K streamed submits (K at least all acknowledged
    // before the backup was asked for), nothing half-written, no gap.
    const kept = acknowledged.filter((id) => have.has(id)).length;
    expect(kept).toBeGreaterThanOrEqual(ackedBeforeBackup);
    expect(acknowledged.slice(0, kept).every((id) => have.has(id))).toBe(true);
    expect(acknowledged.slice(kept).some((id) => have.has(id))).toBe(false);
    expect(have.size).toBe(5 + kept);
    expect(restored.stdout.trim().split('\n').at(-1)).toBe(`restored: customers ${5 + kept} intakes ${5 + kept} ops ${backup.counts?.ops} attachments 0, audit verified`);
    void desk;
  });
});

describe('restore', () => {
  it('restores with the recovery key alone into a fresh folder, equal to the source', async () => {
    const { desk, specialist, recoveryKey } = await deskWithStaff();
    for (let n = 0; n < 12; n += 1) await submitCustomer(specialist, n);
    const file = path.join(tempDataDir('out'), 'nightly.idbk');
    const backedUp = runCli('backup', ['--data-dir', desk.dataDir, '--out', file]);
    expect(backedUp.status, backedUp.stderr).toBe(0);
    expect(backedUp.stdout).toMatch(/^backed up: customers 12 intakes 12 ops \d+ attachments 0 to /);

    const target = tempDataDir('fresh');
    const restored = runCli('restore', ['--from', file, '--data-dir', target, '--recovery-key', recoveryKey.toLowerCase().replace(/-/g, ' ')]);
    expect(restored.status).toBe(0);
    const source = openDesk(desk.dataDir);
    const copy = openDesk(target);
    const ops = (source.prepare('SELECT count(*) AS n FROM ops').get() as { n: number }).n;
    expect(contentDigest(copy)).toBe(contentDigest(source));
    source.close();
    copy.close();
    expect(restored.stdout.trim().split('\n').at(-1)).toBe(`restored: customers 12 intakes 12 ops ${ops} attachments 0, audit verified`);
    // The desk comes back with its own database key (carried inside the encrypted archive), so what
    // it derives from that key stays valid; the file holds it readable by the owner only.
    expect(fs.readFileSync(path.join(target, 'desk.key'), 'utf8')).toBe(fs.readFileSync(path.join(desk.dataDir, 'desk.key'), 'utf8'));
    expect(fs.statSync(path.join(target, 'desk.key')).mode & 0o077).toBe(0);
  });

  it('holds no readable name, phone or ID number', async () => {
    const { desk, specialist } = await deskWithStaff();
    for (let n = 0; n < 3; n += 1) await submitCustomer(specialist, n);
    const file = path.join(tempDataDir('out'), 'plain-check.idbk');
    expect(runCli('backup', ['--data-dir', desk.dataDir, '--out', file]).status).toBe(0);
    const bytes = fs.readFileSync(file);
    for (let n = 0; n < 3; n += 1) {
      const person = customer(n);
      for (const value of [person.name, person.mobile, person.idNumber, person.idNumber.slice(-6), person.mobile.slice(-4) + person.mobile.slice(0, 3)]) {
        expect(bytes.includes(Buffer.from(value, 'utf8')), value).toBe(false);
        expect(bytes.includes(Buffer.from(value, 'utf16le')), value).toBe(false);
      }
    }
  });

  it('refuses a wrong or mistyped recovery key, a truncated file and a flipped byte, each with its own message', async () => {
    const { desk, specialist, recoveryKey } = await deskWithStaff();
    await submitCustomer(specialist, 1);
    const out = tempDataDir('out');
    const file = path.join(out, 'good.idbk');
    expect(runCli('backup', ['--data-dir', desk.dataDir, '--out', file]).status).toBe(0);
    const bytes = fs.readFileSync(file);
    const truncated = path.join(out, 'truncated.idbk');
    fs.writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const flipped = path.join(out, 'flipped.idbk');
    const changed = Buffer.from(bytes);
    const middle = Math.floor(changed.length / 2);
    changed[middle] = (changed[middle] ?? 0) ^ 0x01;
    fs.writeFileSync(flipped, changed);
    const otherKey = recoveryKey.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));

    const attempt = (from: string, key: string) => runCli('restore', ['--from', from, '--data-dir', tempDataDir('target'), '--recovery-key', key]);
    const wrong = attempt(file, otherKey);
    const mistyped = attempt(file, 'ABCD-EFGH');
    const cut = attempt(truncated, recoveryKey);
    const damaged = attempt(flipped, recoveryKey);
    for (const refused of [wrong, mistyped, cut, damaged]) expect(refused.status).toBe(1);
    expect(wrong.stderr).toContain('(wrong_recovery_key): This recovery key does not open this backup');
    expect(mistyped.stderr).toContain('(malformed_recovery_key)');
    expect(cut.stderr).toContain('(truncated): truncated.idbk is incomplete');
    expect(damaged.stderr).toContain('(damaged): flipped.idbk is damaged');
    expect(new Set([wrong, mistyped, cut, damaged].map((r) => r.stderr)).size).toBe(4);
    expect(attempt(file, recoveryKey).status).toBe(0);
  });

  it("refuses another organisation's backup on a desk, and newer data without a confirmation naming it", async () => {
    const ours = await deskWithStaff();
    const theirs = await deskWithStaff('雪乡度假村');
    await submitCustomer(ours.specialist, 1);
    await submitCustomer(theirs.specialist, 2);
    const out = tempDataDir('out');
    const ourFile = path.join(out, 'ours.idbk');
    const theirFile = path.join(out, 'theirs.idbk');
    expect(runCli('backup', ['--data-dir', ours.desk.dataDir, '--out', ourFile]).status).toBe(0);
    expect(runCli('backup', ['--data-dir', theirs.desk.dataDir, '--out', theirFile]).status).toBe(0);
    for (let n = 10; n < 13; n += 1) await submitCustomer(ours.specialist, n);
    await ours.desk.close();

    const foreign = runCli('restore', ['--from', theirFile, '--data-dir', ours.desk.dataDir, '--recovery-key', theirs.recoveryKey]);
    expect(foreign.status).toBe(1);
    expect(foreign.stderr).toContain('(other_organisation): This backup belongs to another organisation (雪乡度假村)');

    const older = runCli('restore', ['--from', ourFile, '--data-dir', ours.desk.dataDir, '--recovery-key', ours.recoveryKey]);
    expect(older.status).toBe(1);
    expect(older.stderr).toContain('(would_lose_data): Restoring this backup would lose data this desk has and the backup does not: 3 customers, 3 intakes');

    const confirmed = runCli('restore', ['--from', ourFile, '--data-dir', ours.desk.dataDir, '--recovery-key', ours.recoveryKey, '--confirm-loss']);
    expect(confirmed.status).toBe(0);
    expect(confirmed.stdout).toContain('the database it replaced is kept at');
    expect(confirmed.stdout.trim().split('\n').at(-1)).toMatch(/^restored: customers 1 intakes 1 ops \d+ attachments 0, audit verified$/);
  });
});

describe('the attachment store in backups', () => {
  it('carries a scan attached before the backup, readable after the restore, and the file holds no readable scan', async () => {
    const { desk, manager, recoveryKey } = await deskWithStaff();
    const batch = expectOk(await manager.call('paper.batch.open', { code: 'B7', place: '售票厅', collectedOn: '2026-12-01', firstSerial: 1, count: 3 }));
    const photo = fs.readFileSync(path.join(ROOT, 'tests', 'fixtures', 'scans', 'photo-with-exif.jpg'));
    const { uploadId } = expectOk(await manager.call('paper.scan.begin', { bytes: photo.length }));
    expectOk(await manager.call('paper.scan.piece', { uploadId, index: 0, base64: photo.toString('base64') }));
    expectOk(await manager.call('paper.scan.attach', { uploadId, batchId: batch.id, serial: 2 }));
    const before = expectOk(await manager.call('paper.scan.get', { batchId: batch.id, serial: 2 }));

    const file = path.join(tempDataDir('out'), 'with-scan.idbk');
    const backedUp = runCli('backup', ['--data-dir', desk.dataDir, '--out', file]);
    expect(backedUp.status, backedUp.stderr).toBe(0);
    expect(backedUp.stdout).toMatch(/ attachments 1 to /);
    // The stored scan (and the cleaned image it holds) appears nowhere in the backup in the clear.
    const bytes = fs.readFileSync(file);
    const image = Buffer.from(before.base64, 'base64');
    expect(bytes.includes(image.subarray(image.length - 200, image.length - 100))).toBe(false);
    expect(bytes.includes(photo.subarray(photo.length - 200, photo.length - 100))).toBe(false);

    const target = tempDataDir('scan-restored');
    const restored = runCli('restore', ['--from', file, '--data-dir', target, '--recovery-key', recoveryKey]);
    expect(restored.status, restored.stderr).toBe(0);
    expect(restored.stdout.trim().split('\n').at(-1)).toMatch(/^restored: customers 0 intakes 0 ops \d+ attachments 1, audit verified$/);

    const back = await startDesk({ dataDir: target });
    stops.push(() => back.close());
    const reader = await signedIn(back, MANAGER.username, MANAGER.password);
    stops.push(() => reader.close());
    const after = expectOk(await reader.call('paper.scan.get', { batchId: batch.id, serial: 2 }));
    expect(after.type).toBe('image/jpeg');
    expect(after.base64).toBe(before.base64);
  });
});

describe('the demo desk', () => {
  it('prints its recovery key once, and that key alone restores its backup', () => {
    const dataDir = tempDataDir('demo');
    const demo = (): string => execFileSync(process.execPath, [path.join(ROOT, 'dist', 'cli', 'demo.cjs'), '--customers', '3', '--data-dir', dataDir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const first = demo();
    const printed = /^recovery key: (\S+)$/m.exec(first)?.[1];
    expect(printed).toMatch(/^([0-9A-HJKMNP-TV-Z]{4}-){7}[0-9A-HJKMNP-TV-Z]{4}$/);
    const second = demo();
    expect(second).not.toContain('recovery key');
    const intakes = [first, second].reduce((sum, printedOut) => sum + Number(/with (\d+) intakes/.exec(printedOut)?.[1] ?? NaN), 0);
    expect(intakes).toBeGreaterThan(0);

    const file = path.join(tempDataDir('out'), 'demo.idbk');
    expect(runCli('backup', ['--data-dir', dataDir, '--out', file]).status).toBe(0);
    const restored = runCli('restore', ['--from', file, '--data-dir', tempDataDir('demo-restored'), '--recovery-key', printed ?? '']);
    expect(restored.status, restored.stderr).toBe(0);
    expect(restored.stdout.trim().split('\n').at(-1)).toMatch(new RegExp(`^restored: customers 6 intakes ${intakes} ops \\d+ attachments 0, audit verified$`));
  });
});

describe('the daily schedule', () => {
  it('backs up as soon as a folder is chosen, and at the first start after missed days', async () => {
    const first = await deskWithStaff();
    const folder = tempDataDir('scheduled');
    await setFolder(first.manager, folder);
    const lastBackup = async (client: RpcClient) => {
      for (;;) {
        const status = expectOk(await client.call('backup.status'));
        if (status.lastBackup && !status.running) return status;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    const initial = await lastBackup(first.manager);
    expect(initial.lastBackup?.ok).toBe(true);
    expect(initial.backups).toHaveLength(1);
    const audit = expectOk(await first.manager.call('audit.list', { limit: 5 })).map((entry) => `${entry.action}:${String(entry.details['scheduled'])}`);
    expect(audit).toContain('backup.created:true');
    await first.desk.close();

    // The desk stays off for three days; started again, it catches up once, at start.
    const later = await startDesk({ dataDir: first.desk.dataDir, clockOffsetMs: 3 * 24 * 60 * 60 * 1000 });
    stops.push(() => later.close());
    const manager = await signedIn(later, 'wang.li', 'Manager2026');
    stops.push(() => manager.close());
    let status = await lastBackup(manager);
    while (status.backups.length < 2) status = await lastBackup(manager);
    expect(status.backups).toHaveLength(2);
    expect(status.lastBackup?.at).toBeGreaterThan(initial.lastBackup?.at ?? Number.POSITIVE_INFINITY);
    // Both desks' clocks start at the test instant, so "three days later" is the offset less a minute of slack.
    expect(status.lastBackup?.at).toBeGreaterThan((initial.lastBackup?.at ?? 0) + 3 * 24 * 60 * 60 * 1000 - 60_000);
  });
});

describe('back up now and the drill, over RPC', () => {
  it('keeps the newest N backups, names a bad folder on its field, and drills with the printed key', async () => {
    const { manager, recoveryKey } = await deskWithStaff();
    const missing = await manager.call('backup.settings.update', { folder: path.join(tempDataDir('gone'), 'not-there'), dailyAt: '02:00', keep: 2 });
    expect(missing.ok ? 'ok' : missing.error.fields).toEqual({ folder: 'folder_missing' });
    const badTime = await manager.call('backup.settings.update', { folder: '', dailyAt: '25:00', keep: 2 });
    expect(badTime.ok ? 'ok' : badTime.error.fields).toEqual({ dailyAt: 'time_format' });

    const folder = tempDataDir('keep');
    expectOk(await manager.call('backup.settings.update', { folder, dailyAt: '02:00', keep: 2 }));
    const names: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const made = expectOk(await manager.call('backup.now'));
      expect(made.ok).toBe(true);
      names.push(made.name ?? '');
    }
    expect(new Set(names).size).toBe(3);
    const kept = fs.readdirSync(folder).filter((name) => name.endsWith('.idbk'));
    expect(kept.length).toBe(2);
    expect(kept).not.toContain(names[0]);

    const wrong = expectOk(await manager.call('backup.drill', { recoveryKey: recoveryKey.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) }));
    expect(wrong.ok).toBe(false);
    expect(wrong.error).toBe('wrong_recovery_key');
    const right = expectOk(await manager.call('backup.drill', { recoveryKey }));
    expect(right.ok).toBe(true);
    expect(right.checks).toContain('printed recovery key opens the backup');
    expect(right.checks).toContain('op log matches tables');
    expect(expectOk(await manager.call('backup.status')).lastDrill?.ok).toBe(true);
  });
});
