// Issue 11 item 17: no raw codes on any screen. The customer card's history and the audit trail show
// 居民身份证, 男, 是/否, 有效 and staff names, never cn_resident_id, male, true, status=valid or ids.
import { seriousAxeViolations } from '../support/axe';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { defaultConsent } from '../../shared/domain/intake/consent';
import { launchChromium, signInWithKeyboard, screenshotOnFailure, newDeskPage } from '../support/browser';
import { customer } from '../support/backup';
import { MANAGER, expectOk, signedIn, staffedDesk } from '../support/desk';

let desk: Awaited<ReturnType<typeof staffedDesk>>;
let browser: Browser;
let page: Page;
const CLERK = { username: 'li.xue', displayName: '李雪' };
const RAW = [/cn_resident_id/, /\bmale\b/, /\btrue\b/, /\bfalse\b/, /status=/, /=\w/, /\bvalid\b/, /\bspecialist\b/];



beforeAll(async () => {
  desk = await staffedDesk([['staff.b', 'specialist'], ['lead.l', 'group_lead']]);
  const clerkId = expectOk(await desk.manager.call('staff.create', { ...CLERK, role: 'specialist', certified: true, password: 'Password123', passwordSetByStaff: true })).id;
  const clerk = await signedIn(desk.desk, CLERK.username);
  const draft = expectOk(await clerk.call('intake.draft.start', { customerId: null }));
  const { intakeId } = expectOk(
    await clerk.call('intake.submit', { draftId: draft.id, fields: { ...customer(7), gender: 'male', helmet: true }, consent: { ...defaultConsent(), idConsent: true }, customerId: null, customerPresent: true }),
  );
  expectOk(await desk.client('staff.b').call('review.decide', { intakeId, decision: 'cross_check_passed' }));
  expect(expectOk(await desk.client('lead.l').call('review.decide', { intakeId, decision: 'lead_approved' })).status).toBe('valid');
  expect(clerkId).toBeTruthy();
  clerk.close();
  browser = await launchChromium();
  page = await newDeskPage(browser);
  await signInWithKeyboard(page, desk.desk.launchUrl(), MANAGER.username, MANAGER.password, MANAGER.displayName);
});

afterEach(async (context) => screenshotOnFailure(context, page, 'plain-words'));

afterAll(async () => {
  await browser?.close();
  await desk?.close();
});

describe('no raw codes on screen', () => {
  it('the card history shows 居民身份证, 男, 是 and who entered each value', async () => {
    await page.keyboard.press('Alt+3');
    await page.getByRole('heading', { name: '客户查询' }).waitFor();
    await page.keyboard.type(customer(7).mobile);
    await expect.poll(() => page.getByTestId('search-result').count()).toBe(1);
    await page.keyboard.press('Enter');
    const rows = page.getByTestId('history-row');
    await expect.poll(() => rows.count()).toBeGreaterThan(3);
    const value = (field: string) => rows.and(page.locator(`[data-field="${field}"]`)).getByTestId('history-value').textContent();
    expect(await value('idType')).toContain('居民身份证');
    expect(await value('gender')).toBe('男');
    expect(await value('helmet')).toBe('是');
    expect(await value('skiAbility')).toBe('初级');
    expect(await rows.and(page.locator('[data-field="name"]')).getByTestId('history-staff').textContent()).toBe(CLERK.displayName);
    const text = (await page.getByRole('table').last().textContent()) ?? '';
    for (const raw of RAW) expect(text).not.toMatch(raw);
    for (const id of Object.values(desk.ids)) expect(text).not.toContain(id);
  });

  it('the audit trail shows statuses, roles, yes/no and staff names in words', async () => {
    await page.keyboard.press('Alt+7');
    await page.getByRole('heading', { name: '审计日志' }).waitFor();
    const table = page.getByRole('table', { name: '审计日志' });
    await expect.poll(async () => (await table.textContent()) ?? '').toContain('状态：有效');
    const text = (await table.textContent()) ?? '';
    expect(text).toContain('角色：客服专员');
    expect(text).toContain('已认证：是');
    expect(text).toContain(CLERK.displayName);
    expect(text).toContain('登记记录');
    for (const raw of RAW) expect(text).not.toMatch(raw);
    for (const id of Object.values(desk.ids)) expect(text).not.toContain(id);
    expect(text).not.toMatch(/\bin_[0-9a-z]|\bcu_[0-9a-z]|[0-9a-f]{8}-[0-9a-f]{4}/);
    expect(await seriousAxeViolations(page)).toEqual([]);
  });
});
