/** Projections of customer and intake ops: the customers table, its search keys, and intakes. */
import type { Db } from '../db/connection';
import { FIELD_NAMES, isSensitiveField } from '../../../shared/domain/intake/changes';
import { payloadOf, type OpKind, type StoredOp } from '../oplog/types';
import { derivedStatus } from '../review/projector';
import { KEY_SUMMARY } from './customer-repo';
import { searchKeysFor } from './search-keys';
import { statementsFor } from '../db/statements';

const statements = statementsFor((db: Db) => ({
      customerGet: db.prepare('SELECT doc, created_at, field_hlc, updated_hlc FROM customers WHERE id = ?'),
      customerUpsert: db.prepare(
        `INSERT INTO customers (id, doc, name, mobile, id_number, birth_date, grade, created_at, updated_hlc, field_hlc)
         VALUES (:id, :doc, :name, :mobile, :idNumber, :birthDate, :grade, :createdAt, :hlc, :fieldHlc)
         ON CONFLICT (id) DO UPDATE SET doc = excluded.doc, name = excluded.name, mobile = excluded.mobile, id_number = excluded.id_number,
           birth_date = excluded.birth_date, grade = excluded.grade, created_at = excluded.created_at, updated_hlc = excluded.updated_hlc, field_hlc = excluded.field_hlc`,
      ),
      writeInsert: db.prepare('INSERT OR IGNORE INTO field_writes (customer_id, field, as_of, seen, value, intake_id) VALUES (:customerId, :field, :asOf, :seen, :value, :intakeId)'),
      // New keys wait in customer_search_pending for a quiet moment's merge (pending-keys.ts); a
      // customer's old keys may be in either table.
      searchDeletePending: db.prepare('DELETE FROM customer_search_pending WHERE customer_id = ?'),
      searchDelete: db.prepare('DELETE FROM customer_search WHERE customer_id = ?'),
      // Each key carries the customer's intake facets (migration 0017); the intake triggers keep them
      // current. It also carries the list columns of the row just written (migrations 0018, 0020).
      searchInsert: db.prepare(
        `INSERT OR IGNORE INTO customer_search_pending (kind, term, customer_id, facets, summary)
         VALUES (:kind, :term, :customerId, :facets, :summary)`,
      ),
      keySummary: db.prepare<[string], string>(`SELECT ${KEY_SUMMARY} FROM customers c WHERE c.id = ?`).pluck(),
      facetsOf: db.prepare<[string], number>('SELECT coalesce((SELECT facets FROM customer_intake_facets WHERE customer_id = ?), 0)').pluck(),
      intakeGet: db.prepare('SELECT * FROM intakes WHERE id = ?'),
      intakeUpsert: db.prepare(
        `INSERT INTO intakes (id, customer_id, source, status, fields, consent, flags, entered_by, started_at, submitted_at, duration_ms, customer_present, assigned_to, updated_hlc, changes, captured_hlc, paper_batch_id, paper_serial, blank_on_form,
           status_since, cross_checked_by, needs_attention, field_hlc)
         VALUES (:id, :customer_id, :source, :status, :fields, :consent, :flags, :entered_by, :started_at, :submitted_at, :duration_ms, :customer_present, :assigned_to, :updated_hlc, :changes, :captured_hlc, :paper_batch_id, :paper_serial, :blank_on_form,
           :status_since, :cross_checked_by, :needs_attention, :field_hlc)
         ON CONFLICT (id) DO UPDATE SET status = excluded.status, fields = excluded.fields, consent = excluded.consent, flags = excluded.flags, assigned_to = excluded.assigned_to,
           updated_hlc = excluded.updated_hlc, changes = excluded.changes, captured_hlc = excluded.captured_hlc,
           paper_batch_id = excluded.paper_batch_id, paper_serial = excluded.paper_serial, blank_on_form = excluded.blank_on_form, field_hlc = excluded.field_hlc`,
      ),
}));

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/**
 * Keys of a customer op that are about the op, not fields: `$asOf` is the HLC of the capture the
 * values come from (an intake approved later still counts as of when it was captured), `$intake`
 * the intake that carried them (the card's history says which visit set which field).
 */
export const AS_OF = '$asOf';
export const VIA_INTAKE = '$intake';
/** JSON: per sensitive field, the HLC of the stored value the capture saw (conflict detection). */
export const SEEN = '$seen';

export function isFieldKey(key: string): boolean {
  return !key.startsWith('$');
}

/**
 * Per-field last-writer-wins: a field takes the op's value only when the op's capture time is not
 * older than the one that set the stored value, so any order of the same ops gives the same row.
 * Equal times with different values (the same capture applied twice) keep the larger value.
 */
export function projectCustomer(db: Db, op: StoredOp): void {
  const { customerGet, customerUpsert, searchDelete, searchDeletePending, searchInsert, keySummary, facetsOf, writeInsert } = statements(db);
  const row = customerGet.get(op.entityId) as { doc: string; created_at: number; field_hlc: string; updated_hlc: string } | undefined;
  const doc: Record<string, unknown> = row ? (JSON.parse(row.doc) as Record<string, unknown>) : {};
  const fieldHlc: Record<string, string> = row ? (JSON.parse(row.field_hlc) as Record<string, string>) : {};
  const asOf = typeof op.changes[AS_OF] === 'string' ? op.changes[AS_OF] : op.hlc;
  let changed = !row;
  const keyedBefore = row ? searchedFields(doc) : null;
  const seen = typeof op.changes[SEEN] === 'string' ? (JSON.parse(op.changes[SEEN]) as Record<string, string>) : {};
  const intakeId = typeof op.changes[VIA_INTAKE] === 'string' ? op.changes[VIA_INTAKE] : null;
  for (const [field, value] of Object.entries(op.changes)) {
    if (!isFieldKey(field)) continue;
    // Sensitive fields keep every write (a grow-only set); an op that says nothing of what it saw saw everything before it.
    if (isSensitiveField(field)) writeInsert.run({ customerId: op.entityId, field, asOf, seen: seen[field] ?? asOf, value: JSON.stringify(value), intakeId });
    const stored = fieldHlc[field] ?? '';
    if (asOf < stored || (asOf === stored && JSON.stringify(value) <= JSON.stringify(doc[field] ?? null))) continue;
    doc[field] = value;
    fieldHlc[field] = asOf;
    changed = true;
  }
  // Row metadata depends on the set of ops, not their order: the newest HLC and the earliest time seen.
  if (!changed && row && row.updated_hlc >= op.hlc && row.created_at <= Number(op.hlc.slice(0, 15))) return;
  const opWall = Number(op.hlc.slice(0, 15));
  const createdAt = row ? Math.min(row.created_at, opWall) : opWall;
  const updatedHlc = row && row.updated_hlc > op.hlc ? row.updated_hlc : op.hlc;
  customerUpsert.run({
    fieldHlc: JSON.stringify(sortKeys(fieldHlc)),
    id: op.entityId,
    doc: JSON.stringify(sortKeys(doc)),
    name: text(doc['name']),
    mobile: text(doc['mobile']),
    idNumber: text(doc['idNumber']),
    birthDate: text(doc['birthDate']),
    grade: text(doc['grade']) || 'ordinary',
    createdAt,
    hlc: updatedHlc,
  });
  // The search keys follow from the name, mobile and ID number alone: unchanged, they stay as they are.
  if (keyedBefore !== null && keyedBefore === searchedFields(doc)) return;
  // A customer seen for the first time has no keys to take away (they are written with its row).
  if (row) {
    searchDeletePending.run(op.entityId);
    searchDelete.run(op.entityId);
  }
  // Worked out once for all the keys; an intake that arrived first (sync) is counted too.
  const facets = facetsOf.get(op.entityId) ?? 0;
  const summary = keySummary.get(op.entityId) ?? null;
  for (const key of searchKeysFor({ name: text(doc['name']), mobile: text(doc['mobile']), idNumber: text(doc['idNumber']) })) {
    searchInsert.run({ ...key, customerId: op.entityId, facets, summary });
  }
}

/** What a customer's search keys are made from. */
function searchedFields(doc: Record<string, unknown>): string {
  return JSON.stringify([text(doc['name']), text(doc['mobile']), text(doc['idNumber'])]);
}

/** Intake op fields → intakes columns. */
const INTAKE_COLUMNS: Record<string, string> = {
  customerId: 'customer_id', source: 'source', status: 'status', fields: 'fields', consent: 'consent', flags: 'flags', enteredBy: 'entered_by',
  startedAt: 'started_at', submittedAt: 'submitted_at', durationMs: 'duration_ms', customerPresent: 'customer_present', assignedTo: 'assigned_to',
  changes: 'changes', paperBatchId: 'paper_batch_id', paperSerial: 'paper_serial', blankOnForm: 'blank_on_form',
};

/** Per-field last-writer-wins by HLC, like customers: any order of the same ops gives the same row. */
export function projectIntake(db: Db, op: StoredOp): void {
  const { intakeGet, intakeUpsert } = statements(db);
  const current = intakeGet.get(op.entityId) as (Record<string, unknown> & { field_hlc?: string; updated_hlc?: string }) | undefined;
  const fieldHlc: Record<string, string> = current?.field_hlc ? (JSON.parse(current.field_hlc) as Record<string, string>) : {};
  const next: Record<string, unknown> = { assigned_to: null, changes: null, captured_hlc: '', paper_batch_id: null, paper_serial: null, blank_on_form: '[]', status_since: 0, cross_checked_by: null, needs_attention: 0, ...current, id: op.entityId };
  let changed = !current;
  for (const [field, value] of Object.entries(op.changes)) {
    const column = Object.hasOwn(INTAKE_COLUMNS, field) ? INTAKE_COLUMNS[field] : undefined;
    if (!column) throw new Error(`intake has no field ${field}`);
    if (op.hlc < (fieldHlc[field] ?? '')) continue;
    next[column] = typeof value === 'boolean' ? (value ? 1 : 0) : value;
    fieldHlc[field] = op.hlc;
    changed = true;
    // The capture's time: when the fields were last set (submit, or a fix and resubmit).
    if (field === 'fields') next['captured_hlc'] = op.hlc;
  }
  if (!changed && current?.updated_hlc && current.updated_hlc >= op.hlc) return;
  next['updated_hlc'] = current?.updated_hlc && current.updated_hlc > op.hlc ? current.updated_hlc : op.hlc;
  next['field_hlc'] = JSON.stringify(sortKeys(fieldHlc));
  // A first op that is not the submit (an assignment arriving early) leaves the rest to come.
  for (const [column, fallback] of [['customer_id', ''], ['source', ''], ['status', 'draft'], ['fields', '{}'], ['consent', '{}'], ['flags', '[]'], ['entered_by', ''], ['started_at', 0], ['submitted_at', 0], ['duration_ms', 0], ['customer_present', 0]] as const) {
    if (next[column] === undefined || next[column] === null) next[column] = fallback;
  }
  // Review events stored before the intake itself (its own submit's event, or events that synced
  // first) decide its status as the row is first written: each status index takes one entry, not a
  // draft's entry and then the real one (issue 12: the pages a submit writes).
  const derived = current ? null : derivedStatus(db, op.entityId);
  if (derived) Object.assign(next, { status: derived.status, status_since: derived.since, cross_checked_by: derived.crossCheckedBy, needs_attention: derived.needsAttention });
  intakeUpsert.run(next);
}

export const CUSTOMER_OPS: OpKind = { payload: payloadOf([...FIELD_NAMES, AS_OF, VIA_INTAKE, SEEN]), project: projectCustomer };
export const INTAKE_OPS: OpKind = { payload: payloadOf(Object.keys(INTAKE_COLUMNS)), project: projectIntake };

/** The same record with its keys in code-unit order (what `<` on strings compares), built directly: it runs twice per applied op. */
function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  const sorted: Record<string, T> = {};
  for (const key of Object.keys(record).sort()) sorted[key] = record[key] as T;
  return sorted;
}
