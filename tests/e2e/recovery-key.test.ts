// The organisation recovery key as a manager uses it, in a real Chromium through the browser host:
// a new machine recovers a lost site at first-run setup with the server address, the site code and
// the printed key, and staff sign in with their existing accounts; a manager shows the key again
// (to print another copy) only after entering their password.
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { clockFrom } from '../../electron/core/core';
import { seriousAxeViolations } from '../support/axe';
import { submitCustomer } from '../support/backup';
import { launchChromium, newDeskPage, screenshotOnFailure, signInWithKeyboard, typeCredentials } from '../support/browser';
import { MANAGER, TEST_CLOCK_START, connect, expectOk, setUpDesk, signedIn, startDesk, type RpcClient } from '../support/desk';
import { startSyncServer, type SyncServer } from '../support/sync-server';

let browser: Browser;
let page: Page | undefined;
const stops: Array<() => Promise<void> | void> = [];

beforeAll(async () => {
  browser = await launchChromium();
});
afterEach(async (context) => {
  await screenshotOnFailure(context, page, 'recovery-key');
  await page?.close();
  page = undefined;
  for (const stop of stops.splice(0).reverse()) await stop();
});
afterAll(async () => {
  await browser?.close();
});

/** The site's first desk: set up (its recovery key printed), a specialist, two customers, registered and synced. */
async function registeredSite() {
  const server: SyncServer = await startSyncServer({ now: clockFrom(Date.now, TEST_CLOCK_START) });
  stops.push(() => server.stop());
  const desk = await startDesk();
  stops.push(() => desk.close());
  const manager: RpcClient = await connect(desk);
  stops.push(() => manager.close());
  await setUpDesk(manager);
  const recoveryKey = expectOk(await manager.call('backup.recoveryKey.pending')).recoveryKey ?? '';
  expectOk(await manager.call('backup.recoveryKey.confirm'));
  expectOk(await manager.call('staff.create', { username: 'zhao.min', displayName: '赵敏', role: 'specialist', certified: true, password: 'Password123', passwordSetByStaff: true }));
  const specialist = await signedIn(desk, 'zhao.min');
  await submitCustomer(specialist, 1);
  await submitCustomer(specialist, 2);
  specialist.close();
  expect(expectOk(await manager.call('sync.register', { serverUrl: server.url, organisationId: 'org_lodge', siteId: 'site_hall' })).recoveryKey).toBeNull();
  await expect.poll(async () => expectOk(await manager.call('sync.now')) && expectOk(await manager.call('sync.status')).pending, { timeout: 20_000 }).toBe(0);
  return { server, desk, manager, recoveryKey };
}

describe('the organisation recovery key', () => {
  it('recovers a lost site onto a new machine at first-run setup, and staff sign in with their accounts', async () => {
    const { server, desk, recoveryKey } = await registeredSite();
    await desk.close(); // every desk of the site is lost

    const fresh = await startDesk();
    stops.push(() => fresh.close());
    page = await newDeskPage(browser);
    await page.goto(fresh.launchUrl());
    await page.getByRole('heading', { name: '首次设置' }).waitFor();
    await page.getByRole('button', { name: '恢复已有机构' }).click();
    await page.getByRole('heading', { name: '恢复已有机构' }).waitFor();
    await page.keyboard.type(server.url);
    await page.keyboard.press('Tab');
    await page.keyboard.type('site_hall');
    await page.keyboard.press('Tab');
    // A mistyped key is refused on its field, and nothing is lost from the form.
    await page.keyboard.type(recoveryKey.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')));
    await page.keyboard.press('Enter');
    await expect.poll(() => page!.getByText('这个恢复密钥打不开该站点的记录', { exact: false }).isVisible(), { timeout: 30_000 }).toBe(true);
    expect(await page.getByLabel('站点编号').inputValue()).toBe('site_hall');
    expect(await seriousAxeViolations(page)).toEqual([]);

    await page.getByLabel(/^恢复密钥/).fill(recoveryKey.toLowerCase());
    await page.keyboard.press('Enter');
    await expect.poll(() => page!.getByTestId('recover-done').textContent(), { timeout: 60_000 }).toMatch(/^已恢复：客户 2 位，登记 2 条，变更记录 \d+ 条。/);
    await page.getByRole('button', { name: '去登录' }).click();
    await page.getByRole('heading', { name: '登录' }).waitFor();
    await typeCredentials(page, 'zhao.min', 'Password123', '赵敏');

    const manager = await signedIn(fresh, MANAGER.username, MANAGER.password);
    stops.push(() => manager.close());
    const found = expectOk(await manager.call('sync.status'));
    expect(found).toMatchObject({ enrolled: true, siteId: 'site_hall' });
  });

  it('is shown again to a manager only after their password', async () => {
    const { desk, recoveryKey } = await registeredSite();
    page = await newDeskPage(browser);
    await signInWithKeyboard(page, desk.launchUrl(), MANAGER.username, MANAGER.password, MANAGER.displayName);
    await page.keyboard.press('Alt+6');
    await page.getByRole('heading', { name: '备份与恢复演练' }).waitFor();
    const form = page.getByRole('form', { name: '再次显示恢复密钥' });
    await form.getByLabel('您的密码').fill('Wrong-password1');
    await form.getByRole('button', { name: '显示恢复密钥' }).click();
    await expect.poll(() => form.getByText(/密码不正确/).isVisible()).toBe(true);
    expect(await page.getByTestId('recovery-key').count()).toBe(0);

    await form.getByLabel('您的密码').fill(MANAGER.password);
    await form.getByRole('button', { name: '显示恢复密钥' }).click();
    await expect.poll(() => page!.getByTestId('recovery-key').textContent()).toBe(recoveryKey);
    expect(await seriousAxeViolations(page)).toEqual([]);
  });
});
