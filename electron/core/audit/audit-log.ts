/**
 * The audit trail: append-only (triggers refuse UPDATE and DELETE) and chained, so that a changed,
 * removed or reordered entry is found by `verify`, which names the first broken entry.
 * Details hold ids and codes only, never personal data in clear.
 *
 * Chain versions (docs/decisions/0008-keyed-audit-chain.md):
 * - 1: SHA-256 over the entry and the previous hash (written before the chain was keyed). Anyone
 *   with SQL access could recompute it, so an old chain is sealed by a keyed marker entry.
 * - 2: HMAC-SHA-256 with a key derived from the desk key, which is not in the database.
 * Every commit that appends also advances a signed head (sequence + hash, HMAC-signed with another
 * derived key) kept in a file beside the database, so removing the last entries is found too. The
 * file is written after the commit, off the request path: at most one write in flight, the newest
 * head always written next, and written at once (synchronously) before the desk closes, locks or
 * takes a backup. A crash in between leaves the file a few entries behind the log, which verifies
 * (the log descends from it); a log behind the file, or beside it, does not
 * (docs/decisions/0025-audit-head-off-the-request-path.md).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import type { AuditEntry, AuditVerifyResult } from '../../../shared/api/contract';
import type { CoreContext } from '../context';
import type { DeskKeys } from '../crypto/desk-keys';
import type { Db } from '../db/connection';
import { createLogger } from '../logger';
import { progressReporter, type OnProgress } from '../progress';
import type { Statement } from 'better-sqlite3-multiple-ciphers';

export type AuditDetails = Record<string, string | number | boolean | null>;

const log = createLogger('core/audit');

export const GENESIS_HASH = '0'.repeat(64);
export const AUDIT_HEAD_FILE = 'audit-head.json';
/** The chain version every new entry is written with. */
export const KEYED_CHAIN = 2;
const LEGACY_CHAIN = 1;

interface AuditRow {
  seq: number;
  at: number;
  device_id: string;
  staff_id: string | null;
  action: string;
  target: string | null;
  details: string;
  prev_hash: string;
  hash: string;
  /** Absent in databases from before schema 4 (all entries chain 1 then). */
  chain?: number;
}

type HashInput = Omit<AuditRow, 'hash' | 'chain'>;

/** Version 1: plain SHA-256 over a canonical encoding of every stored field plus the previous hash. */
export function entryHash(row: HashInput): string {
  const canonical = JSON.stringify([row.seq, row.at, row.device_id, row.staff_id, row.action, row.target, row.details, row.prev_hash]);
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

/** Version 2: the same canonical encoding (with the version) under HMAC-SHA-256 with the chain key. */
export function entryMac(key: Buffer, row: HashInput): string {
  const canonical = JSON.stringify([KEYED_CHAIN, row.seq, row.at, row.device_id, row.staff_id, row.action, row.target, row.details, row.prev_hash]);
  return createHmac('sha256', key).update(canonical, 'utf8').digest('hex');
}

export interface AuditHead {
  seq: number;
  hash: string;
}

type HeadRead = { state: 'absent' } | { state: 'altered' } | { state: 'ok'; head: AuditHead };

function headMac(key: Buffer, head: AuditHead): string {
  return createHmac('sha256', key).update(JSON.stringify(['audit-head', 1, head.seq, head.hash]), 'utf8').digest('hex');
}

function sameHex(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * The signed head in its file: written to a temporary file, flushed, then renamed over the old one,
 * so a crash leaves either the old head or the new one, never half of one.
 */
export class AuditHeadFile {
  constructor(
    readonly file: string,
    private readonly key: Buffer,
  ) {}

  static inDataDir(dataDir: string, keys: Pick<DeskKeys, 'auditHead'>): AuditHeadFile {
    return new AuditHeadFile(path.join(dataDir, AUDIT_HEAD_FILE), keys.auditHead);
  }

  read(): HeadRead {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'absent' };
      return { state: 'altered' };
    }
    try {
      const parsed = JSON.parse(text) as Record<string, unknown>;
      const { seq, hash, mac } = parsed;
      if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1 || typeof hash !== 'string' || typeof mac !== 'string') return { state: 'altered' };
      if (!sameHex(mac, headMac(this.key, { seq, hash }))) return { state: 'altered' };
      return { state: 'ok', head: { seq, hash } };
    } catch {
      return { state: 'altered' };
    }
  }

  write(head: AuditHead): void {
    const temporary = this.temporaryName();
    const fd = fs.openSync(temporary, 'w', 0o600);
    try {
      fs.writeSync(fd, this.body(head));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temporary, this.file);
  }

  /**
   * The slow half of `write` on libuv's thread pool: the head in a temporary file, flushed. The
   * caller then `install`s it (a rename, on its own thread, so it can still decide not to) or
   * `discard`s it.
   */
  async prepare(head: AuditHead): Promise<string> {
    const temporary = this.temporaryName();
    const handle = await fs.promises.open(temporary, 'w', 0o600);
    try {
      await handle.writeFile(this.body(head));
      await handle.sync();
    } finally {
      await handle.close();
    }
    return temporary;
  }

  install(temporary: string): void {
    fs.renameSync(temporary, this.file);
  }

  discard(temporary: string): void {
    fs.rmSync(temporary, { force: true });
  }

  /** Temporary files a stopped process left behind (a write cut off half way); never the head itself. */
  removeLeftovers(): void {
    const dir = path.dirname(this.file);
    const prefix = `${path.basename(this.file)}.`;
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) if (name.startsWith(prefix) && name.endsWith('.tmp')) fs.rmSync(path.join(dir, name), { force: true });
  }

  private temporaryName(): string {
    temporaryCount += 1;
    return `${this.file}.${process.pid}-${threadId}-${temporaryCount}.tmp`;
  }

  private body(head: AuditHead): string {
    return `${JSON.stringify({ version: 1, seq: head.seq, hash: head.hash, mac: headMac(this.key, head) })}\n`;
  }
}

let temporaryCount = 0;

export interface AuditChainOptions {
  /** The chain key (HMAC of every new entry). */
  key: Buffer;
  /** Where the signed head lives; null only for tools that never append and do not check a head. */
  head: AuditHeadFile | null;
}

export class AuditLog {
  private readonly pageStmt;
  private readonly allStmt;
  private readonly lastSeqStmt;
  /** The head last written (or read and found consistent); undefined until `open` has looked. */
  private head: AuditHead | null | undefined;
  /** The newest committed head, waiting for the file (null: the file has it, or is writing it). */
  private wanted: AuditHead | null = null;
  /** The one write in flight, if any, and the head it writes. */
  private writing: Promise<void> | null = null;
  private writingHead: AuditHead | null = null;
  /** False when the head on disk does not match the log: it is then left as found, for `verify` to report. */
  private headTrusted = false;

  constructor(
    private readonly db: Db,
    private readonly ctx: Pick<CoreContext, 'now' | 'deviceId'>,
    private readonly chain: AuditChainOptions,
  ) {
    this.pageStmt = db.prepare<{ beforeSeq: number; limit: number }, AuditRow>(
      'SELECT * FROM audit_log WHERE seq < :beforeSeq ORDER BY seq DESC LIMIT :limit',
    );
    this.allStmt = db.prepare<[], AuditRow>('SELECT * FROM audit_log ORDER BY seq');
    // The number of entries, for progress: the last sequence number (one look at the primary key).
    this.lastSeqStmt = db.prepare<[], { last: number | null }>('SELECT MAX(seq) AS last FROM audit_log');
  }

  // Prepared on first use: `verify` also reads databases from before the `chain` column (schema 3).
  private writeStatements?: {
    last: Statement<[], { seq: number; hash: string; chain: number }>;
    insert: Statement<Record<string, unknown>>;
    keyedCount: Statement<[number], { n: number }>;
    hashAt: Statement<[number], { hash: string }>;
  };

  private get stmts() {
    this.writeStatements ??= {
      last: this.db.prepare<[], { seq: number; hash: string; chain: number }>('SELECT seq, hash, chain FROM audit_log ORDER BY seq DESC LIMIT 1'),
      insert: this.db.prepare<Record<string, unknown>>(
        `INSERT INTO audit_log (seq, at, device_id, staff_id, action, target, details, prev_hash, hash, chain)
         VALUES (:seq, :at, :device_id, :staff_id, :action, :target, :details, :prev_hash, :hash, :chain)`,
      ),
      keyedCount: this.db.prepare<[number], { n: number }>('SELECT COUNT(*) AS n FROM audit_log WHERE chain = ?'),
      hashAt: this.db.prepare<[number], { hash: string }>('SELECT hash FROM audit_log WHERE seq = ?'),
    };
    return this.writeStatements;
  }

  /**
   * On start: decide whether the head on disk can be advanced (it matches the log, or there is no
   * keyed entry yet), seal a chain written before keying with a keyed marker entry, and catch the
   * head up if a crash stopped it between a commit and its write (audited, so it shows).
   */
  open(): void {
    const { head } = this.chain;
    if (!head) return;
    const found = head.read();
    const last = this.stmts.last.get();
    if (found.state === 'ok') {
      const row = this.stmts.hashAt.get(found.head.seq);
      this.headTrusted = row !== undefined && sameHex(row.hash, found.head.hash);
      this.head = found.head;
      if (this.headTrusted && last && last.seq > found.head.seq) {
        this.append(null, 'audit.head_advanced', null, { from: found.head.seq, to: last.seq });
      }
    } else {
      this.headTrusted = found.state === 'absent' && (this.stmts.keyedCount.get(KEYED_CHAIN)?.n ?? 0) === 0;
      this.head = null;
    }
    if (last && last.chain === LEGACY_CHAIN) {
      this.append(null, 'audit.chain_keyed', null, { legacyEntries: last.seq, legacyHead: last.hash });
    }
    head.removeLeftovers();
    this.flushHead();
  }

  append(staffId: string | null, action: string, target: string | null, details: AuditDetails = {}): void {
    const write = (): void => {
      const last = this.stmts.last.get();
      const row = {
        seq: (last?.seq ?? 0) + 1,
        at: this.ctx.now(),
        device_id: this.ctx.deviceId,
        staff_id: staffId,
        action,
        target,
        details: JSON.stringify(details),
        prev_hash: last?.hash ?? GENESIS_HASH,
      };
      this.stmts.insert.run({ ...row, hash: entryMac(this.chain.key, row), chain: KEYED_CHAIN });
    };
    if (this.db.inTransaction) write();
    else {
      this.db.transaction(write).immediate();
      this.syncHead();
    }
  }

  /**
   * Let the signed head follow the last committed entry. Called after every commit that may have
   * appended (never inside a transaction, which could still roll back). The write happens after the
   * caller has its answer: at most one in flight, and when it lands the newest head waiting is
   * written next, so a burst of commits costs a write or two, not one each.
   */
  syncHead(): void {
    if (this.updateWanted(true)) this.startWrite();
  }

  /**
   * Write the newest committed head now, synchronously (before the desk closes, locks or takes a
   * backup). A write still in flight then finds itself overtaken and is dropped.
   */
  flushHead(): void {
    const file = this.chain.head;
    if (!file || !this.updateWanted(false)) return;
    const next = this.wanted;
    if (!next) return;
    try {
      file.write(next);
      this.head = next;
      this.wanted = null;
    } catch (error) {
      this.headWriteFailed(error, next);
    }
  }

  /** Resolves when no head write is in flight (for a caller that must see the file settled). */
  async settled(): Promise<void> {
    while (this.writing) await this.writing;
  }

  /**
   * Notes the last committed entry as wanted in the file; true when the file is behind it.
   * `countInFlight`: a write in flight counts as done (for a flush it does not: it must be on disk).
   */
  private updateWanted(countInFlight: boolean): boolean {
    const { head } = this.chain;
    // A closed database (a second close) has nothing newer to say.
    if (!head || !this.headTrusted || !this.db.open || this.db.inTransaction) return false;
    const last = this.stmts.last.get();
    if (!last) return false;
    const known = this.wanted ?? (countInFlight ? this.writingHead : null) ?? this.head;
    if (known && known.seq === last.seq && known.hash === last.hash) return this.wanted !== null;
    this.wanted = { seq: last.seq, hash: last.hash };
    return true;
  }

  private startWrite(): void {
    const file = this.chain.head;
    const next = this.wanted;
    if (!file || !next || this.writing) return;
    this.wanted = null;
    this.writingHead = next;
    this.writing = file
      .prepare(next)
      .then(
        (temporary) => {
          // A synchronous flush (or a later write) got there first: the file must never go back.
          if (this.head && this.head.seq >= next.seq) file.discard(temporary);
          else {
            file.install(temporary);
            this.head = next;
          }
        },
        (error: unknown) => this.headWriteFailed(error, next),
      )
      .catch((error: unknown) => this.headWriteFailed(error, next))
      .finally(() => {
        this.writing = null;
        this.writingHead = null;
        this.startWrite();
      });
  }

  private headWriteFailed(error: unknown, head: AuditHead): void {
    // The entries are committed; a head that could not be written shows up in `verify` instead
    // (and the next commit tries again: a failing disk is not retried in a loop).
    log.error('could not write the signed audit head', { code: (error as NodeJS.ErrnoException).code ?? 'unknown', seq: head.seq });
  }

  list(beforeSeq: number | undefined, limit: number): AuditEntry[] {
    return this.pageStmt.all({ beforeSeq: beforeSeq ?? Number.MAX_SAFE_INTEGER, limit }).map((row) => ({
      seq: row.seq,
      at: row.at,
      staffId: row.staff_id,
      action: row.action,
      target: row.target,
      details: JSON.parse(row.details) as AuditDetails,
    }));
  }

  /**
   * Walks the whole chain. `onProgress(done, total)` hears how far the walk is (entries checked of
   * the entries there are), first at 0, then at most every ~250 ms, and (done, done) when the walk
   * reached the end; a walk read again (see below) reports from 0 again.
   */
  verify(onProgress?: OnProgress): AuditVerifyResult {
    // A tool reading a desk that is in use may see the head move while it reads: read again then.
    let result = this.verifyOnce(this.readHead(), onProgress);
    for (let attempt = 0; attempt < 3 && !result.ok; attempt += 1) {
      const before = this.readHead();
      result = this.verifyOnce(before, onProgress);
      if (JSON.stringify(before) === JSON.stringify(this.readHead())) break;
    }
    return result;
  }

  private readHead(): HeadRead | null {
    return this.chain.head ? this.chain.head.read() : null;
  }

  private verifyOnce(headRead: HeadRead | null, onProgress: OnProgress | undefined): AuditVerifyResult {
    const progress = progressReporter(onProgress ? (this.lastSeqStmt.get()?.last ?? 0) : 0, onProgress);
    const headSeq = headRead?.state === 'ok' ? headRead.head.seq : -1;
    let expectedPrev = GENESIS_HASH;
    let expectedSeq = 1;
    let entries = 0;
    let keyed = 0;
    let hashAtHead: string | undefined;
    for (const row of this.allStmt.iterate()) {
      entries += 1;
      const broken = (problem: string): AuditVerifyResult => ({ ok: false, entries, firstBrokenSeq: row.seq, problem });
      if (row.seq !== expectedSeq) return broken(`entry ${expectedSeq} is missing`);
      if (row.prev_hash !== expectedPrev) return broken('does not link to the entry before it');
      const version = row.chain ?? LEGACY_CHAIN;
      if (version === KEYED_CHAIN) {
        keyed += 1;
        if (!sameHex(entryMac(this.chain.key, row), row.hash)) return broken('its content was changed after it was written');
      } else if (version === LEGACY_CHAIN) {
        if (keyed > 0) return broken('an unkeyed entry follows keyed ones');
        if (entryHash(row) !== row.hash) return broken('its content was changed after it was written');
      } else {
        return broken('its chain version is unknown');
      }
      if (row.seq === headSeq) hashAtHead = row.hash;
      expectedPrev = row.hash;
      expectedSeq += 1;
      progress.step(entries);
    }
    progress.finish(entries);
    const lastSeq = expectedSeq - 1;
    if (headRead) {
      const broken = (firstBrokenSeq: number, problem: string): AuditVerifyResult => ({ ok: false, entries, firstBrokenSeq, problem });
      if (headRead.state === 'altered') return broken(lastSeq, 'the signed audit head was altered or is unreadable');
      if (headRead.state === 'absent') {
        if (keyed > 0) return broken(lastSeq, 'the signed audit head is missing');
      } else {
        const { head } = headRead;
        if (head.seq > lastSeq) return broken(lastSeq + 1, `truncated after entry ${lastSeq} (the signed head names entry ${head.seq})`);
        if (hashAtHead === undefined || !sameHex(hashAtHead, head.hash)) return broken(head.seq, 'does not match the signed audit head');
        // A log ahead of the head and descending from it (checked entry by entry above) verifies: the
        // head is written after the commit, so a crash can leave it a few entries behind, and the
        // next start records the catch-up (audit.head_advanced).
      }
    }
    return { ok: true, entries };
  }
}
