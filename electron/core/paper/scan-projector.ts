/**
 * Projection of `scan` ops into `scans` (migration 0012): per-field last-writer-wins by HLC, so any
 * order of the same ops gives the same row and `npm run rebuild` re-derives it. A scan's id is its
 * attachment id (the content address of the original file); `imageId` names the attachment a screen
 * shows (the PNG rendering of a PDF's first page; the original itself for a JPEG or PNG).
 */
import { z } from 'zod';
import type { Db } from '../db/connection';
import { statementsFor } from '../db/statements';
import type { OpKind } from '../oplog/types';

const FIELDS = {
  type: 'type',
  pages: 'pages',
  imageId: 'image_id',
  origin: 'origin',
  fileName: 'file_name',
  importedAt: 'imported_at',
  importedBy: 'imported_by',
  qr: 'qr',
  batchId: 'batch_id',
  serial: 'serial',
} as const;

const EMPTY = { type: '', pages: 1, image_id: null, origin: '', file_name: '', imported_at: 0, imported_by: '', qr: '', batch_id: null, serial: null };

const statements = statementsFor((db: Db) => ({
  get: db.prepare('SELECT * FROM scans WHERE id = ?'),
  put: db.prepare(
    `INSERT INTO scans (id, type, pages, image_id, origin, file_name, imported_at, imported_by, qr, batch_id, serial, updated_hlc, field_hlc)
     VALUES (:id, :type, :pages, :image_id, :origin, :file_name, :imported_at, :imported_by, :qr, :batch_id, :serial, :updated_hlc, :field_hlc)
     ON CONFLICT (id) DO UPDATE SET type = excluded.type, pages = excluded.pages, image_id = excluded.image_id, origin = excluded.origin,
       file_name = excluded.file_name, imported_at = excluded.imported_at, imported_by = excluded.imported_by, qr = excluded.qr,
       batch_id = excluded.batch_id, serial = excluded.serial, updated_hlc = excluded.updated_hlc, field_hlc = excluded.field_hlc`,
  ),
}));

const attachmentId = z.string().regex(/^[0-9a-f]{64}$/);

export const SCAN_OPS: OpKind = {
  payload: z
    .object({
      type: z.enum(['image/jpeg', 'image/png', 'application/pdf']),
      pages: z.number().int().min(1).max(100_000),
      imageId: attachmentId.nullable(),
      origin: z.enum(['upload', 'folder']),
      fileName: z.string().max(255),
      importedAt: z.number(),
      importedBy: z.string().max(80),
      qr: z.string().max(300),
      batchId: z.string().max(80).nullable(),
      serial: z.number().int().min(1).max(1_000_000).nullable(),
    })
    .partial()
    .strict(),
  project: (db, op) => {
    const s = statements(db);
    const current = s.get.get(op.entityId) as Record<string, unknown> | undefined;
    const next: Record<string, unknown> = current ? { ...current } : { ...EMPTY, id: op.entityId, updated_hlc: op.hlc, field_hlc: '{}' };
    const fieldHlc = JSON.parse(String(next['field_hlc'])) as Record<string, string>;
    for (const [field, value] of Object.entries(op.changes)) {
      const column = (FIELDS as Record<string, string>)[field];
      if (!column) throw new Error(`scan has no field ${field}`);
      if (op.hlc < (fieldHlc[field] ?? '')) continue;
      fieldHlc[field] = op.hlc;
      next[column] = value;
    }
    if (!current || String(current['updated_hlc']) < op.hlc) next['updated_hlc'] = op.hlc;
    next['field_hlc'] = JSON.stringify(Object.fromEntries(Object.entries(fieldHlc).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
    s.put.run(next);
  },
};
