// Paper-form batches on the home screen (issue 13 items 1–2), in Chromium: a lead opens a batch of
// 3, prints its numbered forms as a PDF, voids sheet 3 with a reason, cannot close while sheets are
// unaccounted for (told which), and closes it once every serial is accounted for.
import type { Browser, Page } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
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

  it('attaches scans by file picker and drag and drop; bad files are refused on their sheet, nothing stored in the clear', async () => {
    const own = await staffedDesk([['lead.m', 'group_lead']]);
    const ownPage = await newDeskPage(browser);
    try {
      expectOk(await own.client('lead.m').call('paper.batch.open', { code: 'S1', place: '售票窗口', collectedOn: '2026-06-15', firstSerial: 1, count: 3 }));
      await signInWithKeyboard(ownPage, own.desk.launchUrl(), 'lead.m', 'Password123', 'lead.m');
      const row = ownPage.getByTestId('batch-S1');
      await row.getByRole('button', { name: '逐张处理' }).click();
      const photo = fs.readFileSync(path.resolve(__dirname, '../fixtures/scans/photo-with-exif.jpg'));

      // Sheet 1 by the file picker: attached.
      const sheet1 = row.getByTestId('sheet-0001');
      await sheet1.locator('input[type=file]').setInputFiles({ name: 'scan-0001.jpg', mimeType: 'image/jpeg', buffer: photo });
      await sheet1.getByText('已附扫描件').waitFor();
      // The stored scan (EXIF removed) still shows as an image beside its sheet.
      await sheet1.getByRole('button', { name: '查看扫描件' }).click();
      const image = sheet1.getByTestId('scan-image-1');
      await image.waitFor();
      await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(64);

      // Sheet 2: a renamed executable, a 50 MB file, a corrupt PDF — each named on sheet 2's row.
      const sheet2 = row.getByTestId('sheet-0002');
      const input2 = sheet2.locator('input[type=file]');
      await input2.setInputFiles({ name: 'scan.jpg', mimeType: 'image/jpeg', buffer: fs.readFileSync(process.execPath).subarray(0, 64 * 1024) });
      await sheet2.getByRole('alert').filter({ hasText: '不是 JPEG、PNG 或 PDF 文件' }).waitFor();
      const huge = path.join(own.desk.dataDir, '..', `huge-${path.basename(own.desk.dataDir)}.jpg`);
      fs.writeFileSync(huge, Buffer.concat([photo, Buffer.alloc(50 * 1024 * 1024)]));
      await input2.setInputFiles(huge);
      fs.rmSync(huge);
      await sheet2.getByRole('alert').filter({ hasText: '文件太大：扫描件最大 10 MB' }).waitFor();
      await input2.setInputFiles({ name: 'scan.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF') });
      await sheet2.getByRole('alert').filter({ hasText: '文件已损坏或不完整' }).waitFor();
      expect(await sheet2.getByText('已附扫描件').count()).toBe(0);

      // Sheet 3 by drag and drop (a PNG).
      const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGP4DwABAQEAWk1v8QAAAABJRU5ErkJggg==', 'base64');
      const drop = await ownPage.evaluateHandle((bytes) => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([new Uint8Array(bytes)], 'scan-0003.png', { type: 'image/png' }));
        return transfer;
      }, [...png]);
      await row.getByTestId('scan-drop-3').dispatchEvent('drop', { dataTransfer: drop });
      await row.getByTestId('sheet-0003').getByText('已附扫描件').waitFor();

      const sheets = expectOk(await own.client('lead.m').call('paper.batch.get', { batchId: expectOk(await own.client('lead.m').call('paper.batch.list', { open: true }))[0]!.id })).sheets;
      expect(sheets.map((sheet) => sheet.scanId !== null)).toEqual([true, false, true]);
      // Two sealed files; neither holds the image bytes in the clear.
      const files = fs.readdirSync(path.join(own.desk.dataDir, 'attachments'), { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
      expect(files.map((entry) => path.extname(entry.name))).toEqual(['.att', '.att']);
      for (const entry of files) expect(fs.readFileSync(path.join(entry.parentPath, entry.name)).includes(photo.subarray(-200))).toBe(false);
    } finally {
      await ownPage.close();
      await own.close();
    }
  });
});
