// Issue 13 item 3 in Chromium: scans that read themselves. The sample scans of our own form
// (resources/sample-scans, made by `npm run sample:scans`) are imported on a batch: each finds its
// sheet by its QR code (a PDF rendered by pdf.js under the desk's CSP, a sheet fed upside down); a
// scan whose QR code cannot be read asks for the serial; another site's or batch's form is refused;
// a 50 MB file, a renamed executable and a corrupt PDF are each named where they were dropped.
// Then the scanner folder: a manager sets it in Settings, a file the scanner writes there is taken,
// its plain original removed, and it finds its sheet on the home screen by itself.
import type { Browser, Page } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateFormPdf, loadFormFont, loadNotice } from '../../electron/core/paper/form-pdf';
import { FIELD_PRESETS } from '../../shared/domain/intake/fields';
import { seriousAxeViolations } from '../support/axe';
import { launchChromium, newDeskPage, screenshotOnFailure, signInWithKeyboard, typeCredentials } from '../support/browser';
import { expectOk, MANAGER, staffedDesk, tempDataDir } from '../support/desk';

const SAMPLES = path.resolve(__dirname, '../../resources/sample-scans');
const sample = (name: string) => ({ name, mimeType: name.endsWith('.pdf') ? 'application/pdf' : 'image/jpeg', buffer: fs.readFileSync(path.join(SAMPLES, name)) });

let browser: Browser;
let page: Page | undefined;
const problems: string[] = [];

beforeAll(async () => {
  browser = await launchChromium();
});
afterEach(async (context) => {
  await screenshotOnFailure(context, page, 'scans');
  await page?.close();
  page = undefined;
});
afterAll(async () => {
  await browser.close();
});

async function deskPage(): Promise<Page> {
  page = await newDeskPage(browser);
  // Anything the CSP refuses (a remote worker, eval, WebAssembly) shows up here.
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|unsafe-eval|wasm/i.test(message.text())) problems.push(message.text());
  });
  return page;
}

/** Our printed form as a PDF (as if scanned to PDF by a phone app): sheet `serial` of `batch` for `site`. */
async function formPdf(site: string, batch: string, serial: number): Promise<Buffer> {
  const pdf = await generateFormPdf({ organisationName: '长白山滑雪度假区', siteName: site, fieldConfig: FIELD_PRESETS.ski_lodge, batch, firstSerial: serial, count: 1, noticeText: loadNotice('zh-CN'), fontBytes: loadFormFont() });
  return Buffer.from(pdf.bytes);
}

function pngWidth(base64: string): number {
  return Buffer.from(base64, 'base64').readUInt32BE(16);
}

describe('scans that read themselves', () => {
  it('imports scans by their QR codes: photos, a PDF, one upside down; asks for the serial when none can be read; refuses another site or batch', async () => {
    const desk = await staffedDesk([['lead.l', 'group_lead']]);
    try {
      const lead = desk.client('lead.l');
      const demo = expectOk(await lead.call('paper.batch.open', { code: 'DEMO', place: '售票窗口', collectedOn: '2026-06-15', firstSerial: 1, count: 4 }));
      expectOk(await lead.call('paper.batch.open', { code: 'B9', place: '大巴', collectedOn: '2026-06-15', firstSerial: 1, count: 2 }));
      const p = await deskPage();
      await signInWithKeyboard(p, desk.desk.launchUrl(), 'lead.l', 'Password123', 'lead.l');
      const row = p.getByTestId('batch-DEMO');
      await row.getByRole('button', { name: '逐张处理' }).click();
      const importer = row.getByTestId('scan-import');
      await importer.locator('input[type=file]').setInputFiles([
        sample('DEMO-0001.jpg'),
        sample('DEMO-0002.pdf'),
        sample('DEMO-0003-upside-down.jpg'),
        sample('DEMO-0004-no-qr.jpg'),
        { name: 'other-site.pdf', mimeType: 'application/pdf', buffer: await formPdf('另一个雪场', 'DEMO', 1) },
        { name: 'b9-0001.pdf', mimeType: 'application/pdf', buffer: await formPdf('北大湖雪场', 'B9', 1) },
      ]);
      const item = (name: string) => importer.getByTestId(`scan-item-${name}`);
      await item('DEMO-0001.jpg').getByText('已按二维码附到 DEMO-0001').waitFor();
      await item('DEMO-0002.pdf').getByText('已按二维码附到 DEMO-0002').waitFor();
      await item('DEMO-0003-upside-down.jpg').getByText('已按二维码附到 DEMO-0003').waitFor();
      await item('other-site.pdf').getByRole('alert').filter({ hasText: '这张表是为另一个站点（另一个雪场）打印的，不属于本站' }).waitFor();
      await item('b9-0001.pdf').getByRole('alert').filter({ hasText: '这张表属于批次 B9，不是这一批' }).waitFor();

      // No readable QR code: the staff pick the serial right there, and the file is still in hand.
      const noQr = item('DEMO-0004-no-qr.jpg');
      await noQr.getByRole('alert').filter({ hasText: '这份扫描件上没有读到表上的二维码：请选择它是哪一张表' }).waitFor();
      await noQr.getByLabel('DEMO-0004-no-qr.jpg 是哪一张表').selectOption({ label: 'DEMO-0004' });
      // Leaving the page and coming back: the file still waits, with the sheet already chosen.
      await p.keyboard.press('Alt+3');
      await row.waitFor({ state: 'detached' });
      await p.keyboard.press('Alt+1');
      await row.getByRole('button', { name: '逐张处理' }).click();
      await noQr.getByRole('alert').filter({ hasText: '这份扫描件上没有读到表上的二维码：请选择它是哪一张表' }).waitFor();
      expect(await noQr.getByLabel('DEMO-0004-no-qr.jpg 是哪一张表').evaluate((select: HTMLSelectElement) => select.selectedOptions[0]?.textContent)).toBe('DEMO-0004');
      await noQr.getByRole('button', { name: '附到这张表' }).click();
      await noQr.getByText('已附到 DEMO-0004').waitFor();

      const sheets = expectOk(await lead.call('paper.batch.get', { batchId: demo.id })).sheets;
      expect(sheets.map((sheet) => sheet.scanId !== null)).toEqual([true, true, true, true]);
      // The PDF's first page, rendered by pdf.js at import, is the image every screen gets.
      const pdfScan = sheets[1]?.scanId ?? '';
      const image = expectOk(await lead.call('paper.scan.image', { scanId: pdfScan }));
      expect(image).toMatchObject({ type: 'image/png', pages: 1, serial: 2 });
      expect(pngWidth(image.base64)).toBe(1240);
      expect(expectOk(await lead.call('paper.scan.file', { scanId: pdfScan })).type).toBe('application/pdf');
      // …and what the sheet's row shows.
      const sheet2 = row.getByTestId('sheet-0002');
      await sheet2.getByRole('button', { name: '查看扫描件' }).click();
      const shown = sheet2.getByTestId('scan-image-2');
      await shown.waitFor();
      await expect.poll(() => shown.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1240);
      expect((await shown.boundingBox())?.width ?? 0).toBeGreaterThan(300);
      expect(await seriousAxeViolations(p)).toEqual([]);
      expect(problems).toEqual([]);
      // Another person at the desk does not see what the lead imported (the list outlives the page, not the person).
      expect(await importer.getByRole('listitem').count()).toBe(6);
      await p.keyboard.press('Control+l');
      await p.getByRole('heading', { name: '录入台已锁定' }).waitFor();
      await p.getByRole('button', { name: '切换用户' }).click();
      await typeCredentials(p, MANAGER.username, MANAGER.password, MANAGER.displayName);
      await p.keyboard.press('Alt+1');
      await row.getByRole('button', { name: '逐张处理' }).click();
      await row.getByTestId('sheet-0004').waitFor();
      expect(await importer.getByRole('listitem').count()).toBe(0);
    } finally {
      await desk.close();
    }
  });

  it('names a 50 MB file, a renamed executable and a corrupt PDF where they were dropped; nothing is stored and the files stay listed', async () => {
    const desk = await staffedDesk([['lead.m', 'group_lead']]);
    try {
      expectOk(await desk.client('lead.m').call('paper.batch.open', { code: 'S1', place: '售票窗口', collectedOn: '2026-06-15', firstSerial: 1, count: 2 }));
      const p = await deskPage();
      await signInWithKeyboard(p, desk.desk.launchUrl(), 'lead.m', 'Password123', 'lead.m');
      const row = p.getByTestId('batch-S1');
      await row.getByRole('button', { name: '逐张处理' }).click();
      const importer = row.getByTestId('scan-import');
      const huge = path.join(tempDataDir('huge'), 'scan-big.jpg');
      fs.writeFileSync(huge, Buffer.concat([fs.readFileSync(path.join(SAMPLES, 'DEMO-0001.jpg')), Buffer.alloc(50 * 1024 * 1024)]));
      // The 50 MB file goes first, alone (a path: Chromium reads it from disk), then the other two.
      await importer.locator('input[type=file]').setInputFiles(huge);
      await importer.locator('input[type=file]').setInputFiles([
        { name: 'scan-0002.jpg', mimeType: 'image/jpeg', buffer: fs.readFileSync(process.execPath).subarray(0, 64 * 1024) },
        { name: 'scan-0001.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF') },
      ]);
      fs.rmSync(path.dirname(huge), { recursive: true, force: true });
      const item = (name: string) => importer.getByTestId(`scan-item-${name}`);
      await item('scan-big.jpg').getByRole('alert').filter({ hasText: '文件太大：扫描件最大 10 MB' }).waitFor();
      await item('scan-0002.jpg').getByRole('alert').filter({ hasText: '不是 JPEG、PNG 或 PDF 文件' }).waitFor();
      await item('scan-0001.pdf').getByRole('alert').filter({ hasText: 'PDF 文件已损坏或不完整，无法打开' }).waitFor();
      expect(fs.existsSync(path.join(desk.desk.dataDir, 'attachments')) ? fs.readdirSync(path.join(desk.desk.dataDir, 'attachments'), { recursive: true }).filter((name) => String(name).endsWith('.att')) : []).toEqual([]);
      expect(await importer.getByRole('listitem').count()).toBe(3);
      expect(problems).toEqual([]);
    } finally {
      await desk.close();
    }
  });

  it('takes what the scanner writes into the folder a manager set: encrypted, the original removed, on its sheet by its QR code', async () => {
    const desk = await staffedDesk([]);
    const folder = tempDataDir('scanner-folder');
    try {
      const batch = expectOk(await desk.manager.call('paper.batch.open', { code: 'DEMO', place: '售票窗口', collectedOn: '2026-06-15', firstSerial: 1, count: 4 }));
      const p = await deskPage();
      await signInWithKeyboard(p, desk.desk.launchUrl(), MANAGER.username, MANAGER.password, MANAGER.displayName);
      await p.keyboard.press('Alt+6');
      const settings = p.getByTestId('scan-folder-settings');
      await settings.getByText('加密保存后从文件夹中删除原文件').waitFor();
      await settings.getByLabel('文件夹路径').fill(path.join(folder, 'missing'));
      await settings.getByRole('button', { name: '保存' }).click();
      await settings.getByText('这个路径下没有文件夹').waitFor();
      expect(await settings.getByLabel('文件夹路径').inputValue()).toBe(path.join(folder, 'missing'));
      await settings.getByLabel('文件夹路径').fill(folder);
      await settings.getByRole('button', { name: '保存' }).click();
      await settings.getByTestId('scan-folder-status').filter({ hasText: `正在监视 ${folder}` }).waitFor();

      await p.keyboard.press('Alt+1');
      await p.getByTestId('paper-batches').waitFor();
      // The batch's sheet list is open while the scanner writes: it shows the scan once attached, without leaving the page.
      await p.getByTestId('batch-DEMO').getByRole('button', { name: '逐张处理' }).click();
      await p.getByTestId('sheet-0002').waitFor();
      expect(await p.getByTestId('sheet-0002').getByText('已附扫描件').count()).toBe(0);
      fs.writeFileSync(path.join(folder, 'Scan_20260615_0002.pdf'), fs.readFileSync(path.join(SAMPLES, 'DEMO-0002.pdf')));
      const inbox = p.getByTestId('scan-inbox');
      await inbox.getByText('原文件已从文件夹中删除').waitFor({ timeout: 30_000 });
      await inbox.getByTestId('scan-item-Scan_20260615_0002.pdf').getByText('已按二维码附到 DEMO-0002').waitFor({ timeout: 30_000 });
      await p.getByTestId('sheet-0002').getByText('已附扫描件').waitFor();
      expect(fs.readdirSync(folder)).toEqual([]);
      const sheets = expectOk(await desk.manager.call('paper.batch.get', { batchId: batch.id })).sheets;
      expect(sheets.map((sheet) => sheet.scanId !== null)).toEqual([false, true, false, false]);
      expect(problems).toEqual([]);
    } finally {
      await desk.close();
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});
