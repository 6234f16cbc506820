/**
 * The audit trail: append-only (triggers refuse UPDATE and DELETE) and chained, so that a changed,
 * removed or reordered entry is found by `verify`, which names the first broken entry.
 * Details hold ids and codes only, never personal data in clear.
 *
 * Chain versions (docs/decisions/0008-keyed-audit-chain.md):
 * - 1: SHA-256 over the entry and the previous hash (written before the chain was keyed). Anyone
 *   with SQL access could recompute it, so an old chain is sealed by a keyed marker entry.
 * - 2: HMAC-SHA-256 with a key derived from the desk key, which is not in the database.
 * Every append also advances a signed head (sequence + hash, HMAC-signed with another derived key)
 * kept in a file beside the database, so removing the last entries is found too.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { AuditEntry, AuditVerifyResult } from '../../../shared/api/contract';
import type { CoreContext } from '../context';
import type { DeskKeys } from '../crypto/desk-keys';
import type { Db } from '../db/connection';
import { createLogger } from '../logger';
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
    const temporary = `${this.file}.${process.pid}.tmp`;
    const body = `${JSON.stringify({ version: 1, seq: head.seq, hash: head.hash, mac: headMac(this.key, head) })}\n`;
    const fd = fs.openSync(temporary, 'w', 0o600);
    try {
      fs.writeSync(fd, body);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temporary, this.file);
  }
}

export interface AuditChainOptions {
  /** The chain key (HMAC of every new entry). */
  key: Buffer;
  /** Where the signed head lives; null only for tools that never append and do not check a head. */
  head: AuditHeadFile | null;
}

export class AuditLog {
  private readonly pageStmt;
  private readonly allStmt;
  /** The head last written (or read and found consistent); undefined until `open` has looked. */
  private head: AuditHead | null | undefined;
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
    this.syncHead();
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
   * Advance the signed head to the last committed entry. Called after every commit that may have
   * appended (never inside a transaction, which could still roll back).
   */
  syncHead(): void {
    const { head } = this.chain;
    if (!head || !this.headTrusted || this.db.inTransaction) return;
    const last = this.stmts.last.get();
    if (!last || (this.head && this.head.seq === last.seq && this.head.hash === last.hash)) return;
    const next = { seq: last.seq, hash: last.hash };
    try {
      head.write(next);
      this.head = next;
    } catch (error) {
      // The entries are committed; a head that could not be written shows up in `verify` instead.
      log.error('could not write the signed audit head', { code: (error as NodeJS.ErrnoException).code ?? 'unknown' });
    }
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

  verify(): AuditVerifyResult {
    // A tool reading a desk that is in use may see the head move while it reads: read again then.
    let result = this.verifyOnce(this.readHead());
    for (let attempt = 0; attempt < 3 && !result.ok; attempt += 1) {
      const before = this.readHead();
      result = this.verifyOnce(before);
      if (JSON.stringify(before) === JSON.stringify(this.readHead())) break;
    }
    return result;
  }

  private readHead(): HeadRead | null {
    return this.chain.head ? this.chain.head.read() : null;
  }

  private verifyOnce(headRead: HeadRead | null): AuditVerifyResult {
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
    }
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
        if (head.seq < lastSeq) return broken(head.seq + 1, `the signed audit head stops at entry ${head.seq}: it was rewound or not written`);
      }
    }
    return { ok: true, entries };
  }
}
