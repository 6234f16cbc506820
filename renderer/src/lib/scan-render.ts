/**
 * Scans as pictures (issue 13 item 3), in the renderer because that is where a canvas is:
 *
 * - a PDF is rendered with pdf.js — its first page, to a PNG the core stores beside the original as
 *   the image every screen shows (further pages stay in the original; our form is one page a sheet).
 *   pdf.js runs in its own worker, bundled and served from our own origin (the CSP allows scripts
 *   from 'self' only), with eval off (`isEvalSupported: false`), no WebAssembly (the CSP has no
 *   'wasm-unsafe-eval') and nothing fetched from anywhere else.
 * - the QR code our forms carry (`IDF1|site|batch|serial`) is read with jsQR from that picture: the
 *   corner where we print it first, then the whole page at a few scales and the four rotations
 *   (a sheet fed upside down or sideways), so that most scans find their sheet by themselves.
 */
import jsQR from 'jsqr';
import { GlobalWorkerOptions, getDocument } from 'pdfjs-dist';
import PdfWorker from 'pdfjs-dist/build/pdf.worker.min.mjs?worker';
import { decodeFormQr } from '../../../shared/domain/paper/serial';

/** The rendered width of a PDF page: A4 at about 150 dpi, plenty for reading and for the QR code. */
const RENDER_WIDTH = 1240;

export type ScanKind = 'image/jpeg' | 'image/png' | 'application/pdf' | null;

/** The kind the first bytes say (the core judges again; this only decides how to draw it). */
export function sniffScan(bytes: Uint8Array): ScanKind {
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'image/png';
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 1024));
  return head.includes('%PDF-') ? 'application/pdf' : null;
}

export class ScanRenderError extends Error {
  constructor(readonly code: 'scan_corrupt' | 'scan_render') {
    super(code);
  }
}

let workerStarted = false;
function startPdfWorker(): void {
  if (workerStarted) return;
  GlobalWorkerOptions.workerPort = new PdfWorker();
  workerStarted = true;
}

function canvasOf(width: number, height: number): { canvas: HTMLCanvasElement; context: CanvasRenderingContext2D } {
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(width));
  canvas.height = Math.max(1, Math.round(height));
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) throw new ScanRenderError('scan_render');
  return { canvas, context };
}

/** The first page of a PDF drawn on a canvas; a PDF pdf.js cannot read is `scan_corrupt`. */
export async function renderPdfFirstPage(bytes: Uint8Array): Promise<{ canvas: HTMLCanvasElement; pages: number }> {
  startPdfWorker();
  let pdf;
  try {
    // pdf.js takes the buffer over to its worker: give it a copy, so the file itself stays ours to upload.
    pdf = await getDocument({ data: bytes.slice(), isEvalSupported: false, useWasm: false, useSystemFonts: false, stopAtErrors: true, enableXfa: false }).promise;
  } catch {
    throw new ScanRenderError('scan_corrupt');
  }
  try {
    const page = await pdf.getPage(1);
    const unscaled = page.getViewport({ scale: 1 });
    const viewport = page.getViewport({ scale: RENDER_WIDTH / unscaled.width });
    const { canvas, context } = canvasOf(viewport.width, viewport.height);
    context.fillStyle = '#ffffff';
    context.fillRect(0, 0, canvas.width, canvas.height);
    await page.render({ canvas, canvasContext: context, viewport }).promise;
    return { canvas, pages: pdf.numPages };
  } catch {
    throw new ScanRenderError('scan_corrupt');
  } finally {
    void pdf.destroy();
  }
}

/** A JPEG or PNG drawn on a canvas (for reading its QR code); null when the browser cannot decode it. */
export async function drawImage(bytes: Uint8Array, type: 'image/jpeg' | 'image/png'): Promise<HTMLCanvasElement | null> {
  try {
    const bitmap = await createImageBitmap(new Blob([bytes.slice()], { type }));
    const { canvas, context } = canvasOf(bitmap.width, bitmap.height);
    context.drawImage(bitmap, 0, 0);
    bitmap.close();
    return canvas;
  } catch {
    return null;
  }
}

export function canvasToPng(canvas: HTMLCanvasElement): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    canvas.toBlob((blob) => {
      if (!blob) return reject(new ScanRenderError('scan_render'));
      void blob.arrayBuffer().then((buffer) => resolve(new Uint8Array(buffer)), reject);
    }, 'image/png');
  });
}

/** One region of the picture, scaled to `width` pixels wide and turned by `turns` quarter turns. */
function region(source: HTMLCanvasElement, box: { x: number; y: number; w: number; h: number }, width: number, turns: number): ImageData {
  const scale = Math.min(1, width / box.w);
  const w = box.w * scale;
  const h = box.h * scale;
  const sideways = turns % 2 === 1;
  const { canvas, context } = canvasOf(sideways ? h : w, sideways ? w : h);
  context.translate(canvas.width / 2, canvas.height / 2);
  context.rotate((turns * Math.PI) / 2);
  context.drawImage(source, box.x, box.y, box.w, box.h, -w / 2, -h / 2, w, h);
  return context.getImageData(0, 0, canvas.width, canvas.height);
}

/**
 * The text of the first QR code found that is one of our forms' (or, failing that, any QR code's
 * text, so the core can say it is not ours); null when none can be read.
 */
export function readFormQr(canvas: HTMLCanvasElement): string | null {
  const W = canvas.width;
  const H = canvas.height;
  // Where our form prints it (top right), where it lands when the sheet is fed upside down (bottom
  // left), then the whole page; each at a reading size, then larger for small or blurred codes.
  const boxes = [
    { x: W * 0.55, y: 0, w: W * 0.45, h: H * 0.25 },
    { x: 0, y: H * 0.75, w: W * 0.45, h: H * 0.25 },
    { x: 0, y: 0, w: W, h: H },
  ];
  let foreign: string | null = null;
  for (const box of boxes) {
    for (const width of [600, 1200]) {
      for (const turns of [0, 1, 2, 3]) {
        const image = region(canvas, box, width, turns);
        const found = jsQR(image.data, image.width, image.height, { inversionAttempts: 'dontInvert' });
        if (!found?.data) continue;
        if (decodeFormQr(found.data)) return found.data;
        foreign ??= found.data;
        // jsQR reads a code in any orientation; another turn would read the same code again.
        break;
      }
    }
  }
  return foreign;
}

export interface PreparedScan {
  kind: ScanKind;
  /** The PNG of a PDF's first page (null for a JPEG or PNG: it is its own image). */
  rendition: Uint8Array | null;
  /** The QR text read from the picture (null: none readable, or not an image we can draw). */
  qr: string | null;
  pages: number;
  /** Whether the picture could be drawn (else the core gets the file as it is and says what is wrong). */
  drawn: boolean;
}

/**
 * Everything the screen does with a file before it goes to the core: render a PDF (a corrupt one is
 * refused here, where it was dropped) and read the QR code. A file that is none of ours, or too
 * large, is passed on untouched: the core refuses it with the reason.
 */
export async function prepareScan(bytes: Uint8Array, maxBytes: number): Promise<PreparedScan> {
  const kind = sniffScan(bytes);
  if (kind === null || bytes.length > maxBytes) return { kind, rendition: null, qr: null, pages: 1, drawn: false };
  if (kind === 'application/pdf') {
    const { canvas, pages } = await renderPdfFirstPage(bytes);
    return { kind, rendition: await canvasToPng(canvas), qr: readFormQr(canvas), pages, drawn: true };
  }
  const canvas = await drawImage(bytes, kind);
  return { kind, rendition: null, qr: canvas ? readFormQr(canvas) : null, pages: 1, drawn: canvas !== null };
}
