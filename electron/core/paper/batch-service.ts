/**
 * Batches of paper forms (issue 13 item 2). A lead opens a batch for the numbered sheets brought in
 * from one place and day; each sheet is then transcribed, or marked void or missing with a reason;
 * the batch closes only when every serial is accounted for. Everything is written as ops
 * (paper_batch, paper_sheet; projected by batch-projector.ts) with an audit entry.
 */
import { isLeadRole, type Role } from '../../../shared/domain/auth/roles';
import type { BatchSummary, OpenBatchInput, SheetState } from '../../../shared/api/paper-contract';
import { formatSerial } from '../../../shared/domain/paper/serial';
import type { Db } from '../db/connection';
import { statementsFor } from '../db/statements';
import { DomainError } from '../errors';
import type { Services } from '../services';
import { doubleEntrySettings, transcriptionState } from './transcription-service';
import { generateFormPdf, loadFormFont, loadNotice, type FormLanguage } from './form-pdf';

export interface Actor {
  staffId: string;
  role: Role;
}

interface BatchRow {
  id: string;
  code: string;
  place: string;
  collected_on: string;
  first_serial: number;
  sheet_count: number;
  opened_by: string;
  opened_at: number;
  closed_by: string | null;
  closed_at: number | null;
}

interface SheetRow {
  serial: number;
  state: string;
  reason: string;
  intake_id: string | null;
  scan_id: string | null;
  by_staff: string;
  at: number;
}

export interface Sheet {
  serial: number;
  doubleEntry: boolean;
  typedBy: string[];
  reconcile: boolean;
  state: SheetState;
  reason: string;
  intakeId: string | null;
  scanId: string | null;
  by: string;
  at: number;
  /** Set only when more than one intake names the sheet (see `sheetIntakes`). */
  intakes?: string[];
}

const statements = statementsFor((db: Db) => ({
  batch: db.prepare('SELECT * FROM paper_batches WHERE id = ?'),
  byCode: db.prepare('SELECT id FROM paper_batches WHERE code = ? COLLATE NOCASE'),
  sheetIntakes: db.prepare('SELECT id, paper_serial FROM intakes INDEXED BY intakes_paper_sheet WHERE paper_batch_id = ? AND paper_batch_id IS NOT NULL ORDER BY paper_serial, submitted_at, id'),
  open: db.prepare('SELECT * FROM paper_batches WHERE closed_at IS NULL ORDER BY opened_at, id'),
  all: db.prepare('SELECT * FROM paper_batches ORDER BY opened_at DESC, id LIMIT 200'),
  sheets: db.prepare("SELECT serial, state, reason, intake_id, scan_id, by_staff, at FROM paper_sheets WHERE batch_id = ? ORDER BY serial"),
  counts: db.prepare("SELECT COUNT(*) AS accounted, COALESCE(SUM(state = 'transcribed'), 0) AS transcribed FROM paper_sheets WHERE batch_id = ? AND state IN ('transcribed', 'void', 'missing')"),
}));

export const sheetId = (batchId: string, serial: number): string => `${batchId}:${formatSerial(serial)}`;

function requireLead(actor: Actor, what: string): void {
  if (!isLeadRole(actor.role)) throw new DomainError('FORBIDDEN', `only a group lead or manager may ${what}`);
}

function summary(services: Services, row: BatchRow): BatchSummary {
  const counts = statements(services.ctx.db).counts.get(row.id) as { accounted: number; transcribed: number };
  return {
    id: row.id,
    code: row.code,
    place: row.place,
    collectedOn: row.collected_on,
    firstSerial: row.first_serial,
    count: row.sheet_count,
    openedBy: services.staff.byId(row.opened_by)?.displayName ?? row.opened_by,
    openedAt: row.opened_at,
    closedAt: row.closed_at,
    ageMinutes: Math.max(0, Math.floor(((row.closed_at ?? services.ctx.now()) - row.opened_at) / 60_000)),
    accounted: counts.accounted,
    transcribed: counts.transcribed,
  };
}

function batchRow(services: Services, batchId: string): BatchRow {
  const row = statements(services.ctx.db).batch.get(batchId) as BatchRow | undefined;
  if (!row) throw new DomainError('NOT_FOUND', 'no such batch');
  return row;
}

const NOT_TYPED = { doubleEntry: false, typedBy: [] as string[], reconcile: false };

/** Every serial of the batch, accounted or still pending. */
export function batchSheets(services: Services, batchId: string): Sheet[] {
  const row = batchRow(services, batchId);
  const rows = new Map((statements(services.ctx.db).sheets.all(batchId) as SheetRow[]).map((sheet) => [sheet.serial, sheet]));
  return Array.from({ length: row.sheet_count }, (_, i) => {
    const serial = row.first_serial + i;
    const sheet = rows.get(serial);
    return sheet
      ? { serial, state: (sheet.state === '' ? 'pending' : sheet.state) as SheetState, reason: sheet.reason, intakeId: sheet.intake_id, scanId: sheet.scan_id, by: sheet.by_staff, at: sheet.at, ...NOT_TYPED }
      : { serial, state: 'pending' as const, reason: '', intakeId: null, scanId: null, by: '', at: 0, ...NOT_TYPED };
  });
}

export function openBatch(services: Services, actor: Actor, input: OpenBatchInput): BatchSummary {
  requireLead(actor, 'open a batch of paper forms');
  if (statements(services.ctx.db).byCode.get(input.code)) throw new DomainError('CONFLICT', `a batch with code ${input.code} already exists`, { code: 'batch_code_taken' });
  const id = services.ctx.randomId('pbt');
  const at = services.ctx.now();
  services.transact(() => {
    services.ops.append(actor.staffId, {
      entity: 'paper_batch',
      entityId: id,
      changes: { code: input.code, place: input.place, collectedOn: input.collectedOn, firstSerial: input.firstSerial, count: input.count, openedBy: actor.staffId, openedAt: at, closedBy: null, closedAt: null },
    });
    services.audit.append(actor.staffId, 'paper.batch_opened', id, { code: input.code, first: input.firstSerial, count: input.count });
  });
  return summary(services, batchRow(services, id));
}

export function listBatches(services: Services, open: boolean): BatchSummary[] {
  const s = statements(services.ctx.db);
  return ((open ? s.open : s.all).all() as BatchRow[]).map((row) => summary(services, row));
}

export function batchDetail(services: Services, batchId: string): { batch: BatchSummary; sheets: Sheet[] } {
  const row = batchRow(services, batchId);
  // How far each pending sheet's transcription is (who typed it, never what), for the sheet list.
  const settings = doubleEntrySettings(services);
  const doubled = sheetIntakes(services, batchId);
  const sheets = batchSheets(services, batchId).map((sheet) => {
    const typed = sheet.state === 'pending' ? { ...sheet, ...transcriptionState(services, batchId, row.code, sheet.serial, settings) } : sheet;
    const intakes = doubled.get(sheet.serial);
    return intakes ? { ...typed, intakes } : typed;
  });
  return { batch: summary(services, row), sheets };
}

export function requireOpenSerial(services: Services, batchId: string, serial: number): BatchRow {
  const row = batchRow(services, batchId);
  if (row.closed_at !== null) throw new DomainError('CONFLICT', 'the batch is closed', { batchId: 'batch_closed' });
  if (serial < row.first_serial || serial >= row.first_serial + row.sheet_count) {
    throw new DomainError('VALIDATION', `serial ${serial} is not in this batch (${row.first_serial}–${row.first_serial + row.sheet_count - 1})`, { serial: 'serial_not_in_batch' });
  }
  return row;
}

/** Marks a sheet void (spoiled, blank, duplicate) or missing (never came back), with a reason. */
export function markSheet(services: Services, actor: Actor, input: { batchId: string; serial: number; state: 'void' | 'missing'; reason: string }): { batch: BatchSummary; sheets: Sheet[] } {
  requireOpenSerial(services, input.batchId, input.serial);
  const current = batchSheets(services, input.batchId).find((sheet) => sheet.serial === input.serial);
  if (current?.state === 'transcribed') throw new DomainError('CONFLICT', 'the sheet is already transcribed', { serial: 'sheet_transcribed' });
  services.transact(() => {
    services.ops.append(actor.staffId, { entity: 'paper_sheet', entityId: sheetId(input.batchId, input.serial), changes: { batchId: input.batchId, serial: input.serial, state: input.state, reason: input.reason, by: actor.staffId, at: services.ctx.now() } });
    services.audit.append(actor.staffId, `paper.sheet_${input.state}`, input.batchId, { serial: input.serial, reason: input.reason });
  });
  return batchDetail(services, input.batchId);
}

/** Records that a sheet's intake was submitted (called inside the submitting transaction); a scan already attached stays. */
export function recordTranscribed(services: Services, staffId: string, input: { batchId: string; serial: number; intakeId: string; scanId: string | null }): void {
  requireOpenSerial(services, input.batchId, input.serial);
  services.ops.append(staffId, { entity: 'paper_sheet', entityId: sheetId(input.batchId, input.serial), changes: { batchId: input.batchId, serial: input.serial, state: 'transcribed', reason: '', intakeId: input.intakeId, ...(input.scanId ? { scanId: input.scanId } : {}), by: staffId, at: services.ctx.now() } });
}

/**
 * Sheets more than one intake names, with those intakes, first submitted first. Two desks offline
 * can each take the second entry of the same double-entered sheet and each make the intake; sync
 * keeps both (and the sheet names the later writer's), so the lead is shown every one of them.
 */
export function sheetIntakes(services: Services, batchId: string): Map<number, string[]> {
  const bySerial = new Map<number, string[]>();
  for (const row of statements(services.ctx.db).sheetIntakes.all(batchId) as Array<{ id: string; paper_serial: number }>) {
    bySerial.set(row.paper_serial, [...(bySerial.get(row.paper_serial) ?? []), row.id]);
  }
  for (const [serial, ids] of bySerial) if (ids.length < 2) bySerial.delete(serial);
  return bySerial;
}

/** Closes a batch once every serial is transcribed, void or missing; otherwise names what is left. */
export function closeBatch(services: Services, actor: Actor, batchId: string): BatchSummary {
  requireLead(actor, 'close a batch of paper forms');
  const row = batchRow(services, batchId);
  if (row.closed_at !== null) return summary(services, row);
  const pending = batchSheets(services, batchId).filter((sheet) => sheet.state === 'pending').map((sheet) => sheet.serial);
  if (pending.length > 0) {
    throw new DomainError('VALIDATION', `sheets not yet accounted for: ${pending.slice(0, 20).map(formatSerial).join(', ')}${pending.length > 20 ? ' …' : ''}`, { batchId: 'batch_unaccounted' }, { pending: pending.length, first: formatSerial(pending[0] ?? 0) });
  }
  services.transact(() => {
    services.ops.append(actor.staffId, { entity: 'paper_batch', entityId: batchId, changes: { closedBy: actor.staffId, closedAt: services.ctx.now() } });
    services.audit.append(actor.staffId, 'paper.batch_closed', batchId, { count: row.sheet_count });
  });
  return summary(services, batchRow(services, batchId));
}

/** The batch's sheets as a printable PDF, with the site's names and fields (audited: forms with serials were issued). */
export async function batchFormPdf(services: Services, staffId: string, batchId: string, language: FormLanguage): Promise<{ fileName: string; pages: number; pdfBase64: string }> {
  const row = batchRow(services, batchId);
  const organisation = services.config.organisation();
  const pdf = await generateFormPdf({
    organisationName: organisation?.organisationName ?? '',
    siteName: organisation?.siteName ?? '',
    fieldConfig: services.config.intakeFields(),
    batch: row.code,
    firstSerial: row.first_serial,
    count: row.sheet_count,
    language,
    noticeText: loadNotice(language),
    fontBytes: loadFormFont(),
  });
  services.audit.append(staffId, 'paper.forms_printed', batchId, { first: row.first_serial, count: row.sheet_count });
  return { fileName: `forms-${row.code}-${formatSerial(row.first_serial)}-${formatSerial(row.first_serial + row.sheet_count - 1)}.pdf`, pages: pdf.pages, pdfBase64: Buffer.from(pdf.bytes).toString('base64') };
}

const layouts = new Map<string, Array<{ field: string; x: number; y: number; width: number; height: number }>>();

/**
 * Where each field's box sits on the form this site prints, as fractions of the page (origin top
 * left), so the transcription screen can highlight the current field on a scan of it. Worked out
 * once per field configuration and language by laying out one sheet.
 */
export async function formLayout(services: Services, language: FormLanguage): Promise<{ regions: Array<{ field: string; x: number; y: number; width: number; height: number }> }> {
  const fieldConfig = services.config.intakeFields();
  const key = `${language}:${JSON.stringify(fieldConfig)}`;
  let regions = layouts.get(key);
  if (!regions) {
    const pdf = await generateFormPdf({ organisationName: '', siteName: '', fieldConfig, batch: 'L', firstSerial: 1, count: 1, language, noticeText: loadNotice(language), fontBytes: loadFormFont() });
    const { width, height } = pdf.pageSize;
    regions = pdf.regions.map((region) => ({ field: region.field, x: region.x / width, y: region.y / height, width: region.width / width, height: region.height / height }));
    layouts.set(key, regions);
  }
  return { regions };
}

/**
 * The sheet a paper form number (`B7-0001`, printed on our forms) names, for an intake whose consent
 * was given on paper: null when no batch has that code (a form from before batches, or another
 * numbering); a field error on `consent.paperFormNo` when the sheet cannot take a transcription.
 */
export function sheetForFormNumber(services: Services, paperFormNo: string): { batchId: string; serial: number } | null {
  const match = /^\s*([A-Za-z0-9-]{1,20})-(\d{1,6})\s*$/.exec(paperFormNo);
  if (!match) return null;
  const found = statements(services.ctx.db).byCode.get(match[1]) as { id: string } | undefined;
  if (!found) return null;
  const row = batchRow(services, found.id);
  const serial = Number(match[2]);
  const refuse = (code: string, message: string): never => {
    throw new DomainError('VALIDATION', message, { 'consent.paperFormNo': code });
  };
  if (row.closed_at !== null) refuse('batch_closed', 'the batch of this paper form is closed');
  if (serial < row.first_serial || serial >= row.first_serial + row.sheet_count) refuse('serial_not_in_batch', 'this form number is not in its batch');
  const state = batchSheets(services, found.id).find((sheet) => sheet.serial === serial)?.state;
  if (state === 'transcribed') refuse('sheet_transcribed', 'this paper form is already transcribed');
  if (state === 'void' || state === 'missing') refuse('sheet_void_or_missing', 'this paper form is marked void or missing');
  return { batchId: found.id, serial };
}

