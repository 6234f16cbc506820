// Issue 13 item 3 with sync, in Chromium: a real central server and two desks (browser host + core
// worker + SQLCipher database each). A lead at desk 1 imports a PDF scan of sheet DEMO-0002 (found
// by its QR code); the desks sync by themselves; desk 2, which never had the file, shows the scan's
// page beside the sheet.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { clockFrom } from '../../electron/core/core';
import { launchChromium, newDeskPage, screenshotOnFailure, signInWithKeyboard } from '../support/browser';
import { TEST_CLOCK_START, connect, expectOk, setUpDesk, signedIn, startDesk, type RpcClient } from '../support/desk';
import { startSyncServer, type SyncServer } from '../support/sync-server';

type Desk = Awaited<ReturnType<typeof startDesk>>;
const SLOW = { timeout: 60_000, interval: 250 };
let browser: Browser;
let server: SyncServer | null = null;
let failed: Page | undefined;
const pages: Page[] = [];
const desks: Desk[] = [];
const clients: RpcClient[] = [];

beforeAll(async () => {
  browser = await launchChromium();
});
afterEach(async (context) => {
  await screenshotOnFailure(context, failed, 'scan-sync');
  for (const each of clients.splice(0)) each.close();
  for (const each of pages.splice(0)) await each.close().catch(() => undefined);
  for (const each of desks.splice(0)) await each.close();
  await server?.stop().catch(() => undefined);
  server = null;
});
afterAll(async () => {
  await browser?.close();
});

async function page(): Promise<Page> {
  const opened = await newDeskPage(browser);
  pages.push(opened);
  failed = opened;
  return opened;
}

describe('scans travel with sync', () => {
  it('a PDF scan imported at desk 1 is shown at desk 2, which never had the file', async () => {
    server = await startSyncServer({ now: clockFrom(Date.now, TEST_CLOCK_START) });
    const one = await startDesk();
    desks.push(one);
    const manager1 = await connect(one);
    clients.push(manager1);
    await setUpDesk(manager1);
    expectOk(await manager1.call('staff.create', { username: 'lead.l', displayName: '丙组长', role: 'group_lead', certified: true, password: 'Password123', passwordSetByStaff: true }));
    expectOk(await manager1.call('sync.register', { serverUrl: server.url, organisationId: 'org_lodge', siteId: 'site_hall' }));

    const two = await startDesk();
    desks.push(two);
    const manager2 = await connect(two);
    clients.push(manager2);
    expectOk(await manager2.call('setup.initialize', { organisationName: '长白山滑雪度假区', siteName: '北大湖雪场', deskName: '2号柜台', manager: { username: 'zhao.mgr', displayName: '赵经理', password: 'Manager2026' } }));
    const { pairingCode } = expectOk(await manager2.call('sync.enrol', { serverUrl: server.url, siteId: 'site_hall' }));
    expectOk(await manager1.call('sync.approve', { code: pairingCode }));
    await expect.poll(async () => expectOk(await manager2.call('sync.status')).pairing?.sas ?? null, SLOW).not.toBeNull();
    expect(expectOk(await manager2.call('sync.confirmPairing', { matches: true })).enrolled).toBe(true);

    // Desk 1: the lead opens batch DEMO and imports the PDF scan of sheet 2; its QR code finds the sheet.
    const lead = await signedIn(one, 'lead.l');
    clients.push(lead);
    const batch = expectOk(await lead.call('paper.batch.open', { code: 'DEMO', place: '售票窗口', collectedOn: '2026-06-15', firstSerial: 1, count: 4 }));
    const screen1 = await page();
    await signInWithKeyboard(screen1, one.launchUrl(), 'lead.l', 'Password123', '丙组长');
    const row1 = screen1.getByTestId('batch-DEMO');
    await row1.getByRole('button', { name: '逐张处理' }).click();
    await row1.getByTestId('scan-import').locator('input[type=file]').setInputFiles({ name: 'DEMO-0002.pdf', mimeType: 'application/pdf', buffer: fs.readFileSync(path.resolve(__dirname, '../../resources/sample-scans/DEMO-0002.pdf')) });
    await row1.getByText('已按二维码附到 DEMO-0002').waitFor();
    const scanId = expectOk(await lead.call('paper.batch.get', { batchId: batch.id })).sheets[1]?.scanId ?? '';
    expect(scanId).toMatch(/^[0-9a-f]{64}$/);

    // Desk 2: the batch, the sheet and its scan arrive by themselves; the scan shows beside the sheet.
    await expect.poll(async () => {
      const found = await manager2.call('paper.batch.get', { batchId: batch.id });
      return found.ok ? (found.value.sheets[1]?.scanId ?? null) : null;
    }, SLOW).toBe(scanId);
    const screen2 = await page();
    await signInWithKeyboard(screen2, two.launchUrl(), 'zhao.mgr', 'Manager2026', '赵经理');
    const row2 = screen2.getByTestId('batch-DEMO');
    await row2.getByRole('button', { name: '逐张处理' }).click();
    const sheet2 = row2.getByTestId('sheet-0002');
    await sheet2.getByText('已附扫描件').waitFor();
    await sheet2.getByRole('button', { name: '查看扫描件' }).click();
    const shown = sheet2.getByTestId('scan-image-2');
    await shown.waitFor(SLOW);
    await expect.poll(() => shown.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1240);
    // The same page as desk 1 shows.
    expect(expectOk(await manager2.call('paper.scan.image', { scanId })).base64).toBe(expectOk(await lead.call('paper.scan.image', { scanId })).base64);
    // Desk 2 holds it encrypted under its own key: no file of desk 2 contains the PDF's bytes.
    const pdf = fs.readFileSync(path.resolve(__dirname, '../../resources/sample-scans/DEMO-0002.pdf'));
    const files = fs.readdirSync(path.join(two.dataDir, 'attachments'), { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
    expect(files.length).toBe(2);
    for (const entry of files) expect(fs.readFileSync(path.join(entry.parentPath, entry.name)).includes(pdf.subarray(5000, 5400))).toBe(false);
  }, 240_000);
});
