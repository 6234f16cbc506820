// Backups as a manager uses them, in a real Chromium through the browser host: back up and run a
// restore drill from Settings and see it recorded; a desk whose database is broken at start shows
// the recovery screen, and a restore with the recovery key brings the desk back.
import { seriousAxeViolations } from '../support/axe';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, newDeskPage, signInWithKeyboard } from '../support/browser';
import { MANAGER, connect, expectOk, setUpDesk, signedIn, startDesk, tempDataDir, type RpcClient } from '../support/desk';
import { customer, openDesk, submitCustomer } from '../support/backup';



let browser: Browser;
let page: Page | undefined;
const stops: Array<() => Promise<void> | void> = [];

beforeAll(async () => {
  browser = await launchChromium();
});
afterEach(async () => {
  await page?.close();
  page = undefined;
  for (const stop of stops.splice(0).reverse()) await stop();
});
afterAll(async () => {
  await browser?.close();
});

/** A set-up desk with one submitted customer and a backup folder; returns the printed recovery key. */
async function deskWithBackupFolder() {
  const desk = await startDesk();
  stops.push(() => desk.close());
  const manager: RpcClient = await connect(desk);
  stops.push(() => manager.close());
  await setUpDesk(manager);
  const recoveryKey = expectOk(await manager.call('backup.recoveryKey.pending')).recoveryKey ?? '';
  expectOk(await manager.call('backup.recoveryKey.confirm'));
  expectOk(await manager.call('staff.create', { username: 'zhao.min', displayName: '赵敏', role: 'specialist', certified: true, password: 'Password123', passwordSetByStaff: true }));
  const specialist = await signedIn(desk, 'zhao.min');
  await submitCustomer(specialist, 7);
  specialist.close();
  const folder = tempDataDir('backups');
  expectOk(await manager.call('backup.settings.update', { folder, dailyAt: '02:00', keep: 30 }));
  return { desk, manager, recoveryKey, folder };
}

describe('backups, by keyboard', () => {
  it('backs up and runs a restore drill from Settings, and the drill is recorded', async () => {
    const { desk, manager } = await deskWithBackupFolder();
    page = await newDeskPage(browser);
    await signInWithKeyboard(page, desk.launchUrl(), MANAGER.username, MANAGER.password, MANAGER.displayName);
    await expect.poll(() => page!.getByTestId('drill-reminder').isVisible()).toBe(true);

    await page.keyboard.press('Alt+6');
    await page.getByRole('heading', { name: '备份与恢复演练' }).waitFor();
    await page.getByRole('button', { name: '立即备份' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page!.getByText(/^已写入备份：intake-desk-backup-/).isVisible(), { timeout: 30_000 }).toBe(true);

    await page.getByRole('button', { name: '开始恢复演练' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page!.getByTestId('last-drill').textContent(), { timeout: 30_000 }).toMatch(/校验通过：客户 1，登记 1，操作 \d+，审计记录 \d+/);
    expect(await seriousAxeViolations(page)).toEqual([]);

    const audit = expectOk(await manager.call('audit.list', { limit: 20 })).map((entry) => `${entry.action}:${String(entry.details['ok'] ?? '')}`);
    expect(audit).toContain('backup.drill:true');
    const status = expectOk(await manager.call('backup.status'));
    expect(status.lastDrill?.ok).toBe(true);
    expect(status.drillDue).toBe(false);

    await page.keyboard.press('Alt+1');
    await page.getByRole('heading', { name: /王丽/ }).waitFor();
    await expect.poll(() => page!.getByTestId('backup-reminders').getAttribute('data-loaded')).toBe('yes');
    expect(await page.getByTestId('drill-reminder').count()).toBe(0);
  });

  it('shows the recovery screen for a broken database at start, and a restore brings the desk back', async () => {
    const { desk, manager, recoveryKey } = await deskWithBackupFolder();
    const backup = expectOk(await manager.call('backup.now'));
    expect(backup.ok).toBe(true);
    manager.close();
    await desk.close();
    stops.splice(0);

    // The disk damaged the database: its first pages are garbage and the WAL is gone.
    const dbFile = path.join(desk.dataDir, 'intake-desk.db');
    const handle = fs.openSync(dbFile, 'r+');
    fs.writeSync(handle, Buffer.alloc(8192, 0x5a), 0, 8192, 0);
    fs.closeSync(handle);
    for (const suffix of ['-wal', '-shm']) fs.rmSync(dbFile + suffix, { force: true });

    const reopened = await startDesk({ dataDir: desk.dataDir });
    stops.push(() => reopened.close());
    page = await newDeskPage(browser);
    await page.goto(reopened.launchUrl());
    await page.getByRole('heading', { name: '无法打开本机数据' }).waitFor();
    await expect.poll(() => page!.getByTestId('recovery-problem').textContent()).toBe('数据库无法解密：文件已损坏，或不是本机的数据库。');
    await expect.poll(() => page!.getByTestId('recovery-latest').textContent()).toContain(backup.name ?? 'missing');
    expect(await seriousAxeViolations(page)).toEqual([]);

    // A mistyped key is refused with its own message and nothing is changed.
    await page.keyboard.type('ABCD-EFGH');
    await page.keyboard.press('Enter');
    await expect.poll(() => page!.getByText('恢复密钥应为 32 个字母和数字').isVisible()).toBe(true);
    await page.getByLabel('机构恢复密钥').fill('');
    await page.getByLabel('机构恢复密钥').focus();
    await page.keyboard.type(recoveryKey);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: '登录' }).waitFor({ timeout: 30_000 });

    expect(fs.readdirSync(desk.dataDir).some((name) => name.startsWith('intake-desk.db.replaced-'))).toBe(true);
    const client = await connect(reopened);
    stops.push(() => client.close());
    expectOk(await client.call('auth.login', { username: MANAGER.username, password: MANAGER.password }));
    const found = expectOk(await client.call('customers.search', { query: customer(7).mobile }));
    expect(found).toHaveLength(1);
    const audit = expectOk(await client.call('audit.list', { limit: 10 }));
    expect(audit.find((entry) => entry.action === 'backup.restored')?.target).toBe(backup.name);
    expect(expectOk(await client.call('audit.verify')).ok).toBe(true);
  });

  it('shows what to do for a database written by a newer version, names the newest backup, and leaves the file as it was', async () => {
    const { desk, manager } = await deskWithBackupFolder();
    const backup = expectOk(await manager.call('backup.now'));
    manager.close();
    await desk.close();
    stops.splice(0);
    const db = openDesk(desk.dataDir);
    db.pragma('user_version = 99');
    db.close();
    const before = fs.readFileSync(path.join(desk.dataDir, 'intake-desk.db'));

    const reopened = await startDesk({ dataDir: desk.dataDir });
    stops.push(() => reopened.close());
    page = await newDeskPage(browser);
    await page.goto(reopened.launchUrl());
    await page.getByRole('heading', { name: '无法打开本机数据' }).waitFor();
    await expect.poll(() => page!.getByTestId('recovery-problem').textContent()).toBe('数据库由更新版本的客户信息录入台写入。');
    await expect.poll(() => page!.getByTestId('recovery-latest').textContent()).toContain(backup.name ?? 'missing');
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(fs.readFileSync(path.join(desk.dataDir, 'intake-desk.db')).equals(before)).toBe(true);
  });
});
