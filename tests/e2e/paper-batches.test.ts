// Paper-form batches on the home screen (issue 13 items 1–2), in Chromium: a lead opens a batch of
// 3, prints its numbered forms as a PDF, voids sheet 3 with a reason, cannot close while sheets are
// unaccounted for (told which), and closes it once every serial is accounted for.
import type { Browser, Page } from 'playwright-core';
import fs from 'node:fs';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, newDeskPage, signInWithKeyboard } from '../support/browser';
import { expectOk, staffedDesk } from '../support/desk';

let browser: Browser;
let page: Page;
let desk: Awaited<ReturnType<typeof staffedDesk>>;

beforeAll(async () => {
  desk = await staffedDesk([['lead.l', 'group_lead'], ['staff.a', 'specialist']]);
  browser = await launchChromium();
  page = await newDeskPage(browser);
});

afterAll(async () => {
  await browser.close();
  await desk.close();
});

describe('paper batches', () => {
  it('a lead opens a batch of 3, prints it, voids one sheet, and closes it only when all are accounted for', async () => {
    await signInWithKeyboard(page, desk.desk.launchUrl(), 'lead.l', 'Password123', 'lead.l');
    const panel = page.getByTestId('paper-batches');
    await panel.getByText('没有未关闭的批次。').waitFor();

    // A bad code and a zero count are named at their fields; nothing typed is lost.
    const form = page.getByTestId('open-batch');
    await form.getByLabel('批次号').fill('B 7');
    await form.getByLabel('收表地点').fill('北坡雪具大厅');
    await form.getByLabel('张数').fill('0');
    await form.getByRole('button', { name: '开批次' }).click();
    await form.getByText('批次号只能用字母、数字和短横线').waitFor();
    await form.getByText('张数须在 1 到 1000 之间').waitFor();
    expect(await form.getByLabel('收表地点').inputValue()).toBe('北坡雪具大厅');
    expect(await form.getByLabel('收表日期').inputValue()).toBe('2026-06-15');

    await form.getByLabel('批次号').fill('B7');
    await form.getByLabel('张数').fill('3');
    await form.getByRole('button', { name: '开批次' }).click();
    const row = page.getByTestId('batch-B7');
    await row.getByText('已处理 0/3 张').waitFor();
    await row.getByText('表号 0001–0003').waitFor();
    expect(await row.getByTestId('batch-age').textContent()).toMatch(/已开 \d+ 分钟/);

    // The numbered forms: one PDF page per sheet.
    const [download] = await Promise.all([page.waitForEvent('download'), row.getByRole('button', { name: '生成 PDF' }).click()]);
    expect(download.suggestedFilename()).toBe('forms-B7-0001-0003.pdf');
    const pdf = await PDFDocument.load(fs.readFileSync(await download.path()));
    expect(pdf.getPageCount()).toBe(3);

    await row.getByRole('button', { name: '逐张处理' }).click();
    const sheet3 = row.getByTestId('sheet-0003');
    await sheet3.getByRole('button', { name: '作废' }).click();
    await page.getByLabel('B7-0003 作废的原因').fill('客户填错，已换新表重填');
    await page.getByRole('button', { name: '作废', exact: true }).last().click();
    await sheet3.getByText('客户填错，已换新表重填').waitFor();
    await row.getByText('已处理 1/3 张').waitFor();

    await row.getByRole('button', { name: '关闭批次' }).click();
    await row.getByRole('alert').filter({ hasText: '还有 2 张，第一张是 0001' }).waitFor();

    // Sheets 1 and 2 accounted for by a colleague over RPC; then the batch closes.
    const typist = desk.client('staff.a');
    const batch = expectOk(await typist.call('paper.batch.list', { open: true }))[0]!;
    for (const serial of [1, 2]) expectOk(await typist.call('paper.sheet.mark', { batchId: batch.id, serial, state: 'missing', reason: '大巴上收表时缺了' }));
    await row.getByRole('button', { name: '关闭批次' }).click();
    await panel.getByText('没有未关闭的批次。').waitFor();
    expect(expectOk(await typist.call('paper.batch.list', { open: false }))[0]).toMatchObject({ code: 'B7', accounted: 3 });
  });
});
