// Issue 11 item 20: axe-core finds nothing serious or critical on any screen of the desk, visited
// by keyboard as each role that can see it: sign-in, home, walk-in (with self-review and the
// customer's confirmation), customers (results and a card), every review queue and a record in
// it, staff, settings (review, fields, sync, paper forms, quarantine, backups), audit, the
// shortcuts list and the lock screen.
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { defaultConsent } from '../../shared/domain/intake/consent';
import { emptyIntakeFields, type IntakeFields } from '../../shared/domain/intake/fields';
import { seriousAxeViolations } from '../support/axe';
import { launchChromium, newDeskPage, screenshotOnFailure, signInWithKeyboard } from '../support/browser';
import { expectOk, MANAGER, staffedDesk } from '../support/desk';
import { typeWalkIn } from '../support/walk-in';

let desk: Awaited<ReturnType<typeof staffedDesk>>;
let browser: Browser;
let page: Page | undefined;
const customer: IntakeFields = {
  ...emptyIntakeFields(),
  name: '韩雪原', mobile: '13812348801', idNumber: '11010519491231002X',
  addressProvince: '吉林省', addressCity: '吉林市', addressDistrict: '船营区',
  emergencyName: '单强', emergencyMobile: '13900001111', skiDiscipline: 'ski', skiAbility: 'beginner',
};

beforeAll(async () => {
  desk = await staffedDesk([['staff.a', 'specialist'], ['staff.b', 'specialist'], ['lead.a', 'group_lead'], ['sup.a', 'supervisor'], ['maint.a', 'maintainer']]);
  // Something in every queue: one record returned to staff.a, one waiting for a cross-check.
  for (const [mobile, idNumber, fail] of [['13812348801', '11010519491231002X', true], ['13812348802', '220202199001011234', false]] as const) {
    const draft = expectOk(await desk.client('staff.a').call('intake.draft.start', { customerId: null }));
    const { intakeId } = expectOk(await desk.client('staff.a').call('intake.submit', { draftId: draft.id, fields: { ...customer, mobile, idNumber }, consent: { ...defaultConsent(), idConsent: true }, customerId: null, customerPresent: true }));
    if (fail) expectOk(await desk.client('staff.b').call('review.decide', { intakeId, decision: 'cross_check_failed', notes: { mobile: '最后一位不对' } }));
  }
  browser = await launchChromium();
});

afterEach(async (context) => {
  await screenshotOnFailure(context, page, 'axe-every-screen');
  await page?.close();
  page = undefined;
});

afterAll(async () => {
  await browser?.close();
  await desk?.close();
});

/** Each screen's serious findings, by name, so one run names every screen at fault. */
async function check(found: Record<string, string[]>, name: string): Promise<void> {
  if (!page) throw new Error('no page');
  const violations = await seriousAxeViolations(page);
  if (violations.length > 0) found[name] = violations;
}

async function open(index: number, heading: string): Promise<void> {
  if (!page) throw new Error('no page');
  await page.keyboard.press(`Alt+${index}`);
  await page.getByRole('heading', { name: heading, level: 1 }).first().waitFor();
}

describe('axe on every screen', () => {
  it('the manager’s screens, the sign-in and lock screens, and the shortcuts list', async () => {
    const found: Record<string, string[]> = {};
    page = await newDeskPage(browser);
    await page.goto(desk.desk.launchUrl());
    await page.getByRole('heading', { name: '登录' }).waitFor();
    await check(found, 'sign-in');
    await page.keyboard.type(MANAGER.username);
    await page.keyboard.press('Tab');
    await page.keyboard.type(MANAGER.password);
    await page.keyboard.press('Enter');
    await page.getByTestId('signed-in-user').waitFor();
    await check(found, 'home');
    await page.keyboard.press('F1');
    await page.getByRole('dialog').waitFor();
    await check(found, 'shortcuts');
    await page.keyboard.press('Escape');
    await open(2, '现场登记');
    await check(found, 'walk-in');
    await open(3, '客户查询');
    await page.keyboard.type('8801');
    await expect.poll(() => page!.getByTestId('search-result').count()).toBeGreaterThan(0);
    await check(found, 'customers: results');
    await page.keyboard.press('Enter');
    await page.getByTestId('card-mobile').waitFor();
    await check(found, 'customers: card');
    await open(4, '审核');
    for (const tab of await page.getByRole('tab').all()) {
      await tab.click();
      await check(found, `review: ${((await tab.textContent()) ?? '').replace(/\s*\d+$/, '')}`);
    }
    await open(5, '员工账号');
    await check(found, 'staff');
    await open(6, '安全设置');
    await check(found, 'settings');
    await open(7, '审计日志');
    await check(found, 'audit');
    await page.keyboard.press('Control+l');
    await page.getByRole('heading', { name: '录入台已锁定' }).waitFor();
    await check(found, 'lock');
    expect(found).toEqual({});
  });

  it('a specialist’s walk-in (self-review, confirmation), returned record and cross-check', async () => {
    const found: Record<string, string[]> = {};
    page = await newDeskPage(browser);
    await signInWithKeyboard(page, desk.desk.launchUrl(), 'staff.a', 'Password123', 'staff.a');
    await check(found, 'home');
    await open(4, '审核');
    await page.getByRole('tab', { name: /退回给我/ }).click();
    await page.getByTestId('queue-item').first().click();
    await page.getByTestId('resubmit-form').waitFor();
    await check(found, 'review: fixing a returned record');
    await open(2, '现场登记');
    await page.keyboard.type('林雪');
    await page.keyboard.press('Enter');
    await page.keyboard.type('13812340077');
    await page.keyboard.press('Control+Enter');
    await page.getByTestId('self-review').waitFor();
    await check(found, 'walk-in: self-review with errors');
    // A whole entry, submitted: the customer's confirmation and "my entries today".
    await page.getByRole('button', { name: '返回修改' }).click();
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: '放弃录入' }).click();
    await expect.poll(() => page!.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('name');
    await typeWalkIn(page, { name: '林雪', mobile: '13812340077', idNumber: '220204198506152014' });
    await page.keyboard.press('Control+Enter');
    await page.getByTestId('self-review').waitFor();
    await check(found, 'walk-in: self-review');
    await page.keyboard.press('Enter');
    await page.getByTestId('intake-submitted').waitFor();
    await check(found, 'walk-in: submitted, customer confirmation');
    await page.close();
    // A colleague opens the record to cross-check.
    page = await newDeskPage(browser);
    await signInWithKeyboard(page, desk.desk.launchUrl(), 'staff.b', 'Password123', 'staff.b');
    await open(4, '审核');
    await page.getByRole('tab', { name: /待我交叉审核/ }).click();
    await page.getByTestId('queue-item').first().click();
    await page.getByRole('heading', { level: 1 }).filter({ hasText: '·' }).waitFor();
    await check(found, 'review: a record to cross-check');
    expect(found).toEqual({});
  });

  it('the lead, supervisor and maintainer see their screens without findings', async () => {
    const found: Record<string, string[]> = {};
    for (const username of ['lead.a', 'sup.a', 'maint.a']) {
      page = await newDeskPage(browser);
      await signInWithKeyboard(page, desk.desk.launchUrl(), username, 'Password123', username);
      const pages = await page.locator('nav.sidenav button').count();
      for (let index = 1; index <= pages; index += 1) {
        await page.keyboard.press(`Alt+${index}`);
        await page.locator('main h1').first().waitFor();
        await check(found, `${username}: ${(await page.locator('main h1').first().textContent()) ?? index}`);
      }
      await page.close();
      page = undefined;
    }
    expect(found).toEqual({});
  });
});
