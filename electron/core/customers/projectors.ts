/** Projections of customer and intake ops: the customers table, its search keys, and intakes. */
import type { Db } from '../db/connection';
import type { StoredOp } from '../oplog/oplog';
import { searchKeysFor } from './search-keys';
import { statementsFor } from '../db/statements';

const statements = statementsFor((db: Db) => ({
      customerGet: db.prepare('SELECT doc, created_at FROM customers WHERE id = ?'),
      customerUpsert: db.prepare(
        `INSERT INTO customers (id, doc, name, mobile, id_number, birth_date, grade, created_at, updated_hlc)
         VALUES (:id, :doc, :name, :mobile, :idNumber, :birthDate, :grade, :createdAt, :hlc)
         ON CONFLICT (id) DO UPDATE SET doc = excluded.doc, name = excluded.name, mobile = excluded.mobile, id_number = excluded.id_number,
           birth_date = excluded.birth_date, grade = excluded.grade, updated_hlc = excluded.updated_hlc`,
      ),
      searchDelete: db.prepare('DELETE FROM customer_search WHERE customer_id = ?'),
      searchInsert: db.prepare('INSERT OR IGNORE INTO customer_search (kind, term, customer_id) VALUES (:kind, :term, :customerId)'),
      intakeGet: db.prepare('SELECT * FROM intakes WHERE id = ?'),
      intakeUpsert: db.prepare(
        `INSERT INTO intakes (id, customer_id, source, status, fields, consent, flags, entered_by, started_at, submitted_at, duration_ms, customer_present, assigned_to, updated_hlc)
         VALUES (:id, :customer_id, :source, :status, :fields, :consent, :flags, :entered_by, :started_at, :submitted_at, :duration_ms, :customer_present, :assigned_to, :updated_hlc)
         ON CONFLICT (id) DO UPDATE SET status = excluded.status, fields = excluded.fields, consent = excluded.consent, flags = excluded.flags, assigned_to = excluded.assigned_to, updated_hlc = excluded.updated_hlc`,
      ),
}));

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

export function projectCustomer(db: Db, op: StoredOp): void {
  const { customerGet, customerUpsert, searchDelete, searchInsert } = statements(db);
  const row = customerGet.get(op.entityId) as { doc: string; created_at: number } | undefined;
  const doc: Record<string, unknown> = { ...(row ? (JSON.parse(row.doc) as Record<string, unknown>) : {}), ...op.changes };
  const createdAt = row?.created_at ?? Number(op.hlc.slice(0, 15));
  customerUpsert.run({
    id: op.entityId,
    doc: JSON.stringify(doc),
    name: text(doc['name']),
    mobile: text(doc['mobile']),
    idNumber: text(doc['idNumber']),
    birthDate: text(doc['birthDate']),
    grade: text(doc['grade']) || 'ordinary',
    createdAt,
    hlc: op.hlc,
  });
  searchDelete.run(op.entityId);
  for (const key of searchKeysFor({ name: text(doc['name']), mobile: text(doc['mobile']), idNumber: text(doc['idNumber']) })) {
    searchInsert.run({ ...key, customerId: op.entityId });
  }
}

/** Intake op fields → intakes columns. */
const INTAKE_COLUMNS: Record<string, string> = {
  customerId: 'customer_id', source: 'source', status: 'status', fields: 'fields', consent: 'consent', flags: 'flags', enteredBy: 'entered_by',
  startedAt: 'started_at', submittedAt: 'submitted_at', durationMs: 'duration_ms', customerPresent: 'customer_present', assignedTo: 'assigned_to',
};

export function projectIntake(db: Db, op: StoredOp): void {
  const { intakeGet, intakeUpsert } = statements(db);
  const current = (intakeGet.get(op.entityId) as Record<string, unknown> | undefined) ?? {};
  const next: Record<string, unknown> = { assigned_to: null, ...current, id: op.entityId, updated_hlc: op.hlc };
  for (const [field, value] of Object.entries(op.changes)) {
    const column = Object.hasOwn(INTAKE_COLUMNS, field) ? INTAKE_COLUMNS[field] : undefined;
    if (!column) throw new Error(`intake has no field ${field}`);
    next[column] = typeof value === 'boolean' ? (value ? 1 : 0) : value;
  }
  intakeUpsert.run(next);
}
