// Issue 11 item 16: a record the cross-checker passed as doubtful shows the lead (and then the
// manager) that it is doubtful, by whom and why; a possible duplicate names the stored customer it
// may duplicate and opens both side by side.
import { seriousAxeViolations } from '../support/axe';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { defaultConsent } from '../../shared/domain/intake/consent';
import { emptyIntakeFields } from '../../shared/domain/intake/fields';
import { launchChromium, signInWithKeyboard, screenshotOnFailure, newDeskPage } from '../support/browser';
import { expectOk, staffedDesk } from '../support/desk';

let desk: Awaited<ReturnType<typeof staffedDesk>>;
let browser: Browser;
let page: Page;
const REASON = '证件照片与本人差异较大';



beforeAll(async () => {
  desk = await staffedDesk([['staff.a', 'specialist'], ['staff.b', 'specialist'], ['lead.l', 'group_lead']]);
  const draft = expectOk(await desk.client('staff.a').call('intake.draft.start', { customerId: null }));
  const fields = { ...emptyIntakeFields(), name: '李雪', mobile: '13812345670', idNumber: '11010519491231002X', addressProvince: '吉林省', emergencyName: '联系人', emergencyMobile: '13900001111', skiDiscipline: 'ski' as const, skiAbility: 'beginner' as const };
  const { intakeId } = expectOk(await desk.client('staff.a').call('intake.submit', { draftId: draft.id, fields, consent: { ...defaultConsent(), idConsent: true }, customerId: null, customerPresent: true }));
  expectOk(await desk.client('staff.b').call('review.decide', { intakeId, decision: 'cross_check_passed', doubtful: true, reason: REASON }));
  // Another person with the same mobile: a possible duplicate of 李雪.
  const second = expectOk(await desk.client('staff.a').call('intake.draft.start', { customerId: null }));
  const twin = { ...fields, name: '王芳', idNumber: '220204198503150021' };
  const submitted = expectOk(await desk.client('staff.a').call('intake.submit', { draftId: second.id, fields: twin, consent: { ...defaultConsent(), idConsent: true }, customerId: null, customerPresent: true }));
  expect(submitted.flags).toContain('possible_duplicate');
  expectOk(await desk.client('staff.b').call('review.decide', { intakeId: submitted.intakeId, decision: 'cross_check_passed' }));
  browser = await launchChromium();
  page = await newDeskPage(browser);
  await signInWithKeyboard(page, desk.desk.launchUrl(), 'lead.l', 'Password123', 'lead.l');
});

afterEach(async (context) => screenshotOnFailure(context, page, 'doubtful'));

afterAll(async () => {
  await browser?.close();
  await desk?.close();
});

describe('a doubtful record', () => {
  it('shows the lead who marked it doubtful and why', async () => {
    await page.keyboard.press('Alt+4');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('queue-list');
    await page.keyboard.press('Enter');
    await page.getByTestId('doubtful-banner').waitFor();
    expect(await page.getByTestId('doubtful-banner').textContent()).toBe(`交叉审核人 staff.b 标记为存疑：${REASON}`);
  });

  it('names the customer a possible duplicate may duplicate, and compares both side by side', async () => {
    await page.keyboard.press('Escape');
    await page.getByTestId('queue-item').filter({ hasText: '王' }).click();
    const named = page.getByTestId('possible-duplicate');
    await named.waitFor();
    expect(await named.count()).toBe(1);
    expect(await named.textContent()).toMatch(/^可能与已有客户 李\*（手机 138\*{6}70，1949 年生）重复/);
    await named.getByRole('button', { name: '并排比较' }).click();
    const table = page.getByTestId('duplicate-compare');
    await table.waitFor();
    const cells = async (field: string) => table.locator(`tr[data-field="${field}"] td`).allTextContents();
    expect(await cells('mobile')).toEqual(['138******70', '138******70']);
    const names = await cells('name');
    expect(names[0]).toMatch(/^王/);
    expect(names[1]).toMatch(/^李/);
    expect(await cells('idType')).toEqual(['居民身份证 / 居住证 / 永居证', '居民身份证 / 居住证 / 永居证']);
    expect(await seriousAxeViolations(page)).toEqual([]);
  });
});
