// Issue 13 item 3 (with sync): scans travel with sync. Desk A attaches a scan (and a PDF with its
// rendered page) and syncs; the central server holds only sealed pieces addressed by site and
// content id; desk B, which never saw the file, pulls it and shows it. Two real desk cores on their
// own SQLCipher databases with different desk keys, and the real server (Fastify + PGlite).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { openCore, type Core } from '../../electron/core/core';
import { openBatch } from '../../electron/core/paper/batch-service';
import { attachUploadedScan, scanImage } from '../../electron/core/paper/scan-service';
import { SYNC_LIMITS } from '../../shared/api/sync-contract';
import { tempDataDir } from '../support/desk';
import { startSyncServer, type SyncServer } from '../support/sync-server';

const clock = { now: Date.UTC(2026, 0, 10, 9, 0, 0) };
const now = () => clock.now;
const opened: Core[] = [];
const servers: SyncServer[] = [];
afterEach(async () => {
  for (const core of opened.splice(0)) core.close();
  for (const server of servers.splice(0)) await server.stop().catch(() => undefined);
});

const SAMPLES = path.resolve(__dirname, '../../resources/sample-scans');
const LEAD = 'stf_lead-000000001';

function desk(label: string, keyByte: string): Core {
  let n = 0;
  const core = openCore({ dataDir: tempDataDir(label), keyHex: keyByte.repeat(32), appVersion: 'test', now, randomId: (prefix) => `${prefix}_${label}-${String(++n).padStart(12, '0')}` });
  opened.push(core);
  return core;
}

function uploadOf(core: Core, bytes: Buffer): string {
  const id = core.services.ctx.randomId('upl');
  core.services.uploads.begin(id, LEAD, bytes.length);
  for (let at = 0, index = 0; at < bytes.length; at += 512 * 1024, index += 1) core.services.uploads.add(id, LEAD, index, bytes.subarray(at, at + 512 * 1024));
  return id;
}

/** A PNG the size of a rendered page, from noise that does not compress: several server pieces. */
function bigPng(): Buffer {
  const width = 1240;
  const height = 900;
  const rows: Buffer[] = [];
  let state = 12345;
  for (let y = 0; y < height; y += 1) {
    const row = Buffer.alloc(1 + width * 3);
    for (let i = 1; i < row.length; i += 1) {
      state = (state * 1103515245 + 12345) >>> 0;
      row[i] = state >>> 24;
    }
    rows.push(row);
  }
  const chunk = (type: string, data: Buffer): Buffer => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, 'latin1');
    data.copy(out, 8);
    out.writeUInt32BE(zlib.crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(Buffer.concat(rows), { level: 0 })), chunk('IEND', Buffer.alloc(0))]);
}

describe('scans travel with sync', () => {
  it('desk A attaches a photo and a PDF with its rendered page; desk B, which never had them, shows both', async () => {
    const server = await startSyncServer({ now });
    servers.push(server);
    const one = desk('scan-a', 'a1');
    const two = desk('scan-b', 'b2');
    await one.services.sync.register({ serverUrl: server.url, organisationId: 'org_lodge', siteId: 'site_hall' });
    const { pairingCode } = await two.services.sync.enrol({ serverUrl: server.url, siteId: 'site_hall' });
    await one.services.sync.approve(pairingCode);
    await two.services.sync.syncNow();
    expect(two.services.sync.confirmPairing(true)).toBe(true);

    const batch = openBatch(one.services, { staffId: LEAD, role: 'group_lead' }, { code: 'DEMO', place: '售票窗口', collectedOn: '2026-01-10', firstSerial: 1, count: 4 });
    const photo = fs.readFileSync(path.join(SAMPLES, 'DEMO-0001.jpg'));
    const pdf = fs.readFileSync(path.join(SAMPLES, 'DEMO-0002.pdf'));
    const page = bigPng();
    expect(page.length).toBeGreaterThan(2 * SYNC_LIMITS.blobChunkBytes);
    const first = await attachUploadedScan(one.services, LEAD, { uploadId: uploadOf(one, photo), batchId: batch.id, serial: 1 });
    const second = await attachUploadedScan(one.services, LEAD, { uploadId: uploadOf(one, pdf), imageUploadId: uploadOf(one, page), batchId: batch.id, serial: 2 });
    const shownOnOne = await scanImage(one.services, LEAD, second.scanId);

    await one.services.sync.syncNow();
    // The server holds sealed pieces only: neither the photo nor the page appears in its database files.
    const serverFiles = fs.readdirSync(server.dataDir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
    const leaked = serverFiles.filter((entry) => {
      const bytes = fs.readFileSync(path.join(entry.parentPath, entry.name));
      return bytes.includes(photo.subarray(2000, 2400)) || bytes.includes(page.subarray(100_000, 100_400));
    });
    expect(leaked.map((entry) => entry.name)).toEqual([]);

    // Desk B: never saw the files; after one sync round it has the sheets, the scans, and shows them.
    expect(two.services.attachments.count()).toBe(0);
    await two.services.sync.syncNow();
    const photoOnTwo = await scanImage(two.services, LEAD, first.scanId);
    expect(photoOnTwo.type).toBe('image/jpeg');
    expect(Buffer.from(photoOnTwo.base64, 'base64').equals(Buffer.from((await scanImage(one.services, LEAD, first.scanId)).base64, 'base64'))).toBe(true);
    const pageOnTwo = await scanImage(two.services, LEAD, second.scanId);
    expect(pageOnTwo).toMatchObject({ type: 'image/png', pages: 1, batchId: batch.id, serial: 2 });
    expect(pageOnTwo.base64).toBe(shownOnOne.base64);
    // Stored on B under the same ids, sealed under B's own key (B's files differ from A's).
    expect(two.services.attachments.list()).toEqual(one.services.attachments.list());
    const id = first.scanId;
    const relative = one.services.attachments.relativePath(id);
    expect(fs.readFileSync(path.join(two.services.attachments.root, '..', relative)).equals(fs.readFileSync(path.join(one.services.attachments.root, '..', relative)))).toBe(false);
  }, 180_000);

  it('fetches a scan on demand when a screen asks for it before the background round did', async () => {
    const server = await startSyncServer({ now });
    servers.push(server);
    const one = desk('scan-c', 'c3');
    const two = desk('scan-d', 'd4');
    await one.services.sync.register({ serverUrl: server.url, organisationId: 'org_lodge', siteId: 'site_hall' });
    const { pairingCode } = await two.services.sync.enrol({ serverUrl: server.url, siteId: 'site_hall' });
    await one.services.sync.approve(pairingCode);
    await two.services.sync.syncNow();
    expect(two.services.sync.confirmPairing(true)).toBe(true);
    const batch = openBatch(one.services, { staffId: LEAD, role: 'group_lead' }, { code: 'B2', place: '大巴', collectedOn: '2026-01-10', firstSerial: 1, count: 1 });
    const photo = fs.readFileSync(path.join(SAMPLES, 'DEMO-0003-upside-down.jpg'));
    const attached = await attachUploadedScan(one.services, LEAD, { uploadId: uploadOf(one, photo), batchId: batch.id, serial: 1 });
    await one.services.sync.syncNow();
    await two.services.sync.syncNow();
    // The background round took it already; remove B's copy to see the on-demand path fetch it again.
    fs.rmSync(path.join(two.services.attachments.root, '..', two.services.attachments.relativePath(attached.scanId)));
    expect(two.services.attachments.has(attached.scanId)).toBe(false);
    const shown = await scanImage(two.services, LEAD, attached.scanId);
    expect(shown.type).toBe('image/jpeg');
    expect(two.services.attachments.has(attached.scanId)).toBe(true);
  }, 120_000);
});
