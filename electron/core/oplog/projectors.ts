/**
 * Projections: how an op changes the tables people query. One projector per entity type, each with
 * its own prepared statements. The op log is the truth; the tables are written so that they could
 * be re-derived from it, but no rebuild command exists yet (docs/decisions/0005-op-log-and-audit.md).
 */
import { z } from 'zod';
import type { Db } from '../db/connection';
import { statementsFor } from '../db/statements';
import { fieldValueSchema, payloadOf, type OpKind, type Projector } from './types';

interface StaffRow {
  id: string;
  username: string;
  display_name: string;
  role: string;
  certified: number;
  active: number;
  password_hash: string;
  created_at: number;
  must_change_password: number;
  updated_hlc: string;
}

const STAFF_FIELDS = {
  username: 'username',
  displayName: 'display_name',
  role: 'role',
  certified: 'certified',
  active: 'active',
  passwordHash: 'password_hash',
  createdAt: 'created_at',
  mustChangePassword: 'must_change_password',
} as const satisfies Record<string, keyof StaffRow>;

const prepared = statementsFor((db: Db) => ({
      staffGet: db.prepare('SELECT * FROM staff WHERE id = ?'),
      staffUpsert: db.prepare(
        `INSERT INTO staff (id, username, display_name, role, certified, active, password_hash, created_at, must_change_password, updated_hlc, field_hlc)
         VALUES (:id, :username, :display_name, :role, :certified, :active, :password_hash, :created_at, :must_change_password, :updated_hlc, :field_hlc)
         ON CONFLICT (id) DO UPDATE SET username = excluded.username, display_name = excluded.display_name, role = excluded.role,
           certified = excluded.certified, active = excluded.active, password_hash = excluded.password_hash, created_at = excluded.created_at,
           must_change_password = excluded.must_change_password, updated_hlc = excluded.updated_hlc, field_hlc = excluded.field_hlc`,
      ),
      configGet: db.prepare('SELECT doc, updated_hlc, field_hlc FROM config WHERE id = ?'),
      configUpsert: db.prepare(
        `INSERT INTO config (id, doc, updated_hlc, field_hlc) VALUES (:id, :doc, :updated_hlc, :field_hlc)
         ON CONFLICT (id) DO UPDATE SET doc = excluded.doc, updated_hlc = excluded.updated_hlc, field_hlc = excluded.field_hlc`,
      ),
}));

/** Per-field last-writer-wins by HLC (like customers and intakes): any order of the same ops, the same row. */
function newer(fieldHlc: Record<string, string>, field: string, hlc: string): boolean {
  if (hlc < (fieldHlc[field] ?? '')) return false;
  fieldHlc[field] = hlc;
  return true;
}

const sorted = (record: Record<string, unknown>): string => JSON.stringify(Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));

const projectStaff: Projector = (db, op) => {
  const { staffGet, staffUpsert } = prepared(db);
  const current = staffGet.get(op.entityId) as (StaffRow & { field_hlc: string }) | undefined;
  const next: StaffRow & { field_hlc: string } = current ?? { id: op.entityId, username: '', display_name: '', role: 'specialist', certified: 0, active: 1, password_hash: '', created_at: 0, must_change_password: 0, updated_hlc: op.hlc, field_hlc: '{}' };
  const fieldHlc = JSON.parse(next.field_hlc) as Record<string, string>;
  for (const [field, value] of Object.entries(op.changes)) {
    if (!Object.hasOwn(STAFF_FIELDS, field)) throw new Error(`staff has no field ${field}`);
    if (!newer(fieldHlc, field, op.hlc)) continue;
    const column = STAFF_FIELDS[field as keyof typeof STAFF_FIELDS];
    (next as unknown as Record<string, unknown>)[column] = typeof value === 'boolean' ? (value ? 1 : 0) : value;
  }
  if (current && current.updated_hlc > op.hlc) next.updated_hlc = current.updated_hlc;
  else next.updated_hlc = op.hlc;
  next.field_hlc = sorted(fieldHlc);
  staffUpsert.run(next);
};

const projectConfig: Projector = (db, op) => {
  const { configGet, configUpsert } = prepared(db);
  const row = configGet.get(op.entityId) as { doc: string; updated_hlc: string; field_hlc: string } | undefined;
  const doc = row ? (JSON.parse(row.doc) as Record<string, unknown>) : {};
  const fieldHlc = row ? (JSON.parse(row.field_hlc) as Record<string, string>) : {};
  for (const [field, value] of Object.entries(op.changes)) if (newer(fieldHlc, field, op.hlc)) doc[field] = value;
  configUpsert.run({ id: op.entityId, doc: JSON.stringify(doc), updated_hlc: row && row.updated_hlc > op.hlc ? row.updated_hlc : op.hlc, field_hlc: sorted(fieldHlc) });
};

export const STAFF_OPS: OpKind = { payload: payloadOf(Object.keys(STAFF_FIELDS)), project: projectStaff };
export const CONFIG_OPS: OpKind = { payload: z.record(z.string(), fieldValueSchema), project: projectConfig };
