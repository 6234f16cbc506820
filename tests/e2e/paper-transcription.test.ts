// Transcribing paper forms in Chromium (issue 13 items 4–7): a lead opens a batch of 3 and attaches
// the scan of sheet 1; two staff transcribe sheet 1 blind beside its scan (zoom, rotate, the current
// field highlighted), one field different; the lead reconciles it with the scan on screen; sheet 2 is
// transcribed once; sheet 3 is voided with a reason; the batch closes; the cross-checker sees the
// scan beside the record; the figures count it all.
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, newDeskPage, screenshotOnFailure, signInWithKeyboard, typeCredentials } from '../support/browser';
import { seriousAxeViolations } from '../support/axe';
import { MANAGER, expectOk, staffedDesk, type RpcClient } from '../support/desk';
import { HUMAN_KEY_DELAY_MS, typeWalkIn } from '../support/walk-in';
import { needsDoubleEntry } from '../../shared/domain/paper/double-entry';
import { defaultConsent } from '../../shared/domain/intake/consent';
import { emptyIntakeFields } from '../../shared/domain/intake/fields';

let browser: Browser;
let desk: Awaited<ReturnType<typeof staffedDesk>>;
let page: Page | undefined;

beforeAll(async () => {
  desk = await staffedDesk([['lead.l', 'group_lead'], ['staff.a', 'specialist'], ['staff.b', 'specialist'], ['check.c', 'specialist'], ['super.s', 'supervisor']]);
  browser = await launchChromium();
});

afterEach(async (context) => {
  await screenshotOnFailure(context, page, 'paper-transcription');
});

afterAll(async () => {
  await browser.close();
  await desk.close();
});

/**
 * The scan of a filled-in sheet: our form's boxes where the printed form has them (the layout the
 * desk itself uses), handwriting-like values in them, rasterised by Chromium into a PNG.
 */
async function filledScan(client: RpcClient, values: Record<string, string>): Promise<Buffer> {
  const { regions } = expectOk(await client.call('paper.form.layout', { language: 'zh-CN' }));
  const scanPage = await browser.newPage({ viewport: { width: 595, height: 842 }, deviceScaleFactor: 1.5 });
  const boxes = regions
    .map((region) => `<div style="position:absolute;left:${region.x * 100}%;top:${region.y * 100}%;width:${region.width * 100}%;height:${region.height * 100}%;border:1px solid #555;font:italic 13px cursive;color:#1a3a8a;white-space:nowrap;overflow:hidden">${values[region.field] ?? ''}</div>`)
    .join('');
  await scanPage.setContent(`<html><body style="margin:0"><div style="position:relative;width:595px;height:842px;background:#fbfaf5">${boxes}</div></body></html>`);
  const png = await scanPage.screenshot({ type: 'png' });
  await scanPage.close();
  return png;
}

/** A batch code and share of double entry under which sheet 1 is typed twice and sheet 2 once. */
function shareWithSheetOneTwice(): { code: string; percent: number } {
  for (let n = 1; n < 500; n += 1) {
    const code = `P${n}`;
    for (let percent = 10; percent <= 90; percent += 1) {
      const settings = { mode: 'share' as const, percent };
      if (needsDoubleEntry(settings, code, 1) && !needsDoubleEntry(settings, code, 2)) return { code, percent };
    }
  }
  throw new Error('no code found');
}

/** Home again (the batches are read afresh), without reloading: closing the desk's tab locks it. */
async function backHome(on: Page): Promise<void> {
  await on.keyboard.press('Alt+3');
  await on.getByTestId('paper-batches').waitFor({ state: 'detached' });
  await on.keyboard.press('Alt+1');
}

async function openSheets(on: Page, code: string): Promise<void> {
  const row = on.getByTestId(`batch-${code}`);
  await row.waitFor();
  if ((await row.getByTestId(`batch-sheets-${code}`).count()) === 0) await row.getByRole('button', { name: '逐张处理' }).click();
  await row.getByTestId(`batch-sheets-${code}`).waitFor();
}

/** A typist transcribes sheet 1 with the keyboard beside its scan; `emergencyMobile` is what they read. */
async function transcribeSheetOne(username: string, code: string, emergencyMobile: string): Promise<Page> {
  const typist = await newDeskPage(browser);
  page = typist;
  await signInWithKeyboard(typist, desk.desk.launchUrl(), username, 'Password123', username);
  await openSheets(typist, code);
  await typist.getByTestId('sheet-0001').getByRole('button', { name: '录入', exact: true }).click();
  await typist.getByTestId('transcribe-screen').waitFor();
  // Blind: the form starts empty whoever typed the sheet before.
  await expect.poll(() => typist.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name)).toBe('name');
  expect(await typist.locator('[name="name"]').inputValue()).toBe('');
  expect(await typist.locator('[name="emergencyMobile"]').inputValue()).toBe('');
  await typist.getByTestId('scan-viewer-image').waitFor();
  await expect.poll(() => typist.getByTestId('scan-field-highlight').getAttribute('data-field')).toBe('name');

  await typeWalkIn(typist, { name: '赵纸表', mobile: '13812345678', idNumber: '11010519491231002X' }, '录入纸质表 ' + `${code}-0001`);
  await typist.locator('[name="emergencyMobile"]').fill(emergencyMobile);
  await typist.keyboard.press('Control+Enter');
  await expect.poll(() => typist.getByTestId('self-review').textContent()).toContain('所有必填项已填写');
  await typist.keyboard.press('Enter'); // confirm and submit (focused)
  return typist;
}

describe('paper transcription', () => {
  it('a batch of 3: sheet 1 typed twice blind and reconciled by the lead with the scan, sheet 2 once, sheet 3 void; the batch closes; the cross-checker sees the scan', async () => {
    const { code, percent } = shareWithSheetOneTwice();
    expectOk(await desk.manager.call('paper.doubleEntry.update', { mode: 'share', percent }));

    // The lead opens the batch of 3 and attaches the scan of sheet 1.
    const lead = await newDeskPage(browser);
    page = lead;
    await signInWithKeyboard(lead, desk.desk.launchUrl(), 'lead.l', 'Password123', 'lead.l');
    const form = lead.getByTestId('open-batch');
    await form.getByLabel('批次号').fill(code);
    await form.getByLabel('收表地点').fill('北坡雪具大厅');
    await form.getByLabel('张数').fill('3');
    await form.getByRole('button', { name: '开批次' }).click();
    await openSheets(lead, code);
    const scan = await filledScan(desk.client('lead.l'), { name: '赵纸表', mobile: '138 1234 5678', idNumber: '11010519491231002X', emergencyName: '单强', emergencyMobile: '139 0000 1111' });
    await lead.getByTestId('sheet-0001').locator('input[type=file]').setInputFiles({ name: 'scan-0001.png', mimeType: 'image/png', buffer: scan });
    await lead.getByTestId('sheet-0001').getByText('已附扫描件').waitFor();
    expect(await lead.getByTestId('sheet-0001').getByText('双录').count()).toBe(1);
    expect(await lead.getByTestId('sheet-0002').getByText('双录').count()).toBe(0);

    // Staff A transcribes sheet 1 beside its scan: zoom and rotate by keyboard, the field's box follows the cursor.
    const typistA = await transcribeSheetOne('staff.a', code, '13900001111');
    await typistA.getByTestId('paper-work-done').filter({ hasText: '等另一位同事独立再录一遍' }).waitFor();
    await typistA.getByTestId('sheet-0001').getByTestId('sheet-state').filter({ hasText: '待第二人录入' }).waitFor();
    // Nobody types a sheet twice: no "transcribe" button for A on sheet 1 any more.
    expect(await typistA.getByTestId('sheet-0001').getByRole('button', { name: '录入', exact: true }).count()).toBe(0);
    await typistA.close();

    // Staff B, blind, reads one digit of the emergency mobile differently; B also tries the viewer's keys.
    const typistB = await newDeskPage(browser);
    page = typistB;
    await signInWithKeyboard(typistB, desk.desk.launchUrl(), 'staff.b', 'Password123', 'staff.b');
    await openSheets(typistB, code);
    await typistB.getByTestId('sheet-0001').getByRole('button', { name: '录入', exact: true }).click();
    await typistB.getByTestId('scan-viewer-image').waitFor();
    const viewer = typistB.getByTestId('scan-viewer');
    for (const key of ['Alt+0', 'Alt+=', 'Alt+-', 'Alt+R']) await viewer.getByText(key, { exact: true }).waitFor();
    await typistB.keyboard.press('Alt+Equal');
    await typistB.keyboard.press('Alt+Equal');
    await expect.poll(() => typistB.getByTestId('scan-viewer-page').getAttribute('data-zoom')).toBe('1.56');
    await typistB.keyboard.press('Alt+KeyR');
    await expect.poll(() => typistB.getByTestId('scan-viewer-page').getAttribute('data-rotation')).toBe('90');
    await typistB.keyboard.press('Alt+Digit0');
    await expect.poll(() => typistB.getByTestId('scan-viewer-page').getAttribute('data-zoom')).toBe('1');
    // Typing went on in the form: the keys never type into it.
    expect(await typistB.locator('[name="name"]').inputValue()).toBe('');
    await typistB.locator('[name="mobile"]').focus();
    await expect.poll(() => typistB.getByTestId('scan-field-highlight').getAttribute('data-field')).toBe('mobile');
    expect(await seriousAxeViolations(typistB)).toEqual([]);
    await typistB.locator('[name="name"]').focus();
    await typistB.close();
    const second = await transcribeSheetOne('staff.b', code, '13900001117');
    await second.getByTestId('paper-work-done').filter({ hasText: '两次录入有 1 项不一致，已交组长核对' }).waitFor();
    await second.close();

    // The lead reconciles with the scan on screen: both values of the one field that differs.
    page = lead;
    await backHome(lead);
    await openSheets(lead, code);
    await lead.getByTestId('sheet-0001').getByTestId('sheet-state').filter({ hasText: '待组长核对' }).waitFor();
    await lead.getByTestId('awaiting-reconciliation').getByText(`${code}-0001`).waitFor();
    await lead.getByTestId('sheet-0001').getByRole('button', { name: '核对两次录入' }).click();
    await lead.getByTestId('reconcile-screen').waitFor();
    await expect.poll(() => lead.getByTestId('scan-viewer-image').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    const differing = lead.getByTestId('reconcile-emergencyMobile');
    await differing.getByText('13900001111').waitFor();
    await differing.getByText('13900001117').waitFor();
    expect(await lead.locator('fieldset[data-testid^="reconcile-"]').count()).toBe(1);
    await expect.poll(() => lead.getByTestId('scan-field-highlight').getAttribute('data-field')).toBe('emergencyMobile');
    expect(await seriousAxeViolations(lead)).toEqual([]);
    // Confirming without a choice names the field; then the first transcription's value (as on the scan).
    await lead.getByRole('button', { name: '确认核对结果' }).click();
    await differing.getByRole('alert').filter({ hasText: '请选定一个值' }).waitFor();
    await differing.getByLabel(/第一次/).check();
    await lead.getByRole('button', { name: '确认核对结果' }).click();
    await lead.getByTestId('paper-work-done').filter({ hasText: `${code}-0001 已核对` }).waitFor();
    await lead.getByTestId('sheet-0001').getByTestId('sheet-state').filter({ hasText: '已录入' }).waitFor();

    // Sheet 2 transcribed once (by staff A, over RPC); sheet 3 voided with a reason on screen.
    const typist = desk.client('staff.a');
    const batchId = expectOk(await typist.call('paper.batch.list', { open: true })).find((batch) => batch.code === code)!.id;
    const draft = expectOk(await typist.call('paper.transcribe.open', { batchId, serial: 2 }));
    expect(draft.doubleEntry).toBe(false);
    const fields = { ...emptyIntakeFields(), name: '钱纸表', mobile: '13712345678', idNumber: '110105199003070025', addressProvince: '吉林省', addressCity: '吉林市', emergencyName: '钱强', emergencyMobile: '13900002222', skiDiscipline: 'ski' as const, skiAbility: 'beginner' as const };
    expect(expectOk(await typist.call('paper.transcribe.submit', { draftId: draft.id, fields, consent: { ...defaultConsent(), idConsent: true }, customerId: null, cleared: [] })).outcome).toBe('transcribed');
    await backHome(lead);
    await openSheets(lead, code);
    await lead.getByTestId('sheet-0003').getByRole('button', { name: '作废' }).click();
    await lead.getByLabel(`${code}-0003 作废的原因`).fill('客户填错，已换新表重填');
    await lead.getByRole('button', { name: '作废', exact: true }).last().click();
    await lead.getByTestId('sheet-0003').getByText('客户填错，已换新表重填').waitFor();
    await lead.getByTestId(`batch-${code}`).getByRole('button', { name: '关闭批次' }).click();
    await lead.getByTestId('paper-batches').getByText('没有未关闭的批次。').waitFor();

    // The figures: who typed how many, and the one field that differed.
    const figures = lead.getByTestId('paper-figures');
    await figures.getByTestId('figures-staff').getByRole('row', { name: /staff\.a/ }).waitFor();
    await figures.getByTestId('figures-fields').getByRole('row', { name: /紧急联系人手机/ }).getByText('1 / 1').waitFor();
    // The next person at this desk does not see what the lead's work came to.
    await lead.getByTestId('paper-work-done').first().waitFor();
    await lead.keyboard.press('Control+l');
    await lead.getByRole('heading', { name: '录入台已锁定' }).waitFor();
    await lead.getByRole('button', { name: '切换用户' }).click();
    await typeCredentials(lead, MANAGER.username, MANAGER.password, MANAGER.displayName);
    await lead.keyboard.press('Alt+1');
    await lead.getByTestId('paper-batches').waitFor();
    expect(await lead.getByTestId('paper-work-done').count()).toBe(0);
    await lead.close();

    // The cross-checker opens the reconciled paper intake and sees its scan beside the record.
    const checker = await newDeskPage(browser);
    page = checker;
    await signInWithKeyboard(checker, desk.desk.launchUrl(), 'check.c', 'Password123', 'check.c');
    await checker.keyboard.press('Alt+4');
    await checker.getByRole('heading', { name: '审核', exact: true }).waitFor();
    await checker.getByRole('tab', { name: /待我交叉审核/ }).click();
    await checker.getByTestId('queue-item').filter({ hasText: '赵*' }).click();
    await checker.getByTestId('review-with-scan').waitFor();
    await checker.getByRole('heading', { name: `纸质表 ${code}-0001` }).waitFor();
    await expect.poll(() => checker.getByTestId('scan-viewer-image').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    expect(await seriousAxeViolations(checker)).toEqual([]);
    // The record is the typists': entered by the first, the history names the second and the reconciling lead.
    const submitted = checker.getByTestId('review-history').locator('li').first();
    await expect.poll(() => submitted.textContent()).toContain('staff.a');
    expect(await submitted.textContent()).toContain('双人录入：staff.b');
    expect(await submitted.textContent()).toContain('组长核对差异：lead.l');
    await checker.close();
    page = undefined;
    // The lead who reconciled it may not cross-check it, but approves the colleague's cross-check.
    const reconciled = expectOk(await desk.client('check.c').call('review.queues', {})).crossCheck.find((item) => item.customerName.startsWith('赵') && item.source === 'paper_form')!;
    expect(expectOk(await desk.client('lead.l').call('review.queues', {})).crossCheck.map((item) => item.intakeId)).not.toContain(reconciled.intakeId);
    expectOk(await desk.client('check.c').call('review.decide', { intakeId: reconciled.intakeId, decision: 'cross_check_passed', notes: {}, reason: '', doubtful: false }));
    expect(expectOk(await desk.client('lead.l').call('review.decide', { intakeId: reconciled.intakeId, decision: 'lead_approved', notes: {}, reason: '', doubtful: false })).status).toBe('valid');
  });

  it('Tab after the phone moved on by itself is not taken twice: Tab, Tab and the ID number goes into the ID number, the birth date comes from it', async () => {
    expectOk(await desk.manager.call('paper.doubleEntry.update', { mode: 'none', percent: 10 }));
    expectOk(await desk.client('lead.l').call('paper.batch.open', { code: 'T1', place: '售票窗口', collectedOn: '2026-01-10', firstSerial: 1, count: 1 }));
    const typist = await newDeskPage(browser);
    page = typist;
    await signInWithKeyboard(typist, desk.desk.launchUrl(), 'staff.b', 'Password123', 'staff.b');
    await openSheets(typist, 'T1');
    await typist.getByTestId('sheet-0001').getByRole('button', { name: '录入', exact: true }).click();
    await typist.getByTestId('transcribe-screen').waitFor();
    await typist.locator('[name="name"]').waitFor();
    await expect.poll(() => typist.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name)).toBe('name');
    await typist.keyboard.type('周表格');
    await typist.keyboard.press('Enter');
    // A full mobile moves on to the document type by itself; a typist who leaves fields with Tab presses
    // Tab (leaving the phone: already done, so it stays on the document type) and Tab again (on to the
    // ID number), at typing pace, without looking. Before, the second Tab landed in the birth date.
    await typist.keyboard.type('13812345678', { delay: HUMAN_KEY_DELAY_MS });
    await typist.keyboard.press('Tab', { delay: HUMAN_KEY_DELAY_MS });
    await expect.poll(() => typist.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name)).toBe('idType');
    await typist.keyboard.press('Tab', { delay: HUMAN_KEY_DELAY_MS });
    await expect.poll(() => typist.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name)).toBe('idNumber');
    await typist.keyboard.type('11010519491231002X', { delay: HUMAN_KEY_DELAY_MS });
    expect(await typist.locator('[name="idNumber"]').inputValue()).toBe('11010519491231002X');
    await typist.getByTestId('derived-birth-date').waitFor();
    expect(await typist.getByTestId('derived-birth-date').inputValue()).toBe('1949-12-31');
    expect(await typist.locator('[name="mobile"]').inputValue()).toBe('13812345678');
    await typist.close();
    page = undefined;
  });

  it('a phone left blank on the paper form: F9 marks it 表上未填, the mark survives leaving the sheet, the record goes in and the cross-checker sees 需补充：手机号码', async () => {
    expectOk(await desk.manager.call('paper.doubleEntry.update', { mode: 'none', percent: 10 }));
    expectOk(await desk.client('lead.l').call('paper.batch.open', { code: 'N1', place: '售票窗口', collectedOn: '2026-01-10', firstSerial: 1, count: 1 }));
    const typist = await newDeskPage(browser);
    page = typist;
    await signInWithKeyboard(typist, desk.desk.launchUrl(), 'staff.a', 'Password123', 'staff.a');
    await openSheets(typist, 'N1');
    await typist.getByTestId('sheet-0001').getByRole('button', { name: '录入', exact: true }).click();
    await typist.getByTestId('transcribe-screen').waitFor();
    await typist.getByTestId('blank-on-form-hint').getByText('F9').waitFor();
    await typist.locator('[name="name"]').waitFor();
    await expect.poll(() => typist.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name)).toBe('name');
    await typist.keyboard.type('孙空号');
    await typist.keyboard.press('Enter');
    await typist.keyboard.press('F9');
    await typist.getByTestId('blank-on-form-mobile').waitFor();
    // Leaving the sheet and coming back keeps the mark (it is saved with the draft).
    await expect.poll(() => typist.getByTestId('draft-save-state').textContent()).toContain('自动保存');
    await typist.getByRole('button', { name: /返回批次/ }).click();
    await openSheets(typist, 'N1');
    await typist.getByTestId('sheet-0001').getByRole('button', { name: '录入', exact: true }).click();
    await typist.getByTestId('blank-on-form-mobile').waitFor();
    // F9 on the marked field takes the mark off (and the next F9, typing the sheet through, puts it back).
    await typist.locator('[name="mobile"]').focus();
    await typist.keyboard.press('F9');
    await typist.getByTestId('blank-on-form-mobile').waitFor({ state: 'detached' });
    await typist.locator('[name="name"]').fill('');
    await typist.locator('[name="name"]').focus();
    await typeWalkIn(typist, { name: '孙空号', mobile: '', idNumber: '22020419920315456X' }, '录入纸质表 N1-0001');
    await typist.getByTestId('blank-on-form-mobile').waitFor();
    await typist.keyboard.press('Control+Enter');
    await expect.poll(() => typist.getByTestId('self-review').textContent()).toContain('所有必填项已填写');
    expect(await typist.getByTestId('self-review-blank-on-form').textContent()).toBe('需补充：手机号码');
    expect(await seriousAxeViolations(typist)).toEqual([]);
    await typist.keyboard.press('Enter');
    await typist.getByTestId('paper-work-done').waitFor();
    await typist.close();

    const checker = await newDeskPage(browser);
    page = checker;
    await signInWithKeyboard(checker, desk.desk.launchUrl(), 'check.c', 'Password123', 'check.c');
    await checker.keyboard.press('Alt+4');
    await checker.getByRole('tab', { name: /待我交叉审核/ }).click();
    const item = checker.getByTestId('queue-item').filter({ hasText: '孙*' });
    await item.getByTestId('queue-needs-details').filter({ hasText: '需补充：手机号码' }).waitFor();
    await item.click();
    await checker.getByTestId('needs-details').filter({ hasText: '需补充：手机号码' }).waitFor();
    await checker.close();
    page = undefined;
  });
});
