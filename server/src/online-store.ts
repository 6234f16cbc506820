/**
 * Storage of online submissions (issue 15; docs/decisions/0014-online-submissions.md), as parameterised
 * SQL. Per submission the server holds only the sealed envelope, the site, the receipt code, the receipt
 * time and the size; erasing drops the envelope and keeps the rest as a tombstone. Every statement names
 * its site first; the pull cursor is a per-site counter (`online_cursors`).
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { Database, Queryable } from './db';
import type { PublishFormRequest, PulledSubmission } from '../../shared/api/online-contract';
import type { SubmissionEnvelope } from '../../shared/online/envelope';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Crockford base32 without I, L, O, U: what the receipt code is written in. */
export const RECEIPT_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export function newReceiptCode(): string {
  let code = '';
  for (let i = 0; i < 8; i += 1) code += RECEIPT_ALPHABET[randomInt(RECEIPT_ALPHABET.length)];
  return code;
}

export function newSubmissionId(): string {
  return `sub_${randomBytes(16).toString('base64url')}`;
}

/** The form as published (the request less the retention, which only the server acts on). */
export type PublishedForm = Omit<PublishFormRequest, 'retentionDays'>;

export interface StoredForm {
  form: PublishedForm;
  retentionDays: number;
  open: boolean;
}

interface SubmissionRow {
  cursor: string;
  submission_id: string;
  receipt_code: string;
  received_at: string;
  size: number;
  envelope: string | null;
  erased_at: string | null;
}

const num = (value: string | number): number => Number(value);

class ReceiptTaken extends Error {}

/**
 * The site's next submission cursor. The row stays locked until the transaction ends, so a site's
 * submissions commit in cursor order and a puller never skips one committed later at a lower cursor.
 */
async function nextCursor(tx: Queryable, siteId: string): Promise<number> {
  const rows = await tx.query<{ last_cursor: string }>(
    `INSERT INTO online_cursors (site_id, last_cursor) VALUES ($1, 1)
     ON CONFLICT (site_id) DO UPDATE SET last_cursor = online_cursors.last_cursor + 1 RETURNING last_cursor`,
    [siteId],
  );
  const cursor = rows[0]?.last_cursor;
  if (cursor === undefined) throw new Error('no cursor');
  return num(cursor);
}

export class OnlineStore {
  constructor(private readonly db: Database) {}

  async publish(siteId: string, request: PublishFormRequest, deskId: string, now: number): Promise<void> {
    const { retentionDays, ...form } = request;
    await this.db.query(
      `INSERT INTO online_forms (site_id, form, retention_days, open, published_by, published_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (site_id) DO UPDATE SET form = EXCLUDED.form, retention_days = EXCLUDED.retention_days, open = EXCLUDED.open,
         published_by = EXCLUDED.published_by, published_at = EXCLUDED.published_at`,
      [siteId, JSON.stringify(form), retentionDays, form.open, deskId, now],
    );
  }

  async form(siteId: string): Promise<StoredForm | null> {
    const rows = await this.db.query<{ form: string; retention_days: number; open: boolean }>('SELECT form, retention_days, open FROM online_forms WHERE site_id = $1', [siteId]);
    const row = rows[0];
    if (!row) return null;
    return { form: JSON.parse(row.form) as PublishedForm, retentionDays: num(row.retention_days), open: row.open };
  }

  /** Stores one sealed submission under a fresh receipt code; returns its id and code. */
  async submit(siteId: string, envelope: SubmissionEnvelope, size: number, now: number): Promise<{ submissionId: string; receiptCode: string }> {
    const text = JSON.stringify({ v: envelope.v, kid: envelope.kid, epk: envelope.epk, iv: envelope.iv, ct: envelope.ct });
    for (let attempt = 0; ; attempt += 1) {
      const submissionId = newSubmissionId();
      const receiptCode = newReceiptCode();
      const stored = await this.db.transaction(async (tx) => {
        const cursor = await nextCursor(tx, siteId);
        // A receipt code already given at this site (1 in 10^12 per pair) rolls the transaction back and draws again.
        const rows = await tx.query(
          `INSERT INTO online_submissions (site_id, cursor, submission_id, receipt_code, received_at, size, envelope) VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT DO NOTHING RETURNING cursor`,
          [siteId, cursor, submissionId, receiptCode, now, size, text],
        );
        if (rows.length === 0) throw new ReceiptTaken();
        return true;
      }).catch((error: unknown) => {
        if (error instanceof ReceiptTaken) return false;
        throw error;
      });
      if (stored) return { submissionId, receiptCode };
      if (attempt >= 5) throw new Error('no free receipt code');
    }
  }

  async pull(siteId: string, after: number, limit: number): Promise<{ items: PulledSubmission[]; more: boolean }> {
    const rows = await this.db.query<SubmissionRow>(
      `SELECT cursor, submission_id, receipt_code, received_at, size, envelope, erased_at FROM online_submissions
       WHERE site_id = $1 AND cursor > $2 ORDER BY cursor LIMIT $3`,
      [siteId, after, limit + 1],
    );
    const items = rows.slice(0, limit).map(
      (row): PulledSubmission => ({
        submissionId: row.submission_id,
        receiptCode: row.receipt_code,
        receivedAt: num(row.received_at),
        size: num(row.size),
        envelope: row.envelope === null ? null : (JSON.parse(row.envelope) as SubmissionEnvelope),
        erasedAt: row.erased_at === null ? null : num(row.erased_at),
        cursor: String(row.cursor),
      }),
    );
    return { items, more: rows.length > limit };
  }

  /** Drops the envelopes of these submissions (those still held), keeping tombstones at new cursors. */
  async erase(siteId: string, submissionIds: readonly string[], now: number): Promise<number> {
    if (submissionIds.length === 0) return 0;
    return this.db.transaction(async (tx) => {
      const held = await tx.query<{ submission_id: string }>(
        'SELECT submission_id FROM online_submissions WHERE site_id = $1 AND submission_id = ANY($2::text[]) AND envelope IS NOT NULL ORDER BY cursor',
        [siteId, [...new Set(submissionIds)]],
      );
      let erased = 0;
      for (const row of held) {
        const cursor = await nextCursor(tx, siteId);
        // Re-checked under the cursor's lock: a concurrent erase of the same submission counts once.
        const updated = await tx.query(
          'UPDATE online_submissions SET envelope = NULL, erased_at = $3, cursor = $4 WHERE site_id = $1 AND submission_id = $2 AND envelope IS NOT NULL RETURNING cursor',
          [siteId, row.submission_id, now, cursor],
        );
        erased += updated.length;
      }
      return erased;
    });
  }

  /** Erases the site's submissions held longer than its retention; returns how many. */
  async expire(siteId: string, now: number): Promise<number> {
    const rows = await this.db.query<{ submission_id: string }>(
      `SELECT s.submission_id FROM online_submissions s JOIN online_forms f ON f.site_id = s.site_id
       WHERE s.site_id = $1 AND s.envelope IS NOT NULL AND s.received_at < $2 - f.retention_days::bigint * $3 ORDER BY s.cursor LIMIT 5000`,
      [siteId, now, DAY_MS],
    );
    return this.erase(
      siteId,
      rows.map((row) => row.submission_id),
      now,
    );
  }

  /** The retention sweep over every site with a published form (the server runs it periodically). */
  async expireAll(now: number): Promise<number> {
    const sites = await this.db.query<{ site_id: string }>('SELECT site_id FROM online_forms ORDER BY site_id');
    let erased = 0;
    for (const site of sites) erased += await this.expire(site.site_id, now);
    return erased;
  }
}
