// The printed paper form (issue 13 item 1): N numbered A4 sheets from `npm run form:pdf`, the site's
// fields in the entry screen's order, the CJK font embedded, serials carried by the QR payload.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { PDFDict, PDFDocument, PDFName, PDFRawStream } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import en from '../../resources/paper-form/en.json';
import zhCN from '../../resources/paper-form/zh-CN.json';
import { FIELD_NAMES, FIELD_PRESETS } from '../../shared/domain/intake/fields';
import { decodeFormQr, encodeFormQr, paperFormNumber } from '../../shared/domain/paper/serial';
import fontkit from '@pdf-lib/fontkit';
import { generateFormPdf, loadFormFont, loadNotice, missingCharacters } from '../../electron/core/paper/form-pdf';

const ROOT = path.resolve(__dirname, '../..');

function fontNames(doc: PDFDocument): string[] {
  const names: string[] = [];
  for (const [, object] of doc.context.enumerateIndirectObjects()) {
    const text = object.toString();
    const match = /\/BaseFont \/([A-Za-z0-9+-]+)/.exec(text);
    if (match?.[1]) names.push(match[1]);
  }
  return names;
}

describe('paper form PDF', () => {
  it('npm run form:pdf writes one A4 page per numbered sheet with the CJK font embedded', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-form-'));
    try {
      const out = path.join(dir, 'forms.pdf');
      const output = execFileSync(process.execPath, [path.join(ROOT, 'dist/cli/form-pdf.cjs'), '--count', '5', '--out', out, '--batch', 'B7', '--site', '北坡服务台'], { encoding: 'utf8', cwd: dir });
      expect(output).toContain('5 pages');
      const doc = await PDFDocument.load(fs.readFileSync(out));
      expect(doc.getPageCount()).toBe(5);
      const { width, height } = doc.getPage(0).getSize();
      expect([Math.round(width), Math.round(height)]).toEqual([595, 842]);
      expect(fontNames(doc).some((name) => name.includes('NotoSansCJK'))).toBe(true);
      // The font is embedded once: five sheets cost little more than the 1.5 MB font subset itself.
      expect(fs.statSync(out).size).toBeLessThan(2_000_000);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a bad count with a message naming the option', () => {
    let message = '';
    try {
      execFileSync(process.execPath, [path.join(ROOT, 'dist/cli/form-pdf.cjs'), '--count', 'zero', '--out', path.join(os.tmpdir(), 'never.pdf')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      message = String((error as { stderr?: string }).stderr);
    }
    expect(message).toContain('--count must be a whole number');
  });

  it('lays out the fields the site shows, in the entry screen order, and leaves hidden ones off', async () => {
    const common = { organisationName: '雪山', siteName: '北坡', batch: 'B1', firstSerial: 1, count: 1, noticeText: loadNotice('zh-CN'), fontBytes: loadFormFont() };
    const ski = await generateFormPdf({ ...common, fieldConfig: FIELD_PRESETS.ski_lodge });
    const order = ski.regions.map((region) => region.field);
    expect(order.slice(0, 4)).toEqual(['name', 'mobile', 'idType', 'idNumber']);
    expect(order.indexOf('addressProvince')).toBeLessThan(order.indexOf('emergencyName'));
    expect(order.indexOf('emergencyName')).toBeLessThan(order.indexOf('skiDiscipline'));
    expect(order.at(-1)).toBe('remarks');
    // An 18-character ID gets 18 cells; a mobile 11.
    const id = ski.regions.find((region) => region.field === 'idNumber');
    const mobile = ski.regions.find((region) => region.field === 'mobile');
    expect(id && mobile && id.width / mobile.width).toBeCloseTo(18 / 11, 5);
    for (const region of ski.regions) expect(region.y + region.height).toBeLessThan(ski.pageSize.height);

    const scenic = await generateFormPdf({ ...common, fieldConfig: FIELD_PRESETS.scenic_area });
    const scenicFields = scenic.regions.map((region) => region.field);
    expect(scenicFields).not.toContain('skiDiscipline');
    expect(scenicFields).not.toContain('landline');
    expect(scenicFields).toContain('addressProvince');
  });

  it('fits the English form on one page per sheet too', async () => {
    const pdf = await generateFormPdf({ organisationName: 'Snow Peak', siteName: 'North desk', fieldConfig: FIELD_PRESETS.ski_lodge, batch: 'B2', firstSerial: 41, count: 2, language: 'en', noticeText: loadNotice('en'), fontBytes: loadFormFont() });
    const doc = await PDFDocument.load(pdf.bytes);
    expect(doc.getPageCount()).toBe(2);
    expect(doc.getTitle()).toContain('B2-0041');
  });

  it('has the printed text in both languages, a label for every field', () => {
    const keys = (value: unknown, prefix = ''): string[] => (typeof value !== 'object' || value === null ? [prefix] : Object.entries(value).flatMap(([key, child]) => keys(child, prefix ? `${prefix}.${key}` : key)));
    expect(keys(en).sort()).toEqual(keys(zhCN).sort());
    for (const field of FIELD_NAMES) {
      expect((zhCN.field as Record<string, string>)[field], field).toBeTruthy();
      expect((en.field as Record<string, string>)[field], field).toBeTruthy();
    }
  });

  it('the embedded font draws every character the form prints, and a site name it cannot draw is refused by name', async () => {
    const font = fontkit.create(Buffer.from(loadFormFont()));
    const texts = [JSON.stringify(zhCN), JSON.stringify(en), loadNotice('zh-CN'), loadNotice('en'), '长白山滑雪度假区北大湖雪场'];
    for (const text of texts) expect(missingCharacters(font, text.replace(/\\n/g, ''))).toEqual([]);
    const rare = '𠀀';
    await expect(generateFormPdf({ organisationName: `雪场${rare}`, siteName: '北坡', fieldConfig: FIELD_PRESETS.ski_lodge, batch: 'B1', firstSerial: 1, count: 1, noticeText: loadNotice('zh-CN'), fontBytes: loadFormFont() })).rejects.toThrow(rare);
  });

  it('embeds a font that really draws the Chinese text (a broken subset would print blanks)', async () => {
    const pdf = await generateFormPdf({ organisationName: '长白山', siteName: '北大湖', fieldConfig: FIELD_PRESETS.ski_lodge, batch: 'B1', firstSerial: 1, count: 1, noticeText: loadNotice('zh-CN'), fontBytes: loadFormFont() });
    const doc = await PDFDocument.load(pdf.bytes);
    // The font file each font descriptor points to (FontFile2 or FontFile3).
    const fonts = doc.context
      .enumerateIndirectObjects()
      .map(([, object]) => object)
      .filter((object): object is PDFDict => object instanceof PDFDict && object.get(PDFName.of('Type'))?.toString() === '/FontDescriptor')
      .map((descriptor) => doc.context.lookup(descriptor.get(PDFName.of('FontFile2')) ?? descriptor.get(PDFName.of('FontFile3'))))
      .filter((object): object is PDFRawStream => object instanceof PDFRawStream);
    expect(fonts).toHaveLength(1);
    const stream = fonts[0]!;
    const bytes = stream.dict.get(PDFName.of('Filter'))?.toString() === '/FlateDecode' ? zlib.inflateSync(stream.contents) : Buffer.from(stream.contents);
    const embedded = fontkit.create(bytes);
    for (const ch of '客户信息登记表姓名手机号码') expect(embedded.glyphForCodePoint(ch.codePointAt(0)!).path.bbox.width, ch).toBeGreaterThan(0);
  });

  it('QR payload carries site, batch and serial and reads back', () => {
    const payload = encodeFormQr({ site: '北坡|服务台', batch: 'B7', serial: 12 });
    expect(decodeFormQr(payload)).toEqual({ site: '北坡/服务台', batch: 'B7', serial: 12 });
    expect(decodeFormQr('https://example.com')).toBeNull();
    expect(paperFormNumber('B7', 12)).toBe('B7-0012');
  });
});
