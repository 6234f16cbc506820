/**
 * Projections: how an op changes the tables people query. One projector per entity type, each with
 * its own prepared statements; the op log is the truth and these tables can be rebuilt from it.
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
} as const satisfies Record<string, keyof StaffRow>;

const prepared = statementsFor((db: Db) => ({
      staffGet: db.prepare('SELECT * FROM staff WHERE id = ?'),
      staffUpsert: db.prepare(
        `INSERT INTO staff (id, username, display_name, role, certified, active, password_hash, created_at, updated_hlc)
         VALUES (:id, :username, :display_name, :role, :certified, :active, :password_hash, :created_at, :updated_hlc)
         ON CONFLICT (id) DO UPDATE SET username = excluded.username, display_name = excluded.display_name, role = excluded.role,
           certified = excluded.certified, active = excluded.active, password_hash = excluded.password_hash, updated_hlc = excluded.updated_hlc`,
      ),
      configGet: db.prepare('SELECT doc FROM config WHERE id = ?'),
      configUpsert: db.prepare(
        'INSERT INTO config (id, doc, updated_hlc) VALUES (:id, :doc, :updated_hlc) ON CONFLICT (id) DO UPDATE SET doc = excluded.doc, updated_hlc = excluded.updated_hlc',
      ),
}));

const projectStaff: Projector = (db, op) => {
  const { staffGet, staffUpsert } = prepared(db);
  const current = staffGet.get(op.entityId) as StaffRow | undefined;
  const next: StaffRow = current ?? { id: op.entityId, username: '', display_name: '', role: 'specialist', certified: 0, active: 1, password_hash: '', created_at: 0, updated_hlc: op.hlc };
  for (const [field, value] of Object.entries(op.changes)) {
    if (!Object.hasOwn(STAFF_FIELDS, field)) throw new Error(`staff has no field ${field}`);
    const column = STAFF_FIELDS[field as keyof typeof STAFF_FIELDS];
    (next as unknown as Record<string, unknown>)[column] = typeof value === 'boolean' ? (value ? 1 : 0) : value;
  }
  next.updated_hlc = op.hlc;
  staffUpsert.run(next);
};

const projectConfig: Projector = (db, op) => {
  const { configGet, configUpsert } = prepared(db);
  const row = configGet.get(op.entityId) as { doc: string } | undefined;
  const doc = { ...(row ? (JSON.parse(row.doc) as object) : {}), ...op.changes };
  configUpsert.run({ id: op.entityId, doc: JSON.stringify(doc), updated_hlc: op.hlc });
};

export const STAFF_OPS: OpKind = { payload: payloadOf(Object.keys(STAFF_FIELDS)), project: projectStaff };
export const CONFIG_OPS: OpKind = { payload: z.record(z.string(), fieldValueSchema), project: projectConfig };
