/**
 * Scans of paper forms (issue 13 item 3): stored encrypted with an image every screen can show,
 * matched to their sheet by the QR code printed on our forms, and attached through the op log.
 *
 * - A JPEG or PNG is its own image. A PDF is rendered to PNG by pdf.js in the renderer (the core has
 *   no canvas); the PNG of its **first page** is stored encrypted beside the original and is what
 *   screens show. Further pages stay in the original (`pages` says how many), which is kept whole
 *   and can be opened with `paper.scan.get`; our form is one page per sheet.
 * - The QR code (`IDF1|site|batch|serial`) is read from that image by the renderer (jsQR); the core
 *   checks what it says: another site's or another batch's form is refused, and a serial the staff
 *   picked must be the one the QR names. A scan without a readable QR needs the serial picked.
 * - A scan from the scanner's watched folder (scan-folder.ts) waits in the inbox, without a sheet,
 *   until a screen has rendered it, read its QR (or a person picked the serial) and assigned it.
 */
import { decodeFormQr, formatSerial } from '../../../shared/domain/paper/serial';
import type { Db } from '../db/connection';
import { statementsFor } from '../db/statements';
import { DomainError } from '../errors';
import type { Services } from '../services';
import { cleanScan, type ScanType } from '../attachments/scan-files';
import { batchSheets, requireOpenSerial, sheetId, type Sheet } from './batch-service';

export interface ScanRow {
  id: string;
  type: ScanType;
  pages: number;
  image_id: string | null;
  origin: 'upload' | 'folder';
  file_name: string;
  imported_at: number;
  imported_by: string;
  qr: string;
  batch_id: string | null;
  serial: number | null;
}

export interface InboxScan {
  scanId: string;
  type: ScanType;
  pages: number;
  fileName: string;
  importedAt: number;
  hasImage: boolean;
}

const statements = statementsFor((db: Db) => ({
  scan: db.prepare('SELECT * FROM scans WHERE id = ?'),
  inbox: db.prepare("SELECT * FROM scans WHERE batch_id IS NULL AND origin = 'folder' ORDER BY imported_at, id LIMIT 200"),
  batchByCode: db.prepare('SELECT id FROM paper_batches WHERE code = ? COLLATE NOCASE'),
  queue: db.prepare('INSERT INTO attachment_outbox (id, queued_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING'),
}));

function refuse(field: string, code: string, message: string, details?: Record<string, number | string>): never {
  throw new DomainError('VALIDATION', message, { [field]: code }, details);
}

export function scanRow(services: Services, scanId: string): ScanRow | undefined {
  return statements(services.ctx.db).scan.get(scanId) as ScanRow | undefined;
}

/** The site name as our QR codes carry it (`|` cannot appear in the payload). */
const siteInQr = (siteName: string): string => siteName.replaceAll('|', '/');

/**
 * The sheet a scan goes to: the one the staff picked, the one its QR names, or both (then they must
 * agree). Refuses, naming the problem, a QR of another site or batch and a scan with neither.
 */
export function resolveTarget(services: Services, input: { qr?: string | undefined; batchId?: string | undefined; serial?: number | undefined }): { batchId: string; serial: number; qr: string } {
  const qrText = input.qr?.trim() ?? '';
  const form = qrText ? decodeFormQr(qrText) : null;
  if (qrText && !form) refuse('qr', 'scan_qr_foreign', 'the QR code on the scan is not one of our paper forms');
  if (form) {
    const site = services.config.organisation()?.siteName ?? '';
    if (form.site !== siteInQr(site)) refuse('qr', 'scan_qr_other_site', `the form was printed for another site (${form.site}), not this one`, { site: form.site });
  }
  let batchId = input.batchId;
  if (form) {
    const found = statements(services.ctx.db).batchByCode.get(form.batch) as { id: string } | undefined;
    if (!found) refuse('qr', 'scan_qr_unknown_batch', `the QR code names batch ${form.batch}, which this desk does not know`, { batch: form.batch });
    if (batchId !== undefined && batchId !== found.id) refuse('qr', 'scan_qr_other_batch', `the form belongs to batch ${form.batch}, not to this batch`, { batch: form.batch });
    batchId = found.id;
    if (input.serial !== undefined && input.serial !== form.serial) {
      refuse('qr', 'scan_qr_other_serial', `the QR code says this is sheet ${formatSerial(form.serial)}, not ${formatSerial(input.serial)}`, { serial: formatSerial(form.serial) });
    }
  }
  const serial = input.serial ?? form?.serial;
  if (batchId === undefined || serial === undefined) refuse('serial', 'scan_no_qr', 'no readable QR code on the scan: pick the sheet it belongs to');
  requireOpenSerial(services, batchId, serial);
  return { batchId, serial, qr: form ? qrText : '' };
}

/** Stores a checked original (and, for a PDF, its checked PNG rendering); both queued for sync. */
export async function storeScan(services: Services, original: Buffer, image: Buffer | null): Promise<{ scanId: string; imageId: string | null; type: ScanType; pages: number; bytes: number }> {
  const scan = await cleanScan(original);
  let imageId: string | null = null;
  let rendered: Awaited<ReturnType<typeof cleanScan>> | null = null;
  if (scan.type === 'application/pdf') {
    if (image) {
      rendered = await cleanScan(image);
      if (rendered.type !== 'image/png') refuse('file', 'scan_render', 'the rendering of the PDF is not a PNG image');
    }
  } else if (image) {
    refuse('file', 'scan_render', 'only a PDF comes with a rendering');
  }
  const scanId = services.attachments.put(scan.bytes, { type: scan.type, pages: scan.pages });
  if (rendered) imageId = services.attachments.put(rendered.bytes, { type: rendered.type, pages: 1 });
  else if (scan.type !== 'application/pdf') imageId = scanId;
  return { scanId, imageId, type: scan.type, pages: scan.pages, bytes: scan.bytes.length };
}

function queueForSync(services: Services, ...ids: (string | null)[]): void {
  const s = statements(services.ctx.db);
  for (const id of ids) if (id) s.queue.run(id, services.ctx.now());
}

/** Attaches an uploaded scan (and its rendering) to the sheet picked or named by its QR code. */
export async function attachUploadedScan(
  services: Services,
  staffId: string,
  input: { uploadId: string; imageUploadId?: string | undefined; qr?: string | undefined; batchId: string; serial?: number | undefined; fileName?: string | undefined },
): Promise<{ scanId: string; type: string; pages: number; serial: number; sheets: Sheet[] }> {
  const original = services.uploads.take(input.uploadId, staffId);
  const image = input.imageUploadId ? services.uploads.take(input.imageUploadId, staffId) : null;
  // The file first (a renamed executable is named as such, whatever its QR code), then its sheet.
  await cleanScan(original);
  const target = resolveTarget(services, input);
  const stored = await storeScan(services, original, image);
  if (stored.type === 'application/pdf' && !stored.imageId) refuse('file', 'scan_render', 'the PDF arrived without its rendered page; please attach it again');
  services.transact(() => {
    services.ops.append(staffId, {
      entity: 'scan',
      entityId: stored.scanId,
      changes: { type: stored.type, pages: stored.pages, imageId: stored.imageId, origin: 'upload', fileName: '', importedAt: services.ctx.now(), importedBy: staffId, qr: target.qr, batchId: target.batchId, serial: target.serial },
    });
    services.ops.append(staffId, { entity: 'paper_sheet', entityId: sheetId(target.batchId, target.serial), changes: { batchId: target.batchId, serial: target.serial, scanId: stored.scanId } });
    services.audit.append(staffId, 'paper.scan_attached', target.batchId, { serial: target.serial, type: stored.type, bytes: stored.bytes, byQr: target.qr !== '' });
    queueForSync(services, stored.scanId, stored.imageId);
  });
  return { scanId: stored.scanId, type: stored.type, pages: stored.pages, serial: target.serial, sheets: batchSheets(services, target.batchId) };
}

/** Records a file taken from the scanner's folder: encrypted, waiting in the inbox for its sheet. */
export async function importFolderScan(services: Services, bytes: Buffer, fileName: string): Promise<{ scanId: string; type: ScanType }> {
  const stored = await storeScan(services, bytes, null);
  services.transact(() => {
    const existing = scanRow(services, stored.scanId);
    if (!existing) {
      services.ops.append(null, {
        entity: 'scan',
        entityId: stored.scanId,
        changes: { type: stored.type, pages: stored.pages, imageId: stored.imageId, origin: 'folder', fileName: fileName.slice(0, 255), importedAt: services.ctx.now(), importedBy: '', qr: '', batchId: null, serial: null },
      });
    }
    services.audit.append(null, 'paper.scan_imported', stored.scanId, { type: stored.type, bytes: stored.bytes, duplicate: existing !== undefined });
    queueForSync(services, stored.scanId, stored.imageId);
  });
  return { scanId: stored.scanId, type: stored.type };
}

export function scanInbox(services: Services): InboxScan[] {
  return (statements(services.ctx.db).inbox.all() as ScanRow[]).map((row) => ({ scanId: row.id, type: row.type, pages: row.pages, fileName: row.file_name, importedAt: row.imported_at, hasImage: row.image_id !== null }));
}

/** Assigns a scan from the inbox to its sheet (by QR or as picked), storing a PDF's rendering on the way. */
export async function assignInboxScan(
  services: Services,
  staffId: string,
  input: { scanId: string; imageUploadId?: string | undefined; qr?: string | undefined; batchId?: string | undefined; serial?: number | undefined },
): Promise<{ batchId: string; serial: number; sheets: Sheet[] }> {
  const row = scanRow(services, input.scanId);
  if (!row) throw new DomainError('NOT_FOUND', 'no such scan');
  if (row.batch_id !== null) throw new DomainError('CONFLICT', 'this scan is already attached to a sheet', { scanId: 'scan_assigned' });
  const target = resolveTarget(services, input);
  let imageId = row.image_id;
  if (input.imageUploadId) {
    if (row.type !== 'application/pdf') refuse('file', 'scan_render', 'only a PDF comes with a rendering');
    const rendered = await cleanScan(services.uploads.take(input.imageUploadId, staffId));
    if (rendered.type !== 'image/png') refuse('file', 'scan_render', 'the rendering of the PDF is not a PNG image');
    imageId = services.attachments.put(rendered.bytes, { type: rendered.type, pages: 1 });
  }
  if (!imageId) refuse('file', 'scan_render', 'the PDF has not been rendered yet; open it on a desk screen first');
  services.transact(() => {
    services.ops.append(staffId, { entity: 'scan', entityId: row.id, changes: { imageId, qr: target.qr, batchId: target.batchId, serial: target.serial } });
    services.ops.append(staffId, { entity: 'paper_sheet', entityId: sheetId(target.batchId, target.serial), changes: { batchId: target.batchId, serial: target.serial, scanId: row.id } });
    services.audit.append(staffId, 'paper.scan_attached', target.batchId, { serial: target.serial, type: row.type, byQr: target.qr !== '', from: 'folder' });
    queueForSync(services, imageId);
  });
  return { batchId: target.batchId, serial: target.serial, sheets: batchSheets(services, target.batchId) };
}

/** Opens a stored attachment, fetching it from the sync server first when another desk stored it. */
async function openAttachment(services: Services, id: string): Promise<ReturnType<Services['attachments']['get']>> {
  if (!services.attachments.has(id)) {
    const fetched = await services.sync.fetchAttachment(id);
    if (!fetched) throw new DomainError('NOT_FOUND', 'the scan is not on this desk yet and the sync server cannot send it now; try again when connected', { scanId: 'scan_not_here' });
  }
  return services.attachments.get(id);
}

/**
 * The image to show for a scan (PNG of a PDF's first page, or the JPEG/PNG itself), for the person
 * transcribing, checking or reconciling it; each view audited. `pages` is the original's page count:
 * only the first is shown.
 */
export async function scanImage(services: Services, staffId: string, scanId: string): Promise<{ scanId: string; type: 'image/png' | 'image/jpeg'; pages: number; base64: string; batchId: string | null; serial: number | null }> {
  const row = scanRow(services, scanId);
  if (!row) {
    // A photo attached before scans were recorded as such (no `scan` op): it is its own image.
    const legacy = services.attachments.has(scanId) ? services.attachments.get(scanId) : null;
    if (!legacy || legacy.type === 'application/pdf') throw new DomainError('NOT_FOUND', 'no such scan', { scanId: 'scan_unknown' });
    services.audit.append(staffId, 'paper.scan_viewed', scanId, { serial: 0, image: true });
    return { scanId, type: legacy.type, pages: 1, base64: legacy.bytes.toString('base64'), batchId: null, serial: null };
  }
  if (!row.image_id) throw new DomainError('NOT_FOUND', 'the PDF has not been rendered yet', { scanId: 'scan_not_rendered' });
  const image = await openAttachment(services, row.image_id);
  if (image.type === 'application/pdf') throw new Error('the image of a scan is a PDF');
  services.audit.append(staffId, 'paper.scan_viewed', row.batch_id ?? scanId, { serial: row.serial ?? 0, image: true });
  return { scanId, type: image.type, pages: row.pages, base64: image.bytes.toString('base64'), batchId: row.batch_id, serial: row.serial };
}

/** The original file of a scan (a PDF whole, with every page), e.g. for rendering an inbox scan. */
export async function scanOriginal(services: Services, staffId: string, scanId: string): Promise<{ scanId: string; type: string; pages: number; base64: string }> {
  const row = scanRow(services, scanId);
  if (!row) throw new DomainError('NOT_FOUND', 'no such scan', { scanId: 'scan_unknown' });
  const file = await openAttachment(services, scanId);
  services.audit.append(staffId, 'paper.scan_viewed', row.batch_id ?? scanId, { serial: row.serial ?? 0, image: false });
  return { scanId, type: file.type, pages: file.pages, base64: file.bytes.toString('base64') };
}

/** The scan id a sheet's scan is known by (for screens that know the sheet, not the scan). */
export function sheetScanId(services: Services, batchId: string, serial: number): string {
  const sheet = batchSheets(services, batchId).find((each) => each.serial === serial);
  if (!sheet?.scanId) throw new DomainError('NOT_FOUND', 'this sheet has no scan', { serial: 'sheet_no_scan' });
  return sheet.scanId;
}
