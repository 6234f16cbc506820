/**
 * `npm run sample:scans [-- --out resources/sample-scans] [--site 北大湖雪场] [--organisation …]` — sample scans of our own printed form,
 * filled in with fake values, for tests and the demo (issue 13). Made the way a real scan is:
 *
 * 1. the form PDF of batch DEMO, sheets 0001–0004, from the same generator as `npm run form:pdf`;
 * 2. each page rendered with pdf.js in Chromium (playwright-core, Debian's /usr/bin/chromium);
 * 3. handwriting-like values drawn into the field boxes the generator reports (blue ink, each
 *    character slightly turned, sized and shifted), a slight scanner skew and grain;
 * 4. rasterised as the office scanner would save it.
 *
 * Output (seeded, so a re-run gives the same pictures): `DEMO-0001.jpg` (straight), `DEMO-0002.pdf`
 * (the JPEG inside a one-page PDF, as scanners write PDFs), `DEMO-0003-upside-down.jpg` (fed the
 * wrong way round; the QR code still reads), `DEMO-0004-no-qr.jpg` (a stain over the QR code: staff
 * must pick the serial), and `manifest.json` (site, batch, serial and values of each file).
 * All values are made up (checksummed but fake ID numbers, 138 0000 xxxx phones).
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { PDFDocument } from 'pdf-lib';
import { checkCharacter } from '../shared/domain/identity';
import { FIELD_PRESETS } from '../shared/domain/intake/fields';
import { encodeFormQr } from '../shared/domain/paper/serial';
import { generateFormPdf, loadFormFont, loadNotice } from '../electron/core/paper/form-pdf';

// The names a test desk is set up with (tests/support/desk.ts), so the QR codes are this site's there.
const ORGANISATION = argument('organisation', '长白山滑雪度假区');
const SITE = argument('site', '北大湖雪场');
const BATCH = 'DEMO';
/** Width of the scanned picture in pixels (A4 at about 135 dpi): small files, QR code still readable. */
const WIDTH = 1100;

function argument(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 && process.argv[index + 1] ? (process.argv[index + 1] as string) : fallback;
}

function fakeId(region: string, birth: string, sequence: string): string {
  const first17 = `${region}${birth}${sequence}`;
  return first17 + checkCharacter(first17);
}

interface Sheet {
  serial: number;
  file: string;
  kind: 'jpeg' | 'pdf';
  turn: 0 | 180;
  stainQr: boolean;
  values: Record<string, string>;
}

const SHEETS: Sheet[] = [
  {
    serial: 1,
    file: `${BATCH}-0001.jpg`,
    kind: 'jpeg',
    turn: 0,
    stainQr: false,
    values: { idType: '✓', grade: '✓', skiDiscipline: '✓', name: '张伟', mobile: '13800000001', idNumber: fakeId('110105', '19900307', '123'), birthDate: '1990-03-07', addressProvince: '北京市', addressCity: '北京市', addressDistrict: '朝阳区', addressDetail: '建国路 88 号 3 单元 502', emergencyName: '李娜', emergencyMobile: '13800000002', heightCm: '176', weightKg: '70', bootMondo: '27', remarks: '第一次来' },
  },
  {
    serial: 2,
    file: `${BATCH}-0002.pdf`,
    kind: 'pdf',
    turn: 0,
    stainQr: false,
    values: { idType: '✓', grade: '✓', skiDiscipline: '✓', name: '王芳', mobile: '13800000003', idNumber: fakeId('310104', '19850612', '246'), birthDate: '1985-06-12', addressProvince: '上海市', addressCity: '上海市', addressDistrict: '徐汇区', addressDetail: '漕溪北路 1200 弄 6 号', emergencyName: '王强', emergencyMobile: '13800000004', heightCm: '162', weightKg: '52', bootMondo: '23.5', remarks: '' },
  },
  {
    serial: 3,
    file: `${BATCH}-0003-upside-down.jpg`,
    kind: 'jpeg',
    turn: 180,
    stainQr: false,
    values: { idType: '✓', grade: '✓', skiDiscipline: '✓', name: '刘洋', mobile: '13800000005', idNumber: fakeId('440305', '20010921', '358'), birthDate: '2001-09-21', addressProvince: '广东省', addressCity: '深圳市', addressDistrict: '南山区', addressDetail: '科技园南区 2 栋', emergencyName: '刘敏', emergencyMobile: '13800000006', heightCm: '181', weightKg: '75', bootMondo: '28', remarks: '单板' },
  },
  {
    serial: 4,
    file: `${BATCH}-0004-no-qr.jpg`,
    kind: 'jpeg',
    turn: 0,
    stainQr: true,
    values: { idType: '✓', grade: '✓', skiDiscipline: '✓', name: '陈静', mobile: '13800000007', idNumber: fakeId('510107', '19951130', '462'), birthDate: '1995-11-30', addressProvince: '四川省', addressCity: '成都市', addressDistrict: '武侯区', addressDetail: '人民南路四段 9 号', emergencyName: '陈刚', emergencyMobile: '13800000008', heightCm: '158', weightKg: '48', bootMondo: '23', remarks: '' },
  },
];

/** The page that renders and "fills in" one sheet; runs in Chromium. */
const PAGE = `<!doctype html><meta charset="utf-8"><body><script type="module">
import * as pdfjs from '/pdf.min.mjs';
pdfjs.GlobalWorkerOptions.workerSrc = '/pdf.worker.min.mjs';
window.fill = async ({ pdfBase64, pageNumber, width, regions, values, seed, turn, stainQr, pageSize }) => {
  let state = seed >>> 0;
  const random = () => { state = (state * 1664525 + 1013904223) >>> 0; return state / 2 ** 32; };
  const data = Uint8Array.from(atob(pdfBase64), (c) => c.charCodeAt(0));
  const pdf = await pdfjs.getDocument({ data, isEvalSupported: false, disableFontFace: true, verbosity: 1 }).promise;
  const page = await pdf.getPage(pageNumber);
  const scale = width / page.getViewport({ scale: 1 }).width;
  const viewport = page.getViewport({ scale });
  const form = document.createElement('canvas');
  form.width = Math.round(viewport.width);
  form.height = Math.round(viewport.height);
  const ctx = form.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, form.width, form.height);
  await page.render({ canvas: form, canvasContext: ctx, viewport }).promise;
  // Handwriting: blue ballpoint, every character turned, sized and shifted a little.
  ctx.fillStyle = '#1d3f8f';
  for (const region of regions) {
    const value = values[region.field];
    if (!value) continue;
    // A tick goes in the first box of a choice (its first line); text sits on the box's bottom line.
    const tick = value === '✓';
    const size = tick ? 13 * scale : Math.min(region.height * scale * 0.95, 17 * scale);
    let x = (region.x + (tick ? 0 : 3)) * scale;
    const baseline = (tick ? region.y + 10 : region.y + region.height - 3) * scale;
    for (const ch of value) {
      const turnBy = (random() - 0.5) * 0.16;
      const lift = (random() - 0.5) * size * 0.12;
      const s = size * (0.9 + random() * 0.15);
      ctx.save();
      ctx.translate(x, baseline + lift);
      ctx.rotate(turnBy);
      ctx.font = s + 'px "Noto Sans CJK SC", "Noto Serif CJK SC", sans-serif';
      ctx.globalAlpha = 0.8 + random() * 0.2;
      ctx.fillText(ch, 0, 0);
      const advance = ctx.measureText(ch).width;
      ctx.restore();
      x += advance + s * (0.02 + random() * 0.06);
    }
  }
  ctx.globalAlpha = 1;
  if (stainQr) {
    // A coffee stain over the QR code in the top right corner.
    const cx = (pageSize.width - 30 - 32) * scale;
    const cy = 56 * scale;
    const gradient = ctx.createRadialGradient(cx, cy, 5, cx, cy, 46 * scale);
    gradient.addColorStop(0, 'rgba(96, 60, 28, 1)');
    gradient.addColorStop(0.85, 'rgba(104, 66, 32, 0.97)');
    gradient.addColorStop(1, 'rgba(120, 80, 40, 0)');
    ctx.fillStyle = gradient;
    ctx.beginPath();
    ctx.ellipse(cx, cy, 44 * scale, 40 * scale, 0.4, 0, Math.PI * 2);
    ctx.fill();
  }
  // The scanner: a slight skew, grey paper, grain; fed upside down when asked.
  const scan = document.createElement('canvas');
  scan.width = form.width;
  scan.height = form.height;
  const out = scan.getContext('2d');
  out.fillStyle = '#f4f3ef';
  out.fillRect(0, 0, scan.width, scan.height);
  out.translate(scan.width / 2, scan.height / 2);
  out.rotate(((turn === 180 ? 180 : 0) + (random() - 0.5) * 1.2) * Math.PI / 180);
  out.drawImage(form, -form.width / 2, -form.height / 2);
  out.setTransform(1, 0, 0, 1, 0, 0);
  const pixels = out.getImageData(0, 0, scan.width, scan.height);
  for (let i = 0; i < pixels.data.length; i += 4) {
    const grain = (random() - 0.5) * 14;
    pixels.data[i] = Math.max(0, Math.min(255, pixels.data[i] + grain));
    pixels.data[i + 1] = Math.max(0, Math.min(255, pixels.data[i + 1] + grain));
    pixels.data[i + 2] = Math.max(0, Math.min(255, pixels.data[i + 2] + grain));
  }
  out.putImageData(pixels, 0, 0);
  return scan.toDataURL('image/jpeg', 0.72).split(',')[1];
};
window.ready = true;
</script>`;

async function main(): Promise<void> {
  const outDir = path.resolve(argument('out', path.join('resources', 'sample-scans')));
  const chromiumPath = process.env['INTAKE_DESK_CHROMIUM'] ?? '/usr/bin/chromium';
  const form = await generateFormPdf({ organisationName: ORGANISATION, siteName: SITE, fieldConfig: FIELD_PRESETS.ski_lodge, batch: BATCH, firstSerial: 1, count: SHEETS.length, language: 'zh-CN', noticeText: loadNotice('zh-CN'), fontBytes: loadFormFont() });
  const pdfjsDir = path.resolve('node_modules', 'pdfjs-dist', 'build');
  // pdf.js from our own node_modules, over loopback: nothing is fetched from anywhere else.
  const server = http.createServer((request, response) => {
    const name = request.url === '/' ? null : path.basename(request.url ?? '');
    if (name === null) {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
    } else if (name === 'pdf.min.mjs' || name === 'pdf.worker.min.mjs') {
      response.writeHead(200, { 'content-type': 'text/javascript' }).end(fs.readFileSync(path.join(pdfjsDir, name)));
    } else {
      if (process.env['SAMPLE_SCANS_DEBUG']) console.log('404', request.url);
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
  try {
    const page = await browser.newPage();
    if (process.env['SAMPLE_SCANS_DEBUG']) page.on('console', (message) => console.log('page:', message.text()));
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
    fs.mkdirSync(outDir, { recursive: true });
    const manifest = [];
    for (const sheet of SHEETS) {
      const jpegBase64 = await page.evaluate(
        (input) => (window as unknown as { fill: (i: typeof input) => Promise<string> }).fill(input),
        { pdfBase64: Buffer.from(form.bytes).toString('base64'), pageNumber: sheet.serial, width: WIDTH, regions: form.regions, values: sheet.values, seed: 7919 * sheet.serial, turn: sheet.turn, stainQr: sheet.stainQr, pageSize: form.pageSize },
      );
      const jpeg = Buffer.from(jpegBase64, 'base64');
      let bytes: Uint8Array = jpeg;
      if (sheet.kind === 'pdf') {
        const doc = await PDFDocument.create();
        doc.setCreationDate(new Date(0));
        doc.setModificationDate(new Date(0));
        doc.setProducer('Intake Desk sample scanner');
        const image = await doc.embedJpg(jpeg);
        const pdfPage = doc.addPage([form.pageSize.width, form.pageSize.height]);
        pdfPage.drawImage(image, { x: 0, y: 0, width: form.pageSize.width, height: form.pageSize.height });
        bytes = await doc.save();
      }
      fs.writeFileSync(path.join(outDir, sheet.file), bytes);
      manifest.push({ file: sheet.file, site: SITE, batch: BATCH, serial: sheet.serial, qr: sheet.stainQr ? null : encodeFormQr({ site: SITE, batch: BATCH, serial: sheet.serial }), upsideDown: sheet.turn === 180, values: sheet.values });
      console.log(`${sheet.file}: ${bytes.length} bytes`);
    }
    fs.writeFileSync(path.join(outDir, 'manifest.json'), `${JSON.stringify({ organisation: ORGANISATION, site: SITE, batch: BATCH, note: 'Generated by scripts/sample-scans.ts (npm run sample:scans). Every value is made up.', sheets: manifest }, null, 2)}\n`);
  } finally {
    await browser.close();
    server.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
