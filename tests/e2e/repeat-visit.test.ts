// Issue 9 acceptance, in the browser: a customer registered in full comes back; the second visit
// carries only name, a new phone and the ID (confirmed); both approved; the card shows every
// first-visit field and the new phone, and the history says which visit set which field.
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, signInWithKeyboard, screenshotOnFailure, newDeskPage } from '../support/browser';
import { expectOk, staffedDesk, type RpcClient } from '../support/desk';
import { typeWalkIn } from '../support/walk-in';

let desk: Awaited<ReturnType<typeof staffedDesk>>;
let browser: Browser;
let page: Page;
const CUSTOMER = { name: '韩雪原', mobile: '13812348801', idNumber: '11010519491231002X' };
const NEW_MOBILE = '13812348802';
const intakes = { first: '', second: '' };
let customerId = '';

async function approve(intakeId: string): Promise<void> {
  const checker: RpcClient = desk.client('staff.b');
  expect(expectOk(await checker.call('review.decide', { intakeId, decision: 'cross_check_passed' })).status).toBe('pending_lead_approval');
  expect(expectOk(await desk.client('lead.l').call('review.decide', { intakeId, decision: 'lead_approved' })).status).toBe('valid');
}

beforeAll(async () => {
  desk = await staffedDesk([['staff.a', 'specialist'], ['staff.b', 'specialist'], ['lead.l', 'group_lead']]);
  browser = await launchChromium();
  page = await newDeskPage(browser);
  await signInWithKeyboard(page, desk.desk.launchUrl(), 'staff.a', 'Password123', 'staff.a');
});

afterEach(async (context) => screenshotOnFailure(context, page, 'repeat-visit'));

afterAll(async () => {
  await browser?.close();
  await desk?.close();
});

describe('a repeat visit never erases what is stored', () => {
  it('registers the customer in full at the counter, and the record is approved', async () => {
    await page.keyboard.press('Alt+2');
    await typeWalkIn(page, CUSTOMER);
    await page.keyboard.press('Control+Enter');
    await page.getByTestId('self-review').waitFor();
    await page.keyboard.press('Enter');
    await page.getByTestId('intake-submitted').waitFor();
    const [found] = expectOk(await desk.client('staff.a').call('customers.search', { query: CUSTOMER.mobile }));
    customerId = found!.id;
    intakes.first = expectOk(await desk.client('staff.a').call('customers.card', { id: customerId })).intakes[0]!.id;
    await approve(intakes.first);
  });

  it('takes the second visit with only name, new phone and ID, loading the known customer', async () => {
    await page.getByRole('button', { name: '下一位客户' }).click();
    await page.getByRole('textbox', { name: '姓名', exact: true }).waitFor();
    await page.keyboard.type(CUSTOMER.name);
    await page.keyboard.press('Enter');
    await page.keyboard.type(NEW_MOBILE);
    await page.keyboard.press('Enter');
    await page.keyboard.type(CUSTOMER.idNumber);
    await page.getByTestId('matches').getByRole('button', { name: '载入此客户' }).click();
    await page.getByTestId('known-customer-hint').waitFor();
    await page.getByLabel('客户单独同意收集身份证件号码（敏感个人信息）').check();
    await page.getByRole('textbox', { name: '姓名', exact: true }).focus();
    await page.keyboard.press('Control+Enter');
    await page.getByTestId('self-review').waitFor();
    // Fields left empty are not asked: nothing is missing for a known customer.
    expect(await page.getByText('所有必填项已填写，格式正确。').isVisible()).toBe(true);
    await page.getByRole('button', { name: '确认提交' }).click();
    await page.getByTestId('intake-submitted').waitFor();
    const card = expectOk(await desk.client('staff.a').call('customers.card', { id: customerId }));
    expect(card.intakes).toHaveLength(2);
    intakes.second = card.intakes.find((intake) => intake.id !== intakes.first)!.id;
    const review = expectOk(await desk.client('staff.b').call('review.intake', { intakeId: intakes.second }));
    expect(review.marks).toMatchObject({ mobile: 'changed', name: 'confirmed', idNumber: 'confirmed' });
    await approve(intakes.second);
  });

  it('the card shows every first-visit field and the new phone, and which visit set which field', async () => {
    await page.keyboard.press('Alt+3');
    await page.getByRole('heading', { name: '客户查询' }).waitFor();
    await page.keyboard.type(NEW_MOBILE);
    await expect.poll(() => page.getByTestId('search-result').count()).toBe(1);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('card-mobile').textContent()).toBe('138******02');
    expect(await page.getByTestId('card-addressProvince').textContent()).toMatch(/^吉林省 吉林市 \S+/);
    expect(await page.getByTestId('card-emergencyName').textContent()).toBe('单*');
    expect(await page.getByTestId('card-emergencyMobile').textContent()).toBe('139******11');
    expect(await page.getByTestId('card-skiDiscipline').textContent()).toBe('双板');
    expect(await page.getByTestId('card-skiAbility').textContent()).toBe('初级');
    expect(await page.getByTestId('card-heightCm').textContent()).toBe('168');
    expect(await page.getByTestId('card-weightKg').textContent()).toBe('55');
    expect(await page.getByTestId('card-bootMondo').textContent()).toBe('25.5');

    const rows = page.getByTestId('history-row');
    const mobileRows = rows.and(page.locator('[data-field="mobile"]'));
    await expect.poll(() => mobileRows.count()).toBe(2);
    expect(await mobileRows.nth(0).getAttribute('data-intake')).toBe(intakes.first);
    expect(await mobileRows.nth(1).getAttribute('data-intake')).toBe(intakes.second);
    expect(await mobileRows.nth(1).textContent()).toContain('138******02');
    expect(await mobileRows.nth(1).textContent()).toContain('现场登记');
    const heightRows = rows.and(page.locator('[data-field="heightCm"]'));
    expect(await heightRows.count()).toBe(1);
    expect(await heightRows.first().getAttribute('data-intake')).toBe(intakes.first);
  });

  it('clearing a stored value is its own act, marked in the form, in self-review and in review', async () => {
    await page.keyboard.press('Alt+2');
    await page.getByRole('heading', { name: '现场登记' }).waitFor();
    const newEntry = page.getByRole('button', { name: '下一位客户' });
    if (await newEntry.isVisible()) await newEntry.click();
    await page.getByRole('textbox', { name: '姓名', exact: true }).waitFor();
    await page.getByRole('textbox', { name: '姓名', exact: true }).focus();
    await page.keyboard.type(CUSTOMER.name);
    await page.keyboard.press('Enter');
    await page.keyboard.type(NEW_MOBILE);
    await page.keyboard.press('Enter');
    await page.keyboard.type(CUSTOMER.idNumber);
    await page.getByTestId('matches').getByRole('button', { name: '载入此客户' }).click();
    await page.getByTestId('known-customer-hint').waitFor();
    await page.locator('[data-clear="bootMondo"]').click();
    await expect.poll(() => page.getByTestId('cleared-bootMondo').textContent()).toBe('提交后将清除已存的值');
    await page.getByLabel('客户单独同意收集身份证件号码（敏感个人信息）').check();
    await page.getByRole('textbox', { name: '姓名', exact: true }).focus();
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => page.getByTestId('self-review-cleared').textContent()).toContain('鞋码');
    await page.getByRole('button', { name: '确认提交' }).click();
    await page.getByTestId('intake-submitted').waitFor();
    const card = expectOk(await desk.client('staff.a').call('customers.card', { id: customerId }));
    const third = card.intakes.find((intake) => intake.id !== intakes.first && intake.id !== intakes.second)!.id;
    expect(expectOk(await desk.client('staff.b').call('review.intake', { intakeId: third })).marks).toMatchObject({ bootMondo: 'cleared', mobile: 'confirmed' });
  });
});
