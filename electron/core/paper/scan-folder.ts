/**
 * The scanner's watched folder (issue 13 item 3). A manager names the folder the office scanner
 * writes into; the core looks at it every few seconds and imports each new file once it has
 * stopped growing (the same size and modification time on two looks in a row): checked like any
 * scan (type by content, 10 MB, EXIF removed), stored encrypted, and then the plain original is
 * deleted from the folder. A file that fails the checks is moved into `rejected/` beside a
 * `<name>.reason.txt` saying why — never silently dropped. Imported scans wait in the inbox until a
 * screen reads their QR code (or a person picks the serial) and attaches them to their sheet.
 *
 * The folder is a setting of this desk (a path on this machine), kept in `meta`, not replicated.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DomainError } from '../errors';
import { createLogger } from '../logger';
import type { Services } from '../services';
import { SCAN_MAX_BYTES } from '../attachments/scan-files';
import { importFolderScan } from './scan-service';

const log = createLogger('core/scan-folder');
const META_KEY = 'scan_folder';
export const REJECTED_DIR = 'rejected';

interface Seen {
  size: number;
  mtimeMs: number;
}

export interface ScanFolderStatus {
  folder: string | null;
  imported: number;
  rejected: number;
  lastError: string | null;
}

export class ScanFolder {
  /** What each file looked like at the previous look: a file is taken once it looks the same twice. */
  private readonly seen = new Map<string, Seen>();
  private busy = false;
  private imported = 0;
  private rejected = 0;
  private lastError: string | null = null;

  constructor(
    private readonly services: Services,
    private readonly dataDir: string,
  ) {}

  folder(): string | null {
    return this.services.meta.get(META_KEY) || null;
  }

  status(): ScanFolderStatus {
    return { folder: this.folder(), imported: this.imported, rejected: this.rejected, lastError: this.lastError };
  }

  /** Sets (or clears, with null) the folder; it must exist, be a folder we can write in, and lie outside the data folder. */
  configure(staffId: string, folder: string | null): ScanFolderStatus {
    if (folder !== null) {
      const resolved = path.resolve(folder.trim());
      function refuse(code: string, message: string): never {
        throw new DomainError('VALIDATION', message, { folder: code });
      }
      if (!path.isAbsolute(folder.trim())) refuse('scan_folder_not_absolute', 'give the full path of the folder');
      let stat: fs.Stats;
      try {
        stat = fs.statSync(resolved);
      } catch {
        refuse('scan_folder_missing', 'there is no folder at this path');
      }
      if (!stat.isDirectory()) refuse('scan_folder_missing', 'this path is a file, not a folder');
      try {
        fs.accessSync(resolved, fs.constants.R_OK | fs.constants.W_OK);
      } catch {
        refuse('scan_folder_not_writable', 'the desk cannot read and write in this folder (it removes imported files)');
      }
      // Files here are deleted once imported: never the data folder, anything around it, or a drive's root.
      const data = path.resolve(this.dataDir);
      const inside = (child: string, parent: string): boolean => {
        const relative = path.relative(parent, child);
        return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
      };
      if (inside(resolved, data) || inside(data, resolved)) refuse('scan_folder_in_data', 'the scanner folder must be outside the desk’s data folder');
      if (path.parse(resolved).root === resolved) refuse('scan_folder_root', 'the scanner folder cannot be the root of a drive');
      folder = resolved;
    }
    this.services.transact(() => {
      this.services.meta.set(META_KEY, folder ?? '');
      this.services.audit.append(staffId, 'paper.scan_folder_set', 'scan_folder', { set: folder !== null });
    });
    this.seen.clear();
    this.lastError = null;
    return this.status();
  }

  /** One look at the folder: files that stopped growing are imported (or rejected with the reason). */
  async tick(): Promise<{ imported: number; rejected: number }> {
    const folder = this.folder();
    if (!folder || this.busy) return { imported: 0, rejected: 0 };
    this.busy = true;
    let imported = 0;
    let rejected = 0;
    try {
      let names: fs.Dirent[];
      try {
        names = fs.readdirSync(folder, { withFileTypes: true });
        this.lastError = null;
      } catch {
        this.lastError = 'folder_unreadable';
        return { imported, rejected };
      }
      const present = new Set<string>();
      for (const entry of names) {
        // Our own subfolder, hidden files and a scanner's half-written temporaries are left alone.
        if (!entry.isFile() || entry.name.startsWith('.') || /\.(tmp|part|crdownload)$/i.test(entry.name)) continue;
        present.add(entry.name);
        const file = path.join(folder, entry.name);
        let stat: fs.Stats;
        try {
          stat = fs.statSync(file);
        } catch {
          continue;
        }
        const before = this.seen.get(entry.name);
        this.seen.set(entry.name, { size: stat.size, mtimeMs: stat.mtimeMs });
        if (!before || before.size !== stat.size || before.mtimeMs !== stat.mtimeMs || stat.size === 0) continue;
        if (await this.take(folder, entry.name, stat.size)) imported += 1;
        else rejected += 1;
        this.seen.delete(entry.name);
      }
      for (const name of this.seen.keys()) if (!present.has(name)) this.seen.delete(name);
    } finally {
      this.busy = false;
    }
    this.imported += imported;
    this.rejected += rejected;
    if (imported + rejected > 0) this.services.emit(null, 'paper.scans_changed', { imported, rejected });
    return { imported, rejected };
  }

  /** Imports one file and removes it, or moves it to rejected/ with its reason. True when imported. */
  private async take(folder: string, name: string, size: number): Promise<boolean> {
    const file = path.join(folder, name);
    try {
      if (size > SCAN_MAX_BYTES) throw new DomainError('VALIDATION', `the file is ${size} bytes; a scan may be at most ${SCAN_MAX_BYTES} bytes (10 MB)`, { file: 'scan_too_large' });
      const bytes = fs.readFileSync(file);
      await importFolderScan(this.services, bytes, name);
      // Stored encrypted (and fsynced): the plain original goes.
      fs.rmSync(file, { force: true });
      return true;
    } catch (error) {
      if (!(error instanceof DomainError)) {
        log.error('a scanner file could not be imported; left in place', { error: error instanceof Error ? error.name : 'unknown' });
        this.lastError = 'import_failed';
        return false;
      }
      try {
        this.reject(folder, name, error);
      } catch {
        // Cannot move it (permissions, a full disk): leave it where it is and say so in Settings.
        log.error('a refused scanner file could not be moved to rejected/', { reason: Object.values(error.fields ?? {})[0] ?? 'invalid' });
        this.lastError = 'import_failed';
      }
      return false;
    }
  }

  private reject(folder: string, name: string, error: DomainError): void {
    const dir = path.join(folder, REJECTED_DIR);
    fs.mkdirSync(dir, { recursive: true });
    let target = path.join(dir, name);
    for (let n = 2; fs.existsSync(target); n += 1) target = path.join(dir, `${path.parse(name).name} (${n})${path.extname(name)}`);
    fs.renameSync(path.join(folder, name), target);
    const code = Object.values(error.fields ?? {})[0] ?? 'invalid';
    fs.writeFileSync(`${target}.reason.txt`, `${REASON_TEXT[code] ?? REASON_TEXT['invalid']}\n${error.message}\n(${code})\n`, { mode: 0o600 });
    this.services.audit.append(null, 'paper.scan_rejected', 'scan_folder', { reason: code });
  }
}

/** The first line of a `.reason.txt`, in both languages (read by whoever empties the folder). */
const REASON_TEXT: Record<string, string> = {
  scan_too_large: '文件太大：扫描件最大 10 MB / The file is too large: a scan may be at most 10 MB',
  scan_type: '不是 JPEG、PNG 或 PDF 文件（按内容判断） / Not a JPEG, PNG or PDF file (judged by its content)',
  scan_corrupt: '文件已损坏或不完整 / The file is damaged or incomplete',
  scan_empty: '文件是空的 / The file is empty',
  invalid: '文件未通过检查 / The file did not pass the checks',
};
