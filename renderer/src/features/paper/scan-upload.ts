/**
 * Sending a scan to the core: the file in pieces (a request is at most 1 MB), then — for a PDF — the
 * PNG of its first page the same way, then one call that attaches both to a sheet. A refusal comes
 * back as a sentence for the place the file was dropped, and the file stays with the screen, so
 * picking a serial and trying again loses nothing.
 */
import type { TFunction } from 'i18next';
import type { RpcError } from '../../../../shared/api';
import { SCAN_PIECE_BYTES } from '../../../../shared/api/paper-contract';
import { api } from '../../lib/api';
import { errorMessage } from '../../lib/errors';
import type { PreparedScan } from '../../lib/scan-render';

export const SCAN_MAX_BYTES = 10 * 1024 * 1024;

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

/** A core refusal as one sentence: the field's message (with its details: batch, serial, site), else the error's. */
export function scanMessage(t: TFunction, error: RpcError): string {
  const code = Object.values(error.fields ?? {})[0];
  if (!code) return errorMessage(t, error);
  return t(`fieldError.${code}`, { ...(error.details ?? {}), defaultValue: errorMessage(t, error) });
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; message: string; code: string | null };

const refused = (t: TFunction, error: RpcError): Outcome<never> => ({ ok: false, message: scanMessage(t, error), code: Object.values(error.fields ?? {})[0] ?? null });

/** Uploads bytes in pieces; the upload id to attach them with. */
export async function upload(t: TFunction, bytes: Uint8Array, declared = bytes.length): Promise<Outcome<string>> {
  const begun = await api.call('paper.scan.begin', { bytes: declared });
  if (!begun.ok) return refused(t, begun.error);
  for (let index = 0; index * SCAN_PIECE_BYTES < bytes.length; index += 1) {
    const piece = await api.call('paper.scan.piece', { uploadId: begun.value.uploadId, index, base64: toBase64(bytes.subarray(index * SCAN_PIECE_BYTES, (index + 1) * SCAN_PIECE_BYTES)) });
    if (!piece.ok) return refused(t, piece.error);
  }
  return { ok: true, value: begun.value.uploadId };
}

/** Renders and reads a file; a PDF pdf.js cannot read is refused here, with the message for it. */
export async function prepare(t: TFunction, bytes: Uint8Array): Promise<Outcome<PreparedScan>> {
  // pdf.js and jsQR load when the first scan is handled, not with every screen.
  const { prepareScan, ScanRenderError } = await import('../../lib/scan-render');
  try {
    return { ok: true, value: await prepareScan(bytes, SCAN_MAX_BYTES) };
  } catch (error) {
    const code = error instanceof ScanRenderError ? error.code : 'scan_render';
    return { ok: false, message: t(`fieldError.${code === 'scan_corrupt' ? 'scan_pdf_unreadable' : code}`), code };
  }
}

/** Attaches a file to a sheet of a batch: the serial given, or the one its QR code names. */
export async function attachFile(t: TFunction, file: File, target: { batchId: string; serial?: number }, prepared?: PreparedScan): Promise<Outcome<{ serial: number; qr: string | null }> & { prepared?: PreparedScan }> {
  // A file over the limit is refused by its size alone, before it is read whole.
  if (file.size > SCAN_MAX_BYTES) {
    const begun = await api.call('paper.scan.begin', { bytes: file.size });
    return begun.ok ? { ok: false, message: t('fieldError.scan_too_large'), code: 'scan_too_large' } : refused(t, begun.error);
  }
  const bytes = new Uint8Array(await file.arrayBuffer());
  let ready = prepared;
  if (!ready) {
    const done = await prepare(t, bytes);
    if (!done.ok) return done;
    ready = done.value;
  }
  // No QR code and no serial picked: ask for the serial before sending anything.
  if (ready.drawn && !ready.qr && target.serial === undefined) return { ok: false, message: t('fieldError.scan_no_qr'), code: 'scan_no_qr', prepared: ready };
  const original = await upload(t, bytes, file.size);
  if (!original.ok) return { ...original, prepared: ready };
  let imageUploadId: string | undefined;
  if (ready.rendition) {
    const image = await upload(t, ready.rendition);
    if (!image.ok) return { ...image, prepared: ready };
    imageUploadId = image.value;
  }
  const attached = await api.call('paper.scan.attach', {
    uploadId: original.value,
    ...(imageUploadId ? { imageUploadId } : {}),
    ...(ready.qr ? { qr: ready.qr } : {}),
    batchId: target.batchId,
    ...(target.serial !== undefined ? { serial: target.serial } : {}),
  });
  if (!attached.ok) return { ...refused(t, attached.error), prepared: ready };
  return { ok: true, value: { serial: attached.value.serial, qr: ready.qr }, prepared: ready };
}
