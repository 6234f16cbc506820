// Issue 15, the whole flow in one test: a customer fills the registration page in Chromium with a
// phone's viewport and touch, on a real central server (Fastify + PGlite on loopback), and gets the
// receipt code; the desk (registered with that server, online submissions turned on) syncs; the
// 线上提交 queue shows the countdown from the server's receipt; a specialist loads the submission by
// its receipt code at the walk-in screen (F8), confirms the ID shown and saves (and a submission
// loaded by mistake is given back when the entry is discarded: no claim holds it); a colleague
// cross-checks and the lead approves, and the record is valid. A second submission left alone alerts
// the lead at 90 minutes and is recorded as a breach at 120. Time moves on the injected clocks only:
// the server's `now`, the desk's core clock (restarted on the same data with an offset) and the
// page's clock.
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { seriousAxeViolations } from '../support/axe';
import { launchChromium, newDeskPage, screenshotOnFailure, signInWithKeyboard, typeCredentials } from '../support/browser';
import { TEST_CLOCK_START, connect, expectOk, setUpDesk, signedIn, startDesk, type RpcClient } from '../support/desk';
import { startSyncServer, type SyncServer } from '../support/sync-server';

type Desk = Awaited<ReturnType<typeof startDesk>>;
let browser: Browser;
let page: Page | undefined;
let desk: Desk | undefined;
let server: SyncServer | undefined;
const clients: RpcClient[] = [];
const SLOW = { timeout: 60_000, interval: 250 };
const MINUTE = 60_000;
const PHONE = { width: 390, height: 844 };

const FIRST = { name: '欧阳娜娜', mobile: '13912345678', idNumber: '11010519491231002X', emergencyName: '欧阳强', emergencyMobile: '13900001111' };
const SECOND = { name: '李雷', mobile: '13700001111', idNumber: '110105199003070017', emergencyName: '韩梅梅', emergencyMobile: '13600002222' };

beforeAll(async () => {
  browser = await launchChromium();
});

afterEach(async (context) => {
  await screenshotOnFailure(context, page, 'online-submission-flow');
  for (const each of clients.splice(0)) each.close();
  await page?.close().catch(() => undefined);
  page = undefined;
  await desk?.close();
  desk = undefined;
  await server?.stop().catch(() => undefined);
  server = undefined;
});

afterAll(async () => {
  await browser?.close();
});

/** The customer on their phone: the site's page, filled by touch, sealed and sent; the receipt code as shown. */
async function customerFillsThePage(url: string, person: typeof FIRST): Promise<{ code: string; display: string }> {
  const phone = await newDeskPage(browser, { viewport: PHONE, touch: true });
  try {
    await phone.goto(url);
    await phone.getByRole('heading', { name: /在线登记/ }).waitFor();
    await phone.locator('#f-name').tap();
    await phone.locator('#f-name').fill(person.name);
    await phone.locator('#f-mobile').fill(person.mobile);
    await phone.locator('#f-idNumber').fill(person.idNumber);
    await phone.locator('#f-addressProvince').selectOption('吉林省');
    if ((await phone.locator('#f-emergencyName').count()) > 0) {
      await phone.locator('#f-emergencyName').fill(person.emergencyName);
      await phone.locator('#f-emergencyMobile').fill(person.emergencyMobile);
    }
    if ((await phone.locator('#f-skiDiscipline').count()) > 0) await phone.locator('#f-skiDiscipline').selectOption('ski');
    if ((await phone.locator('#f-skiAbility').count()) > 0) await phone.locator('#f-skiAbility').selectOption('beginner');
    await phone.getByLabel('我已阅读并同意上述告知').check();
    await phone.getByLabel('我单独同意提供证件号码（敏感个人信息）').check();
    await phone.getByRole('button', { name: '加密并提交' }).tap();
    const shown = await phone.getByTestId('receipt-code').textContent({ timeout: 30_000 });
    await phone.getByText('到柜台时请出示此回执码').waitFor();
    const display = shown?.trim() ?? '';
    expect(display).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    return { code: display.replace('-', ''), display };
  } finally {
    await phone.close();
  }
}

/** Lock the desk (Ctrl+L), switch user with the keyboard, and go to a screen. */
async function switchUser(on: Page, username: string, displayName: string): Promise<void> {
  await on.keyboard.press('Control+l');
  await on.getByRole('heading', { name: '录入台已锁定' }).waitFor();
  await on.getByRole('button', { name: '切换用户' }).click();
  await on.getByRole('heading', { name: '切换用户' }).waitFor();
  await typeCredentials(on, username, 'Password123', displayName);
}

describe('an online submission from the phone to a valid record', () => {
  it('filled on a phone, pulled with its countdown, loaded by receipt code, checked against the ID, saved and approved; the one left alone alerts the lead at 90 minutes and breaches at 120', async () => {
    // The desk's clock and then the server's start at the test instant (the server's a moment later,
    // so no receipt is later than the desk's now); the test moves both on, never reading today's date.
    desk = await startDesk();
    const started = Date.now();
    let serverShift = 0;
    server = await startSyncServer({ now: () => TEST_CLOCK_START + (Date.now() - started) + serverShift });
    const dataDir = desk.dataDir;
    const manager = await connect(desk);
    clients.push(manager);
    await setUpDesk(manager);
    for (const [username, displayName, role] of [['staff.a', '甲专员', 'specialist'], ['staff.b', '乙专员', 'specialist'], ['lead.l', '丙组长', 'group_lead']] as const) {
      expectOk(await manager.call('staff.create', { username, displayName, role, certified: true, password: 'Password123', passwordSetByStaff: true }));
    }
    expectOk(await manager.call('sync.register', { serverUrl: server.url, organisationId: 'org_lodge', siteId: 'site_hall' }));
    const settings = expectOk(await manager.call('online.configure', { open: true }));
    expect(settings.url).toBe(`${server.url}/form/site_hall`);

    // Two customers fill the page on their phones while they queue.
    const first = await customerFillsThePage(settings.url!, FIRST);
    const second = await customerFillsThePage(settings.url!, SECOND);
    expect(second.code).not.toBe(first.code);

    // The desk syncs: both are in the queue, each with its countdown from the server's receipt.
    const a = await signedIn(desk, 'staff.a');
    clients.push(a);
    expectOk(await a.call('sync.now'));
    const pulled = expectOk(await a.call('online.queue'));
    const received = new Map(pulled.items.map((item) => [item.receiptCode, item.receivedAt]));
    const secondReceivedAt = received.get(second.display);
    expect(secondReceivedAt).toBeDefined();
    expect(received.get(first.display)).toBeDefined();

    page = await newDeskPage(browser);
    await signInWithKeyboard(page, desk.launchUrl(), 'staff.a', 'Password123', '甲专员');
    await page.keyboard.press('Alt+5');
    await page.getByRole('heading', { name: '线上提交' }).waitFor();
    for (const { display } of [first, second]) {
      const item = page.locator(`[data-testid="online-item"][data-receipt="${display}"]`);
      await expect.poll(() => item.count(), SLOW).toBe(1);
      expect(await item.getByTestId('deadline').textContent()).toMatch(/^剩余 (1 小时 5[5-9] 分钟|2 小时)$/);
    }
    const firstItem = page.locator(`[data-testid="online-item"][data-receipt="${first.display}"]`);
    expect(await firstItem.textContent()).toContain('欧阳**');
    expect(await firstItem.textContent()).not.toContain(FIRST.mobile);
    expect((await page.getByTestId('online-count').textContent())?.trim()).toBe('2');
    expect(await seriousAxeViolations(page)).toEqual([]);

    // At the walk-in screen: F8, the code as the customer shows it, Enter; the ID check; save.
    await page.keyboard.press('Alt+2');
    await page.getByRole('heading', { name: '现场登记' }).waitFor();
    await page.keyboard.press('F8');
    await page.keyboard.type(first.display);
    await page.keyboard.press('Enter');
    await page.getByTestId('online-loaded').waitFor();
    expect(await page.getByTestId('online-loaded').textContent()).toContain(`已载入线上提交 ${first.display}`);
    expect(await page.locator('[name="name"]').inputValue()).toBe(FIRST.name);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('onlineIdChecked');
    await page.keyboard.press('Space');
    await page.keyboard.press('Control+Enter');
    await page.getByTestId('self-review').waitFor();
    await page.keyboard.press('Enter');
    await page.getByTestId('intake-submitted').waitFor();
    // Enter: the next customer's entry.
    await page.keyboard.press('Enter');
    await expect.poll(() => page!.getByTestId('intake-submitted').count(), SLOW).toBe(0);
    const [customer] = expectOk(await a.call('customers.search', { query: FIRST.mobile }));
    const card = expectOk(await a.call('customers.card', { id: customer!.id }));
    expect(card.intakes.map((intake) => intake.source)).toEqual(['online']);
    const intakeId = card.intakes[0]!.id;

    // The queue keeps only the one left alone.
    await page.keyboard.press('Alt+5');
    await expect.poll(() => page!.getByTestId('online-item').count(), SLOW).toBe(1);
    expect(await page.getByTestId('online-item').getAttribute('data-receipt')).toBe(second.display);

    // Loaded by mistake and the entry discarded: the submission is given back, not held by a claim.
    await page.keyboard.press('Alt+2');
    await page.getByRole('heading', { name: '现场登记' }).waitFor();
    await page.keyboard.press('F8');
    await page.keyboard.type(second.display);
    await page.keyboard.press('Enter');
    await page.getByTestId('online-loaded').waitFor();
    await page.keyboard.press('Alt+5');
    await expect.poll(() => page!.getByTestId('online-claim').textContent(), SLOW).toBe('由我办理');
    await page.keyboard.press('Alt+2');
    await page.getByTestId('online-loaded').waitFor();
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: '放弃录入' }).click();
    await expect.poll(() => page!.getByTestId('online-loaded').count(), SLOW).toBe(0);
    await page.keyboard.press('Alt+5');
    await expect.poll(() => page!.getByTestId('online-item').count(), SLOW).toBe(1);
    expect(await page.getByTestId('online-claim').count()).toBe(0);

    // Review: a colleague cross-checks (P), the lead approves (A); the record is valid.
    await switchUser(page, 'staff.b', '乙专员');
    await page.keyboard.press('Alt+4');
    await page.getByRole('heading', { name: '审核', exact: true }).waitFor();
    await page.getByRole('tab', { name: /待我交叉审核/ }).click();
    await page.getByTestId('queue-item').filter({ hasText: '欧阳**' }).click();
    await page.getByRole('heading', { name: /待我交叉审核/ }).waitFor();
    await page.keyboard.press('p');
    await expect.poll(() => page!.getByText('已处理：待组长审批').isVisible(), SLOW).toBe(true);
    await switchUser(page, 'lead.l', '丙组长');
    await page.keyboard.press('Alt+4');
    await page.getByRole('heading', { name: '审核', exact: true }).waitFor();
    await page.getByRole('tab', { name: /待组长审批/ }).click();
    await page.getByTestId('queue-item').filter({ hasText: '欧阳**' }).click();
    await page.getByRole('heading', { name: /待组长审批/ }).waitFor();
    await page.keyboard.press('a');
    await expect.poll(() => page!.getByText('已处理：有效').isVisible(), SLOW).toBe(true);
    const reviewed = expectOk(await a.call('customers.card', { id: customer!.id }));
    expect(reviewed.intakes.find((intake) => intake.id === intakeId)).toMatchObject({ status: 'valid', source: 'online' });

    // The lead at the queue (Alt+6 for a lead, whose navigation also has the staff list): no alert yet.
    await page.keyboard.press('Alt+6');
    await page.getByRole('heading', { name: '线上提交' }).waitFor();
    await expect.poll(() => page!.getByTestId('online-item').count(), SLOW).toBe(1);
    expect(await page.getByTestId('online-alerts').count()).toBe(0);

    /** The desk restarted on the same data with its clock (and the server's and the page's) at `at`. */
    const deskAt = async (at: number): Promise<Page> => {
      for (const each of clients.splice(0)) each.close();
      await page?.close();
      page = undefined;
      await desk?.close();
      serverShift = at - (TEST_CLOCK_START + (Date.now() - started));
      desk = await startDesk({ dataDir, clockOffsetMs: at - TEST_CLOCK_START });
      const next = await newDeskPage(browser);
      await next.clock.setSystemTime(at);
      page = next;
      await signInWithKeyboard(next, desk.launchUrl(), 'lead.l', 'Password123', '丙组长');
      await next.keyboard.press('Alt+6');
      await next.getByRole('heading', { name: '线上提交' }).waitFor();
      return next;
    };
    const secondItem = (on: Page) => on.locator(`[data-testid="online-item"][data-receipt="${second.display}"]`);

    // 89 minutes after the server received it: still no alert.
    let lead = await deskAt(secondReceivedAt! + 89 * MINUTE);
    await expect.poll(() => secondItem(lead).count(), SLOW).toBe(1);
    expect(await secondItem(lead).getByTestId('deadline').textContent()).toMatch(/^(即将到期：)?剩余 (30|31) 分钟$/);
    expect(await lead.getByTestId('online-alerts').count()).toBe(0);

    // At 90 minutes the lead is alerted, on the queue and in the navigation.
    lead = await deskAt(secondReceivedAt! + 90 * MINUTE);
    await expect.poll(() => lead.getByTestId('online-alerts').textContent(), SLOW).toBe('1 份线上提交已超过 90 分钟未办理，请组长安排');
    expect(await secondItem(lead).getByTestId('deadline').textContent()).toMatch(/^已升级给组长：剩余 (29|30) 分钟$/);
    await expect.poll(() => lead.getByTestId('online-alert-count').count(), SLOW).toBe(1);
    expect(await seriousAxeViolations(lead)).toEqual([]);

    // At 120 minutes the breach is recorded and reported.
    lead = await deskAt(secondReceivedAt! + 120 * MINUTE);
    await expect.poll(() => lead.getByTestId('online-breaches').count(), SLOW).toBe(1);
    expect(await lead.getByTestId('online-breaches').textContent()).toContain(second.display);
    expect(await secondItem(lead).getByTestId('deadline').textContent()).toMatch(/^已超时 [01] 分钟$/);
    const l = await signedIn(desk!, 'lead.l');
    clients.push(l);
    const atTwoHours = expectOk(await l.call('online.queue'));
    expect(atTwoHours.breaches).toEqual([expect.objectContaining({ receiptCode: second.display, breachedAt: expect.any(Number) })]);
    const breachedAt = atTwoHours.breaches[0]!.breachedAt;
    expect(breachedAt - secondReceivedAt!).toBeGreaterThanOrEqual(120 * MINUTE);
    expect(breachedAt - secondReceivedAt!).toBeLessThan(121 * MINUTE);
    expect(await seriousAxeViolations(lead)).toEqual([]);
  }, 300_000); // a phone, a server, three restarts of the desk and WebCrypto on a busy machine: a limit, never a timing
});
