/**
 * The site's printed registration form (纸质登记表), generated with pdf-lib: the fields this site
 * shows, in the entry screen's order, each with a box sized for what it holds; the consent notice
 * with its version, the separate consent for the ID number; and on every sheet the serial number as
 * text and as a QR code (site, batch, serial) so a scan finds its sheet. One page per sheet.
 *
 * The printed text is resources/paper-form/<lang>.json (labels as on the entry screen, in words
 * that suit paper). The CJK font is a committed subset of Noto Sans CJK SC (resources/fonts, OFL), embedded
 * once per file (about 1.3 MB, however many sheets). Each field's box is returned as a region (points, origin top-left),
 * so the transcription screen can highlight the field being typed on the scan of our own form.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { PDFFont, PDFPage, RGB } from 'pdf-lib';
import type QRCode from 'qrcode';
import en from '../../../resources/paper-form/en.json';
import zhCN from '../../../resources/paper-form/zh-CN.json';
import { CONSENT_PURPOSES, CURRENT_NOTICE_VERSION } from '../../../shared/domain/intake/consent';
import { GENDERS, GRADES, ID_TYPES, SKI_ABILITIES, SKI_DISCIPLINES, SKIER_TYPES, STANCES, type FieldConfig, type FieldName } from '../../../shared/domain/intake/fields';
import { encodeFormQr, formatSerial, paperFormNumber } from '../../../shared/domain/paper/serial';

export const FORM_FONT_FILE = 'NotoSansSC-form-subset.otf';
export type FormLanguage = 'zh-CN' | 'en';

export interface FormPdfOptions {
  organisationName: string;
  siteName: string;
  fieldConfig: FieldConfig;
  batch: string;
  firstSerial: number;
  count: number;
  language?: FormLanguage;
  /** The consent notice text of CURRENT_NOTICE_VERSION in the form's language. */
  noticeText: string;
  fontBytes: Uint8Array;
}

export interface FieldRegion {
  field: FieldName;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface FormPdf {
  bytes: Uint8Array;
  pages: number;
  /** Page size in points and where each field's box sits (origin top-left), the same on every page. */
  pageSize: { width: number; height: number };
  regions: FieldRegion[];
}

export const FORM_MAX_SHEETS = 1000;

// A4 in points.
const PAGE_W = 595.28;
const PAGE_H = 841.89;
const MARGIN = 30;
const CONTENT_W = PAGE_W - 2 * MARGIN;
const ROW_H = 22;
const BOX_H = 18;
const CELL_W = 14;
const LABEL_SIZE = 8;
const SMALL_SIZE = 7;
/**
 * pdf-lib, fontkit and qrcode are half of the core worker's bundle: they load when a form is made,
 * not when the core starts (issue 12, docs/decisions/0023-one-frame-keystrokes-and-a-small-first-bundle.md).
 */
async function pdfLibraries() {
  const [pdfLib, fontkit, qrcode] = await Promise.all([import('pdf-lib'), import('@pdf-lib/fontkit'), import('qrcode')]);
  return { PDFDocument: pdfLib.PDFDocument, fontkit: fontkit.default, QRCode: qrcode.default };
}
/** pdf-lib's `rgb`, without loading pdf-lib for it. */
const rgb = (red: number, green: number, blue: number): RGB => ({ type: 'RGB' as RGB['type'], red, green, blue });
const INK = rgb(0.1, 0.1, 0.1);
const LINE = rgb(0.35, 0.35, 0.35);

type Catalog = typeof zhCN;
const CATALOGS: Record<FormLanguage, Catalog> = { 'zh-CN': zhCN, en: en as Catalog };

/** Width of a field in sixths of the line. */
type Span = 2 | 3 | 4 | 6;

/** How one field is drawn: a free box, a row of character cells, choices to tick, or one tick box. */
type Spec =
  | { field: FieldName; kind: 'text'; span: Span; lines?: number }
  | { field: FieldName; kind: 'comb'; span: Span; cells: number; separators?: number[] }
  | { field: FieldName; kind: 'choice'; span: Span; options: readonly string[]; optionKey: string }
  | { field: FieldName; kind: 'check'; span: Span };

interface Section {
  title: string;
  note?: string;
  specs: Spec[];
}

/** The sections and fields of the entry screen (renderer/src/features/intake/IntakeFieldsForm.tsx), in its order. */
export function formSections(config: FieldConfig, t: Catalog): Section[] {
  const shown = (field: keyof FieldConfig) => config[field] !== 'hidden';
  const basic: Spec[] = [
    { field: 'name', kind: 'text', span: 3 },
    { field: 'mobile', kind: 'comb', span: 3, cells: 11 },
    { field: 'idType', kind: 'choice', span: 6, options: ID_TYPES, optionKey: 'idType' },
    { field: 'idNumber', kind: 'comb', span: 6, cells: 18 },
    { field: 'birthDate', kind: 'comb', span: 3, cells: 8, separators: [4, 6] },
    { field: 'gender', kind: 'choice', span: 3, options: GENDERS.filter((g) => g !== 'unspecified'), optionKey: 'gender' },
  ];
  if (shown('landline')) basic.push({ field: 'landline', kind: 'text', span: 3 });
  // Visitors from outside the mainland write their nationality or region; an address abroad goes in
  // the detailed address (docs/decisions/0011-visitors-from-anywhere.md).
  basic.push({ field: 'nationality', kind: 'text', span: 3 });
  basic.push({ field: 'grade', kind: 'choice', span: 3, options: GRADES, optionKey: 'grade' });
  const sections: Section[] = [
    { title: t.sections.basic, specs: basic },
    { title: t.sections.guardian, note: t.minorNotice, specs: [{ field: 'guardianName', kind: 'text', span: 3 }, { field: 'guardianMobile', kind: 'comb', span: 3, cells: 11 }] },
  ];
  if (shown('addressProvince')) {
    const specs: Spec[] = [
      { field: 'addressProvince', kind: 'text', span: 3 },
      { field: 'addressCity', kind: 'text', span: 3 },
      { field: 'addressDistrict', kind: 'text', span: 3 },
    ];
    if (shown('addressDetail')) specs.push({ field: 'addressDetail', kind: 'text', span: 6 });
    sections.push({ title: t.sections.address, specs });
  }
  if (shown('emergencyName')) {
    sections.push({ title: t.sections.emergency, specs: [{ field: 'emergencyName', kind: 'text', span: 3 }, { field: 'emergencyMobile', kind: 'comb', span: 3, cells: 11 }] });
  }
  if (shown('skiDiscipline')) {
    const specs: Spec[] = [{ field: 'skiDiscipline', kind: 'choice', span: 2, options: SKI_DISCIPLINES, optionKey: 'skiDiscipline' }];
    if (shown('skiAbility')) specs.push({ field: 'skiAbility', kind: 'choice', span: 4, options: SKI_ABILITIES, optionKey: 'skiAbility' });
    if (shown('skierType')) specs.push({ field: 'skierType', kind: 'choice', span: 3, options: SKIER_TYPES, optionKey: 'skierType' });
    if (shown('heightCm')) specs.push({ field: 'heightCm', kind: 'comb', span: 3, cells: 3 });
    if (shown('weightKg')) specs.push({ field: 'weightKg', kind: 'comb', span: 2, cells: 3 });
    if (shown('bootMondo')) specs.push({ field: 'bootMondo', kind: 'comb', span: 2, cells: 4 });
    if (shown('stance')) specs.push({ field: 'stance', kind: 'choice', span: 2, options: STANCES, optionKey: 'stance' });
    if (shown('helmet')) specs.push({ field: 'helmet', kind: 'check', span: 2 });
    if (shown('lessons')) specs.push({ field: 'lessons', kind: 'check', span: 2 });
    sections.push({ title: t.sections.ski, specs });
  }
  if (shown('remarks')) sections.push({ title: t.sections.other, specs: [{ field: 'remarks', kind: 'text', span: 6, lines: 1 }] });
  return sections;
}

/** Splits text into pieces that may be broken between: single CJK characters, words, spaces. */
function pieces(text: string): string[] {
  return text.match(/[\u2E80-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF\u3000-\u303F]|[^\s\u2E80-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF\u3000-\u303F]+|\s+/g) ?? [];
}

export function wrapText(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const piece of pieces(paragraph)) {
      const candidate = line + piece;
      if (line !== '' && font.widthOfTextAtSize(candidate.trimEnd(), size) > width) {
        lines.push(line.trimEnd());
        line = /^\s+$/.test(piece) ? '' : piece;
      } else {
        line = candidate;
      }
    }
    lines.push(line.trimEnd());
  }
  return lines;
}

class Sheet {
  /** Distance from the top of the page, in points. */
  y = MARGIN;
  constructor(
    readonly page: PDFPage,
    readonly font: PDFFont,
  ) {}

  text(value: string, x: number, top: number, size: number): void {
    this.page.drawText(value, { x, y: PAGE_H - top - size, size, font: this.font, color: INK });
  }

  box(x: number, top: number, width: number, height: number, thickness = 0.6): void {
    this.page.drawRectangle({ x, y: PAGE_H - top - height, width, height, borderColor: LINE, borderWidth: thickness });
  }

  /** Text in two columns, left first: the notice takes half the height it would across the page. */
  columns(value: string, size: number): void {
    const gap = 14;
    const width = (CONTENT_W - gap) / 2;
    const lines = wrapText(value, this.font, size, width);
    const perColumn = Math.ceil(lines.length / 2);
    lines.forEach((line, i) => this.text(line, MARGIN + (i < perColumn ? 0 : width + gap), this.y + (i % perColumn) * size * 1.35, size));
    this.y += perColumn * size * 1.35;
  }

  paragraph(value: string, size: number, width = CONTENT_W, x = MARGIN): void {
    for (const line of wrapText(value, this.font, size, width)) {
      this.text(line, x, this.y, size);
      this.y += size * 1.35;
    }
  }
}

function label(t: Catalog, field: FieldName): string {
  return (t.field as Record<string, string>)[field] ?? field;
}

function option(t: Catalog, key: string, value: string): string {
  const options = (t.option as Record<string, Record<string, string> | undefined>)[key];
  return options?.[value] ?? value;
}

/** Draws one field in its cell and returns the box's region. */
function drawSpec(sheet: Sheet, t: Catalog, spec: Spec, x: number, width: number): FieldRegion {
  const top = sheet.y;
  const labelText = label(t, spec.field);
  const labelWidth = Math.min(Math.max(sheet.font.widthOfTextAtSize(labelText, LABEL_SIZE) + 6, 52), 96);
  // A long label (English) is set smaller rather than run into its box.
  const labelSize = Math.min(LABEL_SIZE, (LABEL_SIZE * (labelWidth - 6)) / sheet.font.widthOfTextAtSize(labelText, LABEL_SIZE));
  sheet.text(labelText, x, top + (BOX_H - labelSize) / 2, labelSize);
  const bx = x + labelWidth;
  const available = width - labelWidth - 8;
  if (spec.kind === 'text') {
    const height = BOX_H * (spec.lines ?? 1);
    sheet.box(bx, top, available, height);
    return { field: spec.field, x: bx, y: top, width: available, height };
  }
  if (spec.kind === 'comb') {
    const gaps = spec.separators?.length ?? 0;
    let cx = bx;
    for (let cell = 0; cell < spec.cells; cell += 1) {
      if (spec.separators?.includes(cell)) {
        sheet.text('-', cx + 2, top + 4, LABEL_SIZE);
        cx += 8;
      }
      sheet.box(cx, top, CELL_W, BOX_H);
      cx += CELL_W;
    }
    return { field: spec.field, x: bx, y: top, width: spec.cells * CELL_W + gaps * 8, height: BOX_H };
  }
  if (spec.kind === 'check') {
    sheet.box(bx, top + 4, 10, 10);
    return { field: spec.field, x: bx, y: top + 4, width: 10, height: 10 };
  }
  // Choices: a tick box and the option's text, flowing onto a second line if need be.
  let cx = bx;
  let cy = top + 4;
  let right = bx;
  for (const value of spec.options) {
    const text = option(t, spec.optionKey, value);
    const w = 13 + sheet.font.widthOfTextAtSize(text, SMALL_SIZE) + 8;
    if (cx + w > bx + available && cx > bx) {
      cx = bx;
      cy += 12;
    }
    sheet.box(cx, cy, 8, 8);
    sheet.text(text, cx + 11, cy + 0.5, SMALL_SIZE);
    cx += w;
    right = Math.max(right, cx);
  }
  return { field: spec.field, x: bx, y: top, width: right - bx, height: cy + 12 - top };
}

function drawQr(qrcode: typeof QRCode, sheet: Sheet, payload: string, x: number, top: number, size: number): void {
  const qr = qrcode.create(payload, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const quiet = 2;
  const module = size / (n + 2 * quiet);
  for (let row = 0; row < n; row += 1) {
    for (let col = 0; col < n; col += 1) {
      if (!qr.modules.get(row, col)) continue;
      sheet.page.drawRectangle({ x: x + (col + quiet) * module, y: PAGE_H - top - (row + quiet + 1) * module, width: module, height: module, color: rgb(0, 0, 0) });
    }
  }
}

/** Lays out one sheet; returns the field regions (identical on every sheet). */
function drawSheet(qrcode: typeof QRCode, sheet: Sheet, options: FormPdfOptions, t: Catalog, serial: number): FieldRegion[] {
  const p = t;
  const qrSize = 64;
  // Header: organisation and site, title; serial and QR code top right.
  sheet.text(`${options.organisationName} · ${options.siteName}`, MARGIN, sheet.y, 10);
  sheet.text(p.title, MARGIN, sheet.y + 16, 16);
  sheet.text(`${p.instructions}`, MARGIN, sheet.y + 38, SMALL_SIZE);
  const serialText = `${p.serial} ${paperFormNumber(options.batch, serial)}`;
  drawQr(qrcode, sheet, encodeFormQr({ site: options.siteName, batch: options.batch, serial }), PAGE_W - MARGIN - qrSize, sheet.y - 6, qrSize);
  sheet.text(serialText, PAGE_W - MARGIN - qrSize - 8 - sheet.font.widthOfTextAtSize(serialText, 11), sheet.y + 4, 11);
  sheet.y += qrSize - 4;

  const regions: FieldRegion[] = [];
  const unit = CONTENT_W / 6;
  for (const section of formSections(options.fieldConfig, t)) {
    sheet.page.drawLine({ start: { x: MARGIN, y: PAGE_H - sheet.y }, end: { x: PAGE_W - MARGIN, y: PAGE_H - sheet.y }, thickness: 0.8, color: LINE });
    sheet.y += 4;
    sheet.text(section.title, MARGIN, sheet.y, 9.5);
    if (section.note) sheet.text(section.note, MARGIN + sheet.font.widthOfTextAtSize(section.title, 9.5) + 10, sheet.y + 2, SMALL_SIZE);
    sheet.y += 13;
    let column = 0;
    let rowHeight = ROW_H;
    for (const spec of section.specs) {
      if (column + spec.span > 6) {
        sheet.y += rowHeight;
        column = 0;
        rowHeight = ROW_H;
      }
      const region = drawSpec(sheet, t, spec, MARGIN + column * unit, spec.span * unit);
      regions.push(region);
      rowHeight = Math.max(rowHeight, region.height + 6);
      column += spec.span;
      if (column >= 6) {
        sheet.y += rowHeight;
        column = 0;
        rowHeight = ROW_H;
      }
    }
    if (column !== 0) sheet.y += rowHeight;
  }

  // Consent: the notice with its version, then the ticks and signatures.
  sheet.page.drawLine({ start: { x: MARGIN, y: PAGE_H - sheet.y }, end: { x: PAGE_W - MARGIN, y: PAGE_H - sheet.y }, thickness: 0.8, color: LINE });
  sheet.y += 4;
  sheet.text(`${t.sections.consent}（${p.noticeVersion.replace('{{version}}', CURRENT_NOTICE_VERSION)}）`, MARGIN, sheet.y, 9.5);
  sheet.y += 15;
  sheet.columns(options.noticeText.trim().split('\n').filter((line) => line.trim() !== '').slice(1).join('\n'), 6.2);
  sheet.y += 4;
  /** A tick box and its text, wrapped within `width`; returns where the next one may start. */
  const tick = (text: string, x: number, width = CONTENT_W, size = LABEL_SIZE): number => {
    sheet.box(x, sheet.y, 9, 9);
    const lines = wrapText(text, sheet.font, size, width - 13);
    lines.forEach((line, i) => sheet.text(line, x + 13, sheet.y + 0.5 + i * size * 1.3, size));
    if (lines.length > 1) sheet.y += (lines.length - 1) * size * 1.3;
    return x + 13 + Math.max(...lines.map((line) => sheet.font.widthOfTextAtSize(line, size))) + 14;
  };
  let x = MARGIN;
  sheet.text(t.purposes, x, sheet.y + 0.5, LABEL_SIZE);
  x += sheet.font.widthOfTextAtSize(t.purposes, LABEL_SIZE) + 10;
  for (const purpose of CONSENT_PURPOSES) x = tick(t.purpose[purpose], x);
  sheet.y += 16;
  // The separate consent for the ID number (PIPL Art. 29): its own tick and its own signature.
  tick(p.idConsent, MARGIN);
  sheet.y += 14;
  sheet.text(p.signature, MARGIN + 13, sheet.y + 4, LABEL_SIZE);
  sheet.page.drawLine({ start: { x: MARGIN + 70, y: PAGE_H - sheet.y - 14 }, end: { x: MARGIN + 240, y: PAGE_H - sheet.y - 14 }, thickness: 0.6, color: LINE });
  sheet.y += 22;
  tick(p.guardianConsent, MARGIN, CONTENT_W / 2 - 6);
  tick(p.marketing, MARGIN + CONTENT_W / 2, CONTENT_W / 2);
  sheet.y += 18;
  sheet.text(p.signature, MARGIN, sheet.y + 4, LABEL_SIZE);
  sheet.page.drawLine({ start: { x: MARGIN + 60, y: PAGE_H - sheet.y - 14 }, end: { x: MARGIN + 240, y: PAGE_H - sheet.y - 14 }, thickness: 0.6, color: LINE });
  sheet.text(p.date, MARGIN + 270, sheet.y + 4, LABEL_SIZE);
  sheet.page.drawLine({ start: { x: MARGIN + 300, y: PAGE_H - sheet.y - 14 }, end: { x: MARGIN + 420, y: PAGE_H - sheet.y - 14 }, thickness: 0.6, color: LINE });
  sheet.y += 22;
  // Footer: the serial again, and the staff-only strip.
  sheet.text(`${p.staffOnly}  ${p.serial} ${paperFormNumber(options.batch, serial)} · ${p.noticeVersion.replace('{{version}}', CURRENT_NOTICE_VERSION)}`, MARGIN, PAGE_H - MARGIN + 10, SMALL_SIZE);
  if (sheet.y > PAGE_H - MARGIN) throw new Error(`the form does not fit on one A4 page (${Math.round(sheet.y)} pt)`);
  return regions;
}

/** Characters of `text` the font cannot draw (spaces and line breaks aside). */
export function missingCharacters(font: { hasGlyphForCodePoint(codePoint: number): boolean }, text: string): string[] {
  const missing = new Set<string>();
  for (const ch of text) if (!/\s/.test(ch) && !font.hasGlyphForCodePoint(ch.codePointAt(0) ?? 0)) missing.add(ch);
  return [...missing];
}

export async function generateFormPdf(options: FormPdfOptions): Promise<FormPdf> {
  if (!Number.isInteger(options.count) || options.count < 1 || options.count > FORM_MAX_SHEETS) throw new RangeError(`count must be 1–${FORM_MAX_SHEETS}`);
  formatSerial(options.firstSerial);
  formatSerial(options.firstSerial + options.count - 1);
  const t = CATALOGS[options.language ?? 'zh-CN'];
  const { PDFDocument, fontkit, QRCode: qrcode } = await pdfLibraries();
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  doc.setTitle(`${t.title} ${paperFormNumber(options.batch, options.firstSerial)}–${formatSerial(options.firstSerial + options.count - 1)}`);
  doc.setCreator('Intake Desk');
  doc.setProducer('Intake Desk (pdf-lib)');
  // A fixed date keeps equal inputs giving equal bytes.
  doc.setCreationDate(new Date(0));
  doc.setModificationDate(new Date(0));
  // Whole, not subset by pdf-lib: its subsetting of this CID-keyed CFF font drops every CJK glyph
  // (checked by rendering in Chromium's PDF viewer). The font is already a subset, embedded once per file.
  const font = await doc.embedFont(options.fontBytes, { subset: false, features: { liga: false, kern: false, calt: false, clig: false, dlig: false, locl: false, fwid: false, hwid: false, pwid: false, palt: false, tnum: false, pnum: false, frac: false, numr: false, dnom: false } });
  // The font is a subset (common hanzi): a rarer character in the site's names would print as a box.
  const missing = missingCharacters(fontkit.create(Buffer.from(options.fontBytes)), `${options.organisationName}${options.siteName}`);
  if (missing.length > 0) throw new Error(`the form font has no glyph for ${missing.join(' ')} (in the organisation or site name); add it with scripts/subset-form-font.mjs`);
  let regions: FieldRegion[] = [];
  for (let i = 0; i < options.count; i += 1) {
    const page = doc.addPage([PAGE_W, PAGE_H]);
    regions = drawSheet(qrcode, new Sheet(page, font), options, t, options.firstSerial + i);
  }
  const bytes = await doc.save();
  return { bytes, pages: options.count, pageSize: { width: PAGE_W, height: PAGE_H }, regions };
}

/** Finds a file under resources/ from the sources, the built bundles, or a packaged app. */
export function resourcePath(...parts: string[]): string {
  const candidates = [
    path.resolve(process.cwd(), 'resources', ...parts),
    path.resolve(__dirname, '..', '..', 'resources', ...parts),
    path.resolve(__dirname, '..', '..', '..', 'resources', ...parts),
    ...(typeof process.resourcesPath === 'string' ? [path.join(process.resourcesPath, ...parts)] : []),
  ];
  const found = candidates.find((candidate) => fs.existsSync(candidate));
  if (!found) throw new Error(`resource not found: ${parts.join('/')}`);
  return found;
}

export function loadFormFont(): Uint8Array {
  return fs.readFileSync(resourcePath('fonts', FORM_FONT_FILE));
}

export function loadNotice(language: FormLanguage, version = CURRENT_NOTICE_VERSION): string {
  return fs.readFileSync(resourcePath('consent', `${version}.${language}.txt`), 'utf8');
}
