// The encrypted, content-addressed attachment store and the checks a scan passes on the way in
// (issue 13 item 3; decision record 0009).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { AttachmentStore } from '../../electron/core/attachments/attachment-store';
import { cleanScan, detectScanType, SCAN_MAX_BYTES } from '../../electron/core/attachments/scan-files';
import { deriveDeskKeys } from '../../electron/core/crypto/desk-keys';
import { DomainError } from '../../electron/core/errors';
import { FIELD_PRESETS } from '../../shared/domain/intake/fields';
import { generateFormPdf, loadFormFont, loadNotice } from '../../electron/core/paper/form-pdf';

const KEY = 'a'.repeat(64);
const OTHER_KEY = 'b'.repeat(64);
const PHOTO = fs.readFileSync(path.resolve(__dirname, '../fixtures/scans/photo-with-exif.jpg'));
const dirs: string[] = [];

function dataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-attach-'));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function allFiles(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}

async function refusal(input: Uint8Array): Promise<DomainError> {
  try {
    await cleanScan(input);
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('accepted');
}

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(zlib.crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** A 4×4 white greyscale PNG with a tEXt chunk, as scanner software writes (device name, time). */
function pngWithText(): Buffer {
  const ihdr = Buffer.from([0, 0, 0, 4, 0, 0, 0, 4, 8, 0, 0, 0, 0]);
  const rows = Buffer.concat(Array.from({ length: 4 }, () => Buffer.from([0, 255, 255, 255, 255])));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('tEXt', Buffer.from('Comment\0Scanner HP-1234 2026-12-01', 'latin1')),
    chunk('IDAT', zlib.deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('attachment store', () => {
  it('stores a scan encrypted under the desk key, once per content, and gives it back whole', async () => {
    const dir = dataDir();
    const store = new AttachmentStore(dir, deriveDeskKeys(KEY).attachments);
    const scan = await cleanScan(PHOTO);
    const id = store.put(scan.bytes, { type: scan.type, pages: scan.pages });
    expect(store.put(scan.bytes, { type: scan.type, pages: scan.pages })).toBe(id);
    expect(store.count()).toBe(1);
    expect(store.list()).toEqual([id]);
    const back = store.get(id);
    expect(back.type).toBe('image/jpeg');
    expect(back.bytes.equals(scan.bytes)).toBe(true);
    // On disk: one sealed file under attachments/, no plain copy of the image anywhere.
    const files = allFiles(dir);
    expect(files.map((file) => path.relative(dir, file))).toEqual([path.join('attachments', id.slice(0, 2), `${id}.att`)]);
    const sealed = fs.readFileSync(files[0]!);
    expect(sealed.includes(scan.bytes.subarray(20, 60))).toBe(false);
    expect(sealed.subarray(0, 4).toString('ascii')).toBe('IDA1');
  });

  it('refuses an altered file, a file moved to another id, and another desk key', async () => {
    const dir = dataDir();
    const store = new AttachmentStore(dir, deriveDeskKeys(KEY).attachments);
    const a = store.put(pngWithText(), { type: 'image/png', pages: 1 });
    const b = store.put((await cleanScan(PHOTO)).bytes, { type: 'image/jpeg', pages: 1 });
    expect(() => new AttachmentStore(dir, deriveDeskKeys(OTHER_KEY).attachments).get(a)).toThrow(/integrity/);
    const fileA = path.join(dir, store.relativePath(a));
    const fileB = path.join(dir, store.relativePath(b));
    fs.copyFileSync(fileA, fileB);
    expect(() => store.get(b)).toThrow(/integrity/);
    const sealed = fs.readFileSync(fileA);
    sealed[sealed.length - 20]! ^= 0x01;
    fs.writeFileSync(fileA, sealed);
    expect(() => store.get(a)).toThrow(/integrity/);
    expect(() => store.get('0'.repeat(64))).toThrow(DomainError);
  });
});

describe('scan checks', () => {
  it('removes the EXIF block of a photo and keeps the image', async () => {
    expect(PHOTO.includes('GPS')).toBe(true);
    const scan = await cleanScan(PHOTO);
    expect(scan.type).toBe('image/jpeg');
    expect(scan.bytes.includes('GPS')).toBe(false);
    expect(scan.bytes.includes('Exif')).toBe(false);
    expect(scan.bytes.length).toBeLessThan(PHOTO.length);
    // The image data itself is untouched: from the start-of-scan marker on, identical.
    const sos = (buffer: Buffer) => buffer.subarray(buffer.indexOf(Buffer.from([0xff, 0xda])));
    expect(sos(scan.bytes).equals(sos(PHOTO))).toBe(true);
  });

  it('removes text chunks of a PNG', async () => {
    const scan = await cleanScan(pngWithText());
    expect(scan.type).toBe('image/png');
    expect(scan.bytes.includes('Scanner HP-1234')).toBe(false);
    expect(scan.bytes.includes('IDAT')).toBe(true);
    expect(scan.bytes.subarray(-12).equals(chunk('IEND', Buffer.alloc(0)))).toBe(true);
  });

  it('judges the type by content: a renamed executable is refused, a PDF is accepted', async () => {
    const executable = fs.readFileSync(process.execPath).subarray(0, 4096);
    expect(detectScanType(executable)).toBeNull();
    const refused = await refusal(executable);
    expect(refused.fields).toEqual({ file: 'scan_type' });
    const pdf = await generateFormPdf({ organisationName: 'O', siteName: 'S', fieldConfig: FIELD_PRESETS.scenic_area, batch: 'B1', firstSerial: 1, count: 2, noticeText: loadNotice('zh-CN'), fontBytes: loadFormFont() });
    const scan = await cleanScan(pdf.bytes);
    expect(scan).toMatchObject({ type: 'application/pdf', pages: 2 });
  });

  it('refuses a file over 10 MB, an empty one and a corrupt PDF, naming the problem', async () => {
    const big = Buffer.alloc(50 * 1024 * 1024);
    PHOTO.copy(big);
    const tooLarge = await refusal(big);
    expect(tooLarge.fields).toEqual({ file: 'scan_too_large' });
    expect(tooLarge.details).toEqual({ maxBytes: SCAN_MAX_BYTES });
    expect((await refusal(new Uint8Array(0))).fields).toEqual({ file: 'scan_empty' });
    const corrupt = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from('1 0 obj << /Type /Catalog /Pages 9 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF')]);
    expect((await refusal(corrupt)).fields).toEqual({ file: 'scan_corrupt' });
    const cut = PHOTO.subarray(0, 30);
    expect((await refusal(cut)).fields).toEqual({ file: 'scan_corrupt' });
  });
});
