// Issue 11 item 10 (rest): fix-and-resubmit is the entry form itself (every field, the same pickers
// and validation as a walk-in), and a birth-date edit is never silently thrown away: with a
// resident ID the birth date comes from the number (shown read-only, as on entry — before, it was a
// free-text box whose edit the core replaced with the ID's date); with a passport it is kept.
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { defaultConsent } from '../../shared/domain/intake/consent';
import { emptyIntakeFields, type IntakeFields } from '../../shared/domain/intake/fields';
import { launchChromium, newDeskPage, screenshotOnFailure, signInWithKeyboard } from '../support/browser';
import { expectOk, staffedDesk } from '../support/desk';

let desk: Awaited<ReturnType<typeof staffedDesk>>;
let browser: Browser;
let page: Page;
const resident: IntakeFields = {
  ...emptyIntakeFields(),
  name: '韩雪原', mobile: '13812348801', idNumber: '11010519491231002X',
  addressProvince: '吉林省', addressCity: '吉林市', addressDistrict: '船营区',
  emergencyName: '单强', emergencyMobile: '13900001111', skiDiscipline: 'ski', skiAbility: 'beginner',
};
const visitor: IntakeFields = {
  ...emptyIntakeFields(),
  name: 'John Smith', mobile: '+44 7400 123456', idType: 'foreign_passport', idNumber: 'K1234567', birthDate: '1980-05-01', gender: 'male',
  nationality: 'GB', addressCountry: 'GB', addressDetail: '10 Downing Street, London',
  emergencyName: 'Jane Smith', emergencyMobile: '+44 7400 654321', skiDiscipline: 'ski', skiAbility: 'beginner',
};
const ids: Record<string, string> = {};

async function enterAndReturn(fields: IntakeFields, notes: Record<string, string>): Promise<string> {
  const draft = expectOk(await desk.client('staff.a').call('intake.draft.start', { customerId: null }));
  const intakeId = expectOk(await desk.client('staff.a').call('intake.submit', { draftId: draft.id, fields, consent: { ...defaultConsent(), idConsent: true }, customerId: null, customerPresent: true })).intakeId;
  expectOk(await desk.client('staff.b').call('review.decide', { intakeId, decision: 'cross_check_failed', notes }));
  return intakeId;
}

beforeAll(async () => {
  desk = await staffedDesk([['staff.a', 'specialist'], ['staff.b', 'specialist']]);
  ids['resident'] = await enterAndReturn(resident, { birthDate: '生日不对' });
  ids['visitor'] = await enterAndReturn(visitor, { birthDate: '出生日期应为 6 月 2 日' });
  browser = await launchChromium();
  page = await newDeskPage(browser);
  await signInWithKeyboard(page, desk.desk.launchUrl(), 'staff.a', 'Password123', 'staff.a');
});

afterEach(async (context) => screenshotOnFailure(context, page, 'resubmit-full-form'));

afterAll(async () => {
  await browser?.close();
  await desk?.close();
});

async function openReturned(name: RegExp): Promise<void> {
  await page.keyboard.press('Alt+4');
  await page.getByRole('tab', { name: /退回给我/ }).click();
  await page.getByTestId('queue-item').filter({ hasText: name }).first().click();
  await page.getByTestId('resubmit-form').waitFor();
}

describe('fix-and-resubmit uses the entry form', () => {
  it('shows every entry field with its pickers; a resident ID’s birth date is read-only from the number; bad input is named at the field', async () => {
    await openReturned(/韩/);
    const form = page.getByTestId('resubmit-form');
    // Fields the returned record left empty are there too, as on entry.
    for (const label of ['固定电话', '身高（厘米）', '备注']) expect(await form.getByLabel(label, { exact: true }).count()).toBe(1);
    expect(await form.getByRole('combobox', { name: '证件类型' }).count()).toBe(1);
    expect(await form.getByRole('combobox', { name: '项目' }).count()).toBe(1);
    // Birth date: derived from the ID, not free text the core would overwrite.
    const birth = form.getByLabel('出生日期', { exact: true });
    expect(await birth.getAttribute('readonly')).not.toBeNull();
    // Validation as on entry, at the field.
    await form.getByLabel('身高（厘米）', { exact: true }).fill('abc');
    await form.getByLabel('体重（公斤）', { exact: true }).focus();
    await expect.poll(() => form.locator('[name="heightCm"]').getAttribute('aria-invalid')).toBe('true');
    await form.getByLabel('身高（厘米）', { exact: true }).fill('170');
    await page.getByRole('button', { name: '改好后重新提交' }).click();
    await expect.poll(() => page.getByText('已处理：待交叉审核').isVisible()).toBe(true);
    expect(expectOk(await desk.client('staff.a').call('review.intake', { intakeId: ids['resident']! })).fields.heightCm).toBe('170');
  });

  it('keeps a passport holder’s birth-date edit', async () => {
    await openReturned(/J/);
    const form = page.getByTestId('resubmit-form');
    const birth = form.getByLabel('出生日期', { exact: true });
    expect(await birth.getAttribute('readonly')).toBeNull();
    await birth.fill('1980-06-02');
    await page.getByRole('button', { name: '改好后重新提交' }).click();
    await expect.poll(() => page.getByText('已处理：待交叉审核').isVisible()).toBe(true);
    const stored = expectOk(await desk.client('staff.b').call('review.reveal', { intakeId: ids['visitor']!, field: 'birthDate', reason: '核对退回后的修改' }));
    expect(stored.value).toBe('1980-06-02');
  });
});
