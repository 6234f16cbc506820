// Issue 15 at the counter, in Chromium through the browser host: a manager turns online submissions
// on in Settings (the desk is registered with a real central server, Fastify + PGlite); a customer's
// submission is sealed as the page seals it and posted; the desk pulls it, the 线上提交 queue shows
// it with its countdown from the server's receipt; at the walk-in screen staff press F8, type the
// receipt code, confirm the ID shown, take the returning-customer offer and save it in a handful of
// keys. It is then an online intake, and the queue is empty.
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { clockFrom } from '../../electron/core/core';
import { defaultConsent } from '../../shared/domain/intake/consent';
import { emptyIntakeFields } from '../../shared/domain/intake/fields';
import { formConfigResponseSchema, submitResponseSchema } from '../../shared/api/online-contract';
import { sealSubmission } from '../../shared/online/envelope';
import { seriousAxeViolations } from '../support/axe';
import { launchChromium, newDeskPage, screenshotOnFailure, signInWithKeyboard } from '../support/browser';
import { MANAGER, TEST_CLOCK_START, connect, expectOk, setUpDesk, signedIn, startDesk, type RpcClient } from '../support/desk';
import { startSyncServer, type SyncServer } from '../support/sync-server';

type Desk = Awaited<ReturnType<typeof startDesk>>;
let browser: Browser;
let page: Page | undefined;
let desk: Desk | undefined;
let server: SyncServer | undefined;
const clients: RpcClient[] = [];
const SLOW = { timeout: 60_000, interval: 250 };

const CUSTOMER = {
  name: '欧阳娜娜', mobile: '13912345678', idNumber: '11010519491231002X', addressProvince: '吉林省', addressCity: '吉林市',
  emergencyName: '欧阳强', emergencyMobile: '13900001111', skiDiscipline: 'ski', skiAbility: 'beginner',
};

beforeAll(async () => {
  browser = await launchChromium();
});

afterEach(async (context) => {
  await screenshotOnFailure(context, page, 'online-counter');
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

/** The customer's phone: the site's form, the submission sealed to its public key, posted. */
async function customerSubmits(srv: SyncServer) {
  const config = formConfigResponseSchema.parse(await (await fetch(`${srv.url}/form/site_hall/config`)).json());
  const payload = JSON.stringify({
    v: 1, siteCode: 'site_hall', lang: 'zh-CN', fields: CUSTOMER, sealedAt: config.serverTime,
    consent: { noticeVersion: config.consent.version, purposes: ['registration', 'service', 'safety'], idConsent: true, guardianConsent: false, marketing: false, method: 'online', paperFormNo: '' },
  });
  const envelope = await sealSubmission(config.kid, config.publicRaw, 'site_hall', payload);
  const response = await fetch(`${srv.url}/form/site_hall/submissions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ envelope }) });
  expect(response.status).toBe(201);
  return submitResponseSchema.parse(await response.json());
}

describe('an online submission at the counter', () => {
  it('turned on in Settings, pulled into the queue with its countdown, loaded by receipt code, checked against the ID and saved as an online intake', async () => {
    server = await startSyncServer({ now: clockFrom(Date.now, TEST_CLOCK_START) });
    desk = await startDesk();
    const manager = await connect(desk);
    clients.push(manager);
    await setUpDesk(manager);
    expectOk(await manager.call('staff.create', { username: 'staff.a', displayName: '甲专员', role: 'specialist', certified: true, password: 'Password123', passwordSetByStaff: true }));
    expectOk(await manager.call('sync.register', { serverUrl: server.url, organisationId: 'org_lodge', siteId: 'site_hall' }));
    // The customer was here last season.
    const draft = expectOk(await manager.call('intake.draft.start', { customerId: null }));
    const earlier = expectOk(await manager.call('intake.submit', { draftId: draft.id, fields: { ...emptyIntakeFields(), ...CUSTOMER, skiDiscipline: 'ski', skiAbility: 'beginner' }, consent: { ...defaultConsent(), idConsent: true }, customerId: null, customerPresent: true }));

    // The manager turns online submissions on in Settings and sees the page's address.
    page = await newDeskPage(browser);
    await signInWithKeyboard(page, desk.launchUrl(), MANAGER.username, MANAGER.password, MANAGER.displayName);
    await page.keyboard.press('Alt+6');
    await page.getByTestId('online-open').click();
    await expect.poll(() => page!.getByTestId('online-url').textContent(), SLOW).toBe(`${server.url}/form/site_hall`);
    expect(await page.getByTestId('online-state').textContent()).toBe('线上提交已开启');
    await page.close();

    const receipt = await customerSubmits(server);
    const a = await signedIn(desk, 'staff.a');
    clients.push(a);
    expectOk(await a.call('sync.now'));

    // The queue: the submission with its countdown from the server's receipt.
    page = await newDeskPage(browser);
    await signInWithKeyboard(page, desk.launchUrl(), 'staff.a', 'Password123', '甲专员');
    await page.keyboard.press('Alt+5');
    const display = `${receipt.receiptCode.slice(0, 4)}-${receipt.receiptCode.slice(4)}`;
    const item = page.locator(`[data-testid="online-item"][data-receipt="${display}"]`);
    await expect.poll(() => item.count(), SLOW).toBe(1);
    // (The test server's and the desk's clocks each start at TEST_CLOCK_START when made, seconds apart.)
    expect(await item.getByTestId('deadline').textContent()).toMatch(/^剩余 (1 小时 5[89] 分钟|2 小时( 1 分钟)?)$/);
    expect(await item.textContent()).toContain('欧阳**');
    expect(await item.textContent()).not.toContain(CUSTOMER.mobile);
    expect((await page.getByTestId('online-count').textContent())?.trim()).toBe('1');
    expect(await seriousAxeViolations(page)).toEqual([]);

    // At the walk-in screen: F8, the code as a barcode wedge types it, Enter.
    await page.keyboard.press('Alt+2');
    await page.getByRole('heading', { name: '现场登记' }).waitFor();
    await page.keyboard.press('F8');
    await page.keyboard.type(receipt.receiptCode.toLowerCase());
    await page.keyboard.press('Enter');
    await page.getByTestId('online-loaded').waitFor();
    expect(await page.getByTestId('online-loaded').textContent()).toContain(`已载入线上提交 ${display}`);
    expect(await page.locator('[name="name"]').inputValue()).toBe(CUSTOMER.name);
    // The cursor is on the ID check; the returning-customer offer is on screen.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('onlineIdChecked');
    await page.getByTestId('matches').waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    // Another page and back: the entry still holds the submission.
    await page.keyboard.press('Alt+1');
    await page.keyboard.press('Alt+2');
    await page.getByTestId('online-loaded').waitFor();

    // Saving without the ID check is refused, naming it.
    await page.keyboard.press('Control+Enter');
    await page.getByTestId('self-review').waitFor();
    await page.keyboard.press('Enter');
    await expect.poll(() => page!.getByTestId('online-loaded').getByRole('alert').textContent(), SLOW).toBe('请先核对客户出示的证件与提交的信息一致');

    // The handful of keys: tick the check, take the returning customer (F4), review, confirm.
    await page.getByTestId('online-id-check').focus();
    await page.keyboard.press('Space');
    await page.keyboard.press('F4');
    await page.getByTestId('linked-customer').waitFor();
    await page.keyboard.press('Control+Enter');
    await page.getByTestId('self-review').waitFor();
    await page.keyboard.press('Enter');
    await page.getByTestId('intake-submitted').waitFor();

    // It is an online intake of the returning customer; the queue is empty.
    const card = expectOk(await a.call('customers.card', { id: earlier.customerId }));
    expect(card.intakes.map((intake) => intake.source).sort()).toEqual(['online', 'walk_in']);
    const queue = expectOk(await a.call('online.queue'));
    expect(queue.items).toEqual([]);
    await page.keyboard.press('Alt+5');
    await page.getByTestId('online-empty').waitFor();
    expect(await page.getByTestId('online-count').count()).toBe(0);
  });
});
