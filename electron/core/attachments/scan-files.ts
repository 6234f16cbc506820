/**
 * What a scan may be: JPEG, PNG or PDF, recognised by its first bytes (never by its name), at most
 * 10 MB, with the camera's EXIF block removed (it can hold the place and time a photo was taken and
 * the phone that took it). A corrupt file is refused here, where it is dropped, not later.
 */
import { DomainError } from '../errors';

export const SCAN_MAX_BYTES = 10 * 1024 * 1024;
export const SCAN_TYPES = ['image/jpeg', 'image/png', 'application/pdf'] as const;
export type ScanType = (typeof SCAN_TYPES)[number];

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The type the content says it is, or null when it is none of ours (an executable renamed .jpg). */
export function detectScanType(bytes: Uint8Array): ScanType | null {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 8 && b.subarray(0, 8).equals(PNG_SIGNATURE)) return 'image/png';
  // PDF allows up to 1024 bytes of junk before the header.
  if (b.subarray(0, 1024).includes('%PDF-')) return 'application/pdf';
  return null;
}

function refuse(problem: string, message: string, details?: Record<string, number | string>): never {
  throw new DomainError('VALIDATION', message, { file: problem }, details);
}

/** JPEG without APP1 Exif/XMP segments; refuses a JPEG whose segments do not add up. */
export function stripJpegMetadata(input: Buffer): Buffer {
  const parts: Buffer[] = [input.subarray(0, 2)];
  let at = 2;
  while (at < input.length) {
    if (input[at] !== 0xff) refuse('scan_corrupt', 'the JPEG is damaged (a segment does not start where it should)');
    const marker = input[at + 1];
    if (marker === undefined) refuse('scan_corrupt', 'the JPEG ends in the middle of a segment');
    // Start of scan: the rest is image data (and the end marker); keep it whole.
    if (marker === 0xda) {
      parts.push(input.subarray(at));
      return Buffer.concat(parts);
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      parts.push(input.subarray(at, at + 2));
      at += 2;
      continue;
    }
    if (at + 4 > input.length) refuse('scan_corrupt', 'the JPEG ends in the middle of a segment');
    const length = input.readUInt16BE(at + 2);
    const end = at + 2 + length;
    if (length < 2 || end > input.length) refuse('scan_corrupt', 'the JPEG is damaged (a segment runs past the end)');
    const isApp1 = marker === 0xe1;
    const isComment = marker === 0xfe;
    if (!isApp1 && !isComment) parts.push(input.subarray(at, end));
    at = end;
  }
  refuse('scan_corrupt', 'the JPEG has no image data');
}

const PNG_METADATA_CHUNKS = new Set(['eXIf', 'tEXt', 'zTXt', 'iTXt', 'tIME']);

/** PNG without eXIf and text chunks; refuses a PNG whose chunks do not add up. */
export function stripPngMetadata(input: Buffer): Buffer {
  const parts: Buffer[] = [input.subarray(0, 8)];
  let at = 8;
  let sawEnd = false;
  while (at < input.length && !sawEnd) {
    if (at + 12 > input.length) refuse('scan_corrupt', 'the PNG is damaged (a chunk runs past the end)');
    const length = input.readUInt32BE(at);
    const type = input.toString('latin1', at + 4, at + 8);
    const end = at + 12 + length;
    if (end > input.length) refuse('scan_corrupt', 'the PNG is damaged (a chunk runs past the end)');
    if (!PNG_METADATA_CHUNKS.has(type)) parts.push(input.subarray(at, end));
    sawEnd = type === 'IEND';
    at = end;
  }
  if (!sawEnd) refuse('scan_corrupt', 'the PNG is cut short (no end chunk)');
  return Buffer.concat(parts);
}

export interface CleanScan {
  type: ScanType;
  bytes: Buffer;
  /** Pages of a PDF; 1 for an image. */
  pages: number;
}

/** Checks a scan and returns it ready to store: type from content, size bound, EXIF removed, PDF parsed. */
export async function cleanScan(input: Uint8Array): Promise<CleanScan> {
  if (input.byteLength === 0) refuse('scan_empty', 'the file is empty');
  if (input.byteLength > SCAN_MAX_BYTES) refuse('scan_too_large', `the file is ${input.byteLength} bytes; a scan may be at most ${SCAN_MAX_BYTES} bytes (10 MB)`, { maxBytes: SCAN_MAX_BYTES });
  const type = detectScanType(input);
  if (!type) refuse('scan_type', 'the file is not a JPEG, PNG or PDF (judged by its content, not its name)');
  const bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (type === 'image/jpeg') return { type, bytes: stripJpegMetadata(bytes), pages: 1 };
  if (type === 'image/png') return { type, bytes: stripPngMetadata(bytes), pages: 1 };
  // pdf-lib loads when a PDF scan comes in, not when the core starts (issue 12).
  const { PDFDocument } = await import('pdf-lib');
  let pages: number;
  try {
    const doc = await PDFDocument.load(bytes, { ignoreEncryption: false, throwOnInvalidObject: true, updateMetadata: false });
    pages = doc.getPageCount();
  } catch {
    refuse('scan_corrupt', 'the PDF cannot be read (damaged, cut short or encrypted)');
  }
  if (pages < 1) refuse('scan_corrupt', 'the PDF has no pages');
  return { type, bytes, pages };
}
