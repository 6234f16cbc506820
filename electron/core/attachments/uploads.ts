/**
 * Scans arrive over RPC in pieces (a request is at most 1 MB; a scan up to 10 MB). Pieces are held
 * in memory per upload, never written to disk in the clear; the size is bounded as they arrive, so
 * a 50 MB file is refused at its first piece over the limit (or at once, by its declared size).
 * Unfinished uploads are dropped after 10 minutes or when a person starts too many.
 */
import { DomainError } from '../errors';
import type { Clock } from '../context';
import { SCAN_MAX_BYTES } from './scan-files';

const STALE_MS = 10 * 60_000;
const MAX_OPEN_PER_STAFF = 4;

interface Upload {
  staffId: string;
  declared: number;
  received: number;
  pieces: Buffer[];
  touched: number;
}

export class ScanUploads {
  private readonly open = new Map<string, Upload>();

  constructor(private readonly now: Clock) {}

  private sweep(): void {
    const cutoff = this.now() - STALE_MS;
    for (const [id, upload] of this.open) if (upload.touched < cutoff) this.open.delete(id);
  }

  begin(id: string, staffId: string, declaredBytes: number): void {
    this.sweep();
    if (declaredBytes > SCAN_MAX_BYTES) throw new DomainError('VALIDATION', `the file is ${declaredBytes} bytes; a scan may be at most ${SCAN_MAX_BYTES} bytes (10 MB)`, { file: 'scan_too_large' }, { maxBytes: SCAN_MAX_BYTES });
    if (declaredBytes === 0) throw new DomainError('VALIDATION', 'the file is empty', { file: 'scan_empty' });
    const mine = [...this.open.entries()].filter(([, upload]) => upload.staffId === staffId).sort(([, a], [, b]) => a.touched - b.touched);
    for (const [oldest] of mine.slice(0, Math.max(0, mine.length - MAX_OPEN_PER_STAFF + 1))) this.open.delete(oldest);
    this.open.set(id, { staffId, declared: declaredBytes, received: 0, pieces: [], touched: this.now() });
  }

  private mine(id: string, staffId: string): Upload {
    const upload = this.open.get(id);
    if (!upload || upload.staffId !== staffId) throw new DomainError('NOT_FOUND', 'no such upload (it may have expired); please attach the file again');
    return upload;
  }

  add(id: string, staffId: string, index: number, piece: Buffer): void {
    const upload = this.mine(id, staffId);
    if (index !== upload.pieces.length) throw new DomainError('CONFLICT', `expected piece ${upload.pieces.length}, got ${index}`);
    upload.received += piece.length;
    if (upload.received > upload.declared || upload.received > SCAN_MAX_BYTES) {
      this.open.delete(id);
      throw new DomainError('VALIDATION', 'the file is larger than declared or over 10 MB', { file: 'scan_too_large' }, { maxBytes: SCAN_MAX_BYTES });
    }
    upload.pieces.push(piece);
    upload.touched = this.now();
  }

  /** The whole file; the upload is forgotten either way. */
  take(id: string, staffId: string): Buffer {
    const upload = this.mine(id, staffId);
    this.open.delete(id);
    if (upload.received !== upload.declared) throw new DomainError('VALIDATION', 'the file arrived incomplete; please attach it again', { file: 'scan_corrupt' });
    return Buffer.concat(upload.pieces);
  }
}
