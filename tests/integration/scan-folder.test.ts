// Issue 13 item 3: the scanner's watched folder and scans that find their own sheet. A real desk
// core over its SQLCipher database (in-process, so the test makes each look at the folder itself):
// files are imported once they stopped growing, stored encrypted, the plain original removed; a file
// that fails the checks is moved to rejected/ with the reason; imported scans wait in the inbox and
// are attached to the sheet their QR code names — refused, with the reason, when the code is another
// site's or another batch's, or disagrees with the serial picked.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openCore, type Core } from '../../electron/core/core';
import { DomainError } from '../../electron/core/errors';
import { batchDetail, openBatch } from '../../electron/core/paper/batch-service';
import { assignInboxScan, scanImage, scanInbox } from '../../electron/core/paper/scan-service';
import { initializeDesk } from '../../electron/core/staff/staff-service';
import { encodeFormQr } from '../../shared/domain/paper/serial';
import { tempDataDir } from '../support/desk';

const SAMPLES = path.resolve(__dirname, '../../resources/sample-scans');
const SITE = '北大湖雪场';
const clock = { now: Date.UTC(2026, 5, 15, 9, 0, 0) };
const opened: Core[] = [];
const folders: string[] = [];
afterEach(() => {
  for (const core of opened.splice(0)) core.close();
  for (const dir of folders.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

async function desk(): Promise<{ core: Core; managerId: string; folder: string }> {
  const core = openCore({ dataDir: tempDataDir('scan-folder'), keyHex: 'cd'.repeat(32), appVersion: 'test', now: () => clock.now });
  opened.push(core);
  const managerId = await initializeDesk(core.services, { organisationName: '长白山滑雪度假区', siteName: SITE, deskName: '1号柜台', manager: { username: 'wang.li', displayName: '王丽', password: 'Manager2026' } });
  const folder = tempDataDir('scanner');
  folders.push(folder);
  return { core, managerId, folder };
}

function refusal(work: () => unknown): Promise<DomainError> {
  return Promise.resolve()
    .then(work)
    .then(
      () => {
        throw new Error('accepted');
      },
      (error: unknown) => {
        if (error instanceof DomainError) return error;
        throw error;
      },
    );
}

function upload(core: Core, staffId: string, bytes: Buffer): string {
  const id = core.services.ctx.randomId('upl');
  core.services.uploads.begin(id, staffId, bytes.length);
  core.services.uploads.add(id, staffId, 0, bytes);
  return id;
}

const PNG_1x1 = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGP4DwABAQEAWk1v8QAAAABJRU5ErkJggg==', 'base64');

describe('the scanner folder', () => {
  it('is a folder outside the data folder that the desk can write in; bad paths are named', async () => {
    const { core, managerId, folder } = await desk();
    const folderRefusal = async (value: string) => (await refusal(() => core.services.scanFolder.configure(managerId, value))).fields?.['folder'];
    expect(await folderRefusal('scans')).toBe('scan_folder_not_absolute');
    expect(await folderRefusal(path.join(folder, 'nope'))).toBe('scan_folder_missing');
    expect(await folderRefusal(path.join(core.services.attachments.root, '..'))).toBe('scan_folder_in_data');
    expect(await folderRefusal(path.join(core.services.attachments.root, '..', '..'))).toBe('scan_folder_in_data');
    expect(await folderRefusal(path.parse(folder).root)).toMatch(/^scan_folder_(in_data|root)$/);
    expect(core.services.scanFolder.configure(managerId, folder).folder).toBe(folder);
  });

  it('imports files once they stopped growing, removes the plain originals, and moves a bad file to rejected/ with the reason', async () => {
    const { core, managerId, folder } = await desk();
    core.services.scanFolder.configure(managerId, folder);
    const pdf = fs.readFileSync(path.join(SAMPLES, 'DEMO-0002.pdf'));
    const photo = fs.readFileSync(path.join(SAMPLES, 'DEMO-0001.jpg'));
    fs.writeFileSync(path.join(folder, 'scan-0002.pdf'), pdf);
    fs.writeFileSync(path.join(folder, 'scan-0009.jpg'), fs.readFileSync(process.execPath).subarray(0, 32 * 1024));
    // The scanner is still writing this one.
    fs.writeFileSync(path.join(folder, 'scan-0001.jpg'), photo.subarray(0, 40_000));

    expect(await core.services.scanFolder.tick()).toEqual({ imported: 0, rejected: 0 });
    fs.appendFileSync(path.join(folder, 'scan-0001.jpg'), photo.subarray(40_000));
    expect(await core.services.scanFolder.tick()).toEqual({ imported: 1, rejected: 1 });
    expect(fs.readdirSync(folder).sort()).toEqual(['rejected', 'scan-0001.jpg']);
    expect(fs.readdirSync(path.join(folder, 'rejected')).sort()).toEqual(['scan-0009.jpg', 'scan-0009.jpg.reason.txt']);
    expect(fs.readFileSync(path.join(folder, 'rejected', 'scan-0009.jpg.reason.txt'), 'utf8')).toContain('不是 JPEG、PNG 或 PDF 文件');

    expect(await core.services.scanFolder.tick()).toEqual({ imported: 1, rejected: 0 });
    expect(fs.readdirSync(folder)).toEqual(['rejected']);
    expect(core.services.scanFolder.status()).toMatchObject({ folder, imported: 2, rejected: 1 });

    // In the inbox, encrypted: no plain copy of either file in the data folder.
    const inbox = scanInbox(core.services);
    expect(inbox.map((scan) => [scan.fileName, scan.type, scan.hasImage])).toEqual([
      ['scan-0002.pdf', 'application/pdf', false],
      ['scan-0001.jpg', 'image/jpeg', true],
    ]);
    const stored = fs.readdirSync(core.services.attachments.root, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
    expect(stored).toHaveLength(2);
    for (const entry of stored) {
      const bytes = fs.readFileSync(path.join(entry.parentPath, entry.name));
      expect(bytes.includes(pdf.subarray(3000, 3300)) || bytes.includes(photo.subarray(3000, 3300))).toBe(false);
    }
  });

  it('attaches an inbox scan to the sheet its QR code names; another site, another batch or another serial is refused with the reason', async () => {
    const { core, managerId, folder } = await desk();
    const lead = { staffId: managerId, role: 'manager' as const };
    const demo = openBatch(core.services, lead, { code: 'DEMO', place: '售票窗口', collectedOn: '2026-06-15', firstSerial: 1, count: 4 });
    openBatch(core.services, lead, { code: 'B9', place: '大巴', collectedOn: '2026-06-15', firstSerial: 1, count: 2 });
    core.services.scanFolder.configure(managerId, folder);
    fs.writeFileSync(path.join(folder, 'scan.pdf'), fs.readFileSync(path.join(SAMPLES, 'DEMO-0002.pdf')));
    await core.services.scanFolder.tick();
    await core.services.scanFolder.tick();
    const [scan] = scanInbox(core.services);
    if (!scan) throw new Error('nothing imported');

    const code = async (input: Parameters<typeof assignInboxScan>[2]) => {
      const error = await refusal(() => assignInboxScan(core.services, managerId, input));
      return { fields: error.fields, details: error.details };
    };
    const qr = (site: string, batch: string, serial: number) => encodeFormQr({ site, batch, serial });
    expect(await code({ scanId: scan.scanId, qr: qr('另一个雪场', 'DEMO', 2) })).toMatchObject({ fields: { qr: 'scan_qr_other_site' }, details: { site: '另一个雪场' } });
    expect(await code({ scanId: scan.scanId, qr: qr(SITE, 'B9', 2), batchId: demo.id })).toMatchObject({ fields: { qr: 'scan_qr_other_batch' }, details: { batch: 'B9' } });
    expect(await code({ scanId: scan.scanId, qr: qr(SITE, 'ZZ', 2) })).toMatchObject({ fields: { qr: 'scan_qr_unknown_batch' } });
    expect(await code({ scanId: scan.scanId, qr: qr(SITE, 'DEMO', 2), batchId: demo.id, serial: 3 })).toMatchObject({ fields: { qr: 'scan_qr_other_serial' }, details: { serial: '0002' } });
    expect(await code({ scanId: scan.scanId, qr: 'https://example.com/not-ours' })).toMatchObject({ fields: { qr: 'scan_qr_foreign' } });
    expect(await code({ scanId: scan.scanId })).toMatchObject({ fields: { serial: 'scan_no_qr' } });
    // A PDF goes on a sheet only with its rendered page, so every screen can show it.
    expect(await code({ scanId: scan.scanId, qr: qr(SITE, 'DEMO', 2) })).toMatchObject({ fields: { file: 'scan_render' } });
    expect(scanInbox(core.services)).toHaveLength(1);

    const assigned = await assignInboxScan(core.services, managerId, { scanId: scan.scanId, qr: qr(SITE, 'DEMO', 2), imageUploadId: upload(core, managerId, PNG_1x1) });
    expect(assigned).toMatchObject({ batchId: demo.id, serial: 2 });
    expect(batchDetail(core.services, demo.id).sheets.find((sheet) => sheet.serial === 2)?.scanId).toBe(scan.scanId);
    expect(scanInbox(core.services)).toEqual([]);
    const image = await scanImage(core.services, managerId, scan.scanId);
    expect(image).toMatchObject({ type: 'image/png', pages: 1, batchId: demo.id, serial: 2 });
    expect(Buffer.from(image.base64, 'base64').equals(PNG_1x1)).toBe(true);
  });
});
