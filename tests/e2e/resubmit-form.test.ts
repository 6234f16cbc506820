// Issue 11 item 10 (screen): fix-and-resubmit offers the entry form's place pickers, not free text,
// and the chosen district is what is resubmitted.
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { defaultConsent } from '../../shared/domain/intake/consent';
import { emptyIntakeFields, type IntakeFields } from '../../shared/domain/intake/fields';
import { launchChromium, signInWithKeyboard, screenshotOnFailure, newDeskPage } from '../support/browser';
import { expectOk, staffedDesk } from '../support/desk';

let desk: Awaited<ReturnType<typeof staffedDesk>>;
let browser: Browser;
let page: Page;
let intakeId = '';
const base: IntakeFields = {
  ...emptyIntakeFields(),
  name: '韩雪原', mobile: '13812348801', idNumber: '11010519491231002X',
  addressProvince: '吉林省', addressCity: '吉林市', addressDistrict: '船营区',
  emergencyName: '单强', emergencyMobile: '13900001111', skiDiscipline: 'ski', skiAbility: 'beginner',
};

beforeAll(async () => {
  desk = await staffedDesk([['staff.a', 'specialist'], ['staff.b', 'specialist']]);
  const draft = expectOk(await desk.client('staff.a').call('intake.draft.start', { customerId: null }));
  intakeId = expectOk(await desk.client('staff.a').call('intake.submit', { draftId: draft.id, fields: base, consent: { ...defaultConsent(), idConsent: true }, customerId: null, customerPresent: true })).intakeId;
  expectOk(await desk.client('staff.b').call('review.decide', { intakeId, decision: 'cross_check_failed', notes: { addressDistrict: '区县不对' } }));
  browser = await launchChromium();
  page = await newDeskPage(browser);
  await signInWithKeyboard(page, desk.desk.launchUrl(), 'staff.a', 'Password123', 'staff.a');
});

afterEach(async (context) => screenshotOnFailure(context, page, 'resubmit-form'));

afterAll(async () => {
  await browser?.close();
  await desk?.close();
});

describe('fix-and-resubmit form', () => {
  it('offers the district as a choice from the list, and resubmits the chosen one', async () => {
    await page.keyboard.press('Alt+4');
    await page.getByRole('tab', { name: /退回给我/ }).click();
    await page.getByTestId('queue-item').first().click();
    const district = page.getByRole('combobox', { name: '区县' });
    await district.waitFor();
    expect(await page.getByRole('textbox', { name: '区县' }).count()).toBe(0);
    expect(await page.getByRole('textbox', { name: '省份' }).count()).toBe(0);
    const options = await district.locator('option').allTextContents();
    expect(options).toContain('昌邑区');
    expect(options).not.toContain('火星区');
    await district.selectOption('昌邑区');
    await page.getByRole('button', { name: '改好后重新提交' }).click();
    await expect.poll(() => page.getByText('已处理：待交叉审核').isVisible()).toBe(true);
    expect(expectOk(await desk.client('staff.a').call('review.intake', { intakeId })).fields.addressDistrict).toBe('昌邑区');
  });
});
