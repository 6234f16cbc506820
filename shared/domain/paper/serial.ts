/**
 * Serial numbers of printed paper forms and the QR code that carries them. Every sheet is printed
 * with its serial as text and as a QR code holding site, batch and serial, so that a scan can be
 * matched to its sheet without anyone typing the number.
 */

/** Serials are printed with at least this many digits (0001), so they sort and read alike. */
export const SERIAL_DIGITS = 4;
export const SERIAL_MAX = 999_999;
/** Batch codes are short, printable, unambiguous (no spaces, no separators used in the payload). */
export const BATCH_CODE_PATTERN = /^[A-Za-z0-9-]{1,20}$/;

const PREFIX = 'IDF1';

export interface FormSerial {
  site: string;
  batch: string;
  serial: number;
}

export function formatSerial(serial: number): string {
  if (!Number.isInteger(serial) || serial < 1 || serial > SERIAL_MAX) throw new RangeError(`serial out of range: ${serial}`);
  return String(serial).padStart(SERIAL_DIGITS, '0');
}

/** The number written on the sheet and recorded as the consent's paper form number: batch-serial. */
export function paperFormNumber(batch: string, serial: number): string {
  return `${batch}-${formatSerial(serial)}`;
}

/** The QR payload: `IDF1|<site>|<batch>|<serial>`; the site name has any `|` replaced so it parses back. */
export function encodeFormQr(form: FormSerial): string {
  if (!BATCH_CODE_PATTERN.test(form.batch)) throw new RangeError('batch code must be 1–20 letters, digits or dashes');
  return [PREFIX, form.site.replaceAll('|', '/'), form.batch, formatSerial(form.serial)].join('|');
}

/** Reads a QR payload back; `null` when it is not one of ours. */
export function decodeFormQr(payload: string): FormSerial | null {
  const parts = payload.split('|');
  if (parts.length !== 4 || parts[0] !== PREFIX) return null;
  const [, site, batch, serialText] = parts as [string, string, string, string];
  if (!BATCH_CODE_PATTERN.test(batch) || !/^\d{1,6}$/.test(serialText)) return null;
  const serial = Number(serialText);
  if (serial < 1) return null;
  return { site, batch, serial };
}
