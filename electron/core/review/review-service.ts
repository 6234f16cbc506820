/**
 * Review on the desk, offline: every decision is an append-only review event (an op), checked
 * against the state machine before it is written; queues per person; a record that becomes valid
 * updates its customer, and is locked from then on.
 */
import { paperOfIntake } from '../paper/transcription-service';
import { QUEUE_NAMES, type QueueItem, type QueueName } from '../../../shared/api/review-contract';
import { isCheckerRole, isLeadRole, type Role } from '../../../shared/domain/auth/roles';
import { NEEDS_ATTENTION, deriveTolerant, needsLead, type AnyReviewEvent, type SettleTo } from '../../../shared/domain/review/attention';
import { changeKind, fieldChangesSchema, isEmptyValue, type ChangeKind, type FieldChanges } from '../../../shared/domain/intake/changes';
import type { FieldName, IntakeFields } from '../../../shared/domain/intake/fields';
import { maskField, maskIntakeFields, maskName, unmaskUnchanged } from '../../../shared/domain/masking';
import { DEFAULT_DEADLINES, deadlineOf } from '../../../shared/domain/review/deadlines';
import { apply, type ReviewEvent, type ReviewState, type ReviewStatus } from '../../../shared/domain/review/machine';
import { summarize, type CustomerRow, type IntakeRow } from '../customers/customer-repo';
import { AS_OF, SEEN, VIA_INTAKE } from '../customers/projectors';
import { readCapture } from '../intake/capture';
import type { Db } from '../db/connection';
import { statementsFor } from '../db/statements';
import { DomainError } from '../errors';
import type { Services } from '../services';
import type { StaffRecord } from '../staff/staff-repo';
import { toReviewEvent } from './projector';
import { revealOptions } from './review-reveal';
import { BLANK_ON_FORM_FLAG } from '../../../shared/domain/paper/blank-on-form';
import type { Statement } from 'better-sqlite3-multiple-ciphers';
import { NO_DEADLINE, QUEUE_OWNER, URGENCY_KEY, URGENCY_STATUSES } from '../db/migrations/0015_queue_urgency';

/** How many items one queue page holds (docs/decisions/0024: measured, a screenful and then some). */
export const QUEUE_PAGE = 50;
/** Counts are exact up to this many, and "more than" beyond. */
export const COUNT_CAP = 10_000;
/** The most records needing a lead's settling that one call reads (they are few by nature). */
const ATTENTION_MAX = 2_000;

const QUEUE_COLUMNS = 'i.id, i.customer_id, i.source, i.status, i.status_since, i.started_at, i.submitted_at, i.entered_by, i.flags, i.assigned_to, c.name AS customer_name';
const FROM = (index: string): string => `FROM intakes i INDEXED BY ${index} LEFT JOIN customers c INDEXED BY customers_summary ON c.id = i.customer_id`;
/** The index expression of version 15, on the table alias of these queries. */
const KEY = URGENCY_KEY.replace('source', 'i.source').replace('THEN started_at', 'THEN i.started_at');
const OWNER = QUEUE_OWNER.replace('status', 'i.status').replace('THEN entered_by', 'THEN i.entered_by');
/** The statuses of the index of version 15, as it names them (so SQLite may use it). */
const URGENT = `i.${URGENCY_STATUSES}`;
/** Cross-checks this person may see: not their own entry; an assigned one only for its assignee (leads and managers see all, to assign). */
const CROSS_CHECK_VISIBLE = `${URGENT} AND i.status = 'pending_cross_check' AND ${OWNER} = '' AND i.entered_by <> :me AND (:everyone = 1 OR i.assigned_to IS NULL OR i.assigned_to = :me)`;

/**
 * Queue pages by keyset (docs/decisions/0024): each read is one ordered range of an index, starting
 * after the last item of the previous page, in the queue's urgency order (deadline, then time
 * waiting, then id). The statuses are literals so the partial indexes of version 15 apply.
 */
export const QUEUE_QUERIES = {
  /** Deadline order: online submissions by receipt, then the rest longest waiting first. */
  crossCheck: `SELECT ${QUEUE_COLUMNS} ${FROM('intakes_queue_urgency')} WHERE ${CROSS_CHECK_VISIBLE} AND ${KEY} >= :key AND (${KEY}, i.status_since, i.id) > (:key, :since, :id) ORDER BY ${KEY}, i.status_since, i.id LIMIT :limit`,
  leadApproval: `SELECT ${QUEUE_COLUMNS} ${FROM('intakes_queue')} WHERE i.status = 'pending_lead_approval' AND i.entered_by <> :me AND (i.status_since, i.id) > (:since, :id) ORDER BY i.status_since, i.id LIMIT :limit`,
  finalReview: `SELECT ${QUEUE_COLUMNS} ${FROM('intakes_queue')} WHERE i.status = 'pending_final_review' AND i.entered_by <> :me AND (i.status_since, i.id) > (:since, :id) ORDER BY i.status_since, i.id LIMIT :limit`,
  /** This person's returned online submissions: due two hours after receipt. */
  returnedOnline: `SELECT ${QUEUE_COLUMNS} ${FROM('intakes_queue_urgency')} WHERE ${URGENT} AND i.status = 'returned' AND ${OWNER} = :me AND ${KEY} < ${NO_DEADLINE} AND ${KEY} >= :key AND (${KEY}, i.status_since, i.id) > (:key, :since, :id) ORDER BY ${KEY}, i.status_since, i.id LIMIT :limit`,
  /** This person's other returned records: due a set time after they came back. */
  returnedOther: `SELECT ${QUEUE_COLUMNS} ${FROM('intakes_queue_urgency')} WHERE ${URGENT} AND i.status = 'returned' AND ${OWNER} = :me AND ${KEY} = ${NO_DEADLINE} AND (i.status_since, i.id) > (:since, :id) ORDER BY i.status_since, i.id LIMIT :limit`,
  rejected: `SELECT ${QUEUE_COLUMNS} ${FROM('intakes_queue_by_enterer')} WHERE i.status = 'rejected' AND i.entered_by = :me AND (i.status_since, i.id) > (:since, :id) ORDER BY i.status_since, i.id LIMIT :limit`,
  /** Records a lead must settle: few by nature (desks that decided differently), read whole and ordered by deadline here. */
  needingAttention: `SELECT ${QUEUE_COLUMNS} FROM intakes i LEFT JOIN customers c INDEXED BY customers_summary ON c.id = i.customer_id WHERE i.needs_attention = 1 ORDER BY i.status_since LIMIT ${ATTENTION_MAX}`,
} as const;

/** Bounded counts (at most COUNT_CAP + 1 index entries read, never a count over everything pending), and the counts kept per status. */
export const COUNT_QUERIES = {
  crossCheck: `SELECT count(*) AS n FROM (SELECT 1 FROM intakes i INDEXED BY intakes_queue_urgency WHERE ${CROSS_CHECK_VISIBLE} LIMIT :cap)`,
  returnedToMe: "SELECT count(*) AS n FROM (SELECT 1 FROM intakes i INDEXED BY intakes_queue_by_enterer WHERE i.status IN ('returned', 'rejected') AND i.entered_by = :me LIMIT :cap)",
  /** All in a status: kept as intakes change (migration 19, docs/decisions/0035), a row per person who entered some. */
  inStatus: 'SELECT coalesce(sum(n), 0) AS n FROM intake_counts WHERE status = :status',
  /** This person's own in a status: what a queue that leaves them out subtracts. */
  ownInStatus: 'SELECT coalesce(sum(n), 0) AS n FROM intake_counts WHERE status = :status AND entered_by = :me',
} as const;

const q = statementsFor((db: Db) => ({
  events: db.prepare('SELECT kind, by_staff, by_role, at, payload FROM review_events WHERE intake_id = ? ORDER BY hlc'),
  intake: db.prepare('SELECT * FROM intakes WHERE id = ?'),
  queue: Object.fromEntries(Object.entries(QUEUE_QUERIES).map(([name, sql]) => [name, db.prepare(sql)])) as Record<keyof typeof QUEUE_QUERIES, Statement>,
  count: Object.fromEntries(Object.entries(COUNT_QUERIES).map(([name, sql]) => [name, db.prepare(sql).pluck()])) as Record<keyof typeof COUNT_QUERIES, Statement>,
  // Open checks per assignee among the 500 most urgent (as many as the queue read before it was paged).
  checkLoad: db.prepare<[], { assigned_to: string; n: number }>(`SELECT assigned_to, count(*) AS n FROM (SELECT i.assigned_to FROM intakes i INDEXED BY intakes_queue_urgency WHERE ${URGENT} AND i.status = 'pending_cross_check' AND ${OWNER} = '' ORDER BY ${KEY}, i.status_since, i.id LIMIT 500) WHERE assigned_to IS NOT NULL GROUP BY assigned_to`),
  customerName: db.prepare('SELECT name FROM customers WHERE id = ?'),
  enteredSince: db.prepare<[string, number], IntakeRow & { name: string | null }>('SELECT i.*, c.name AS name FROM intakes i LEFT JOIN customers c ON c.id = i.customer_id WHERE i.entered_by = ? AND i.submitted_at >= ? ORDER BY i.submitted_at DESC LIMIT 500'),
}));

/** A paper intake's required fields the customer left blank on the form (表上未填). */
function blankOnFormOf(intake: IntakeRow): string[] {
  const stored = (intake as IntakeRow & { blank_on_form?: string }).blank_on_form;
  return stored ? (JSON.parse(stored) as string[]) : [];
}

/** "My entries today": what this person entered since local midnight, each with its status (names masked). */
export function myEntriesToday(services: Services, staffId: string) {
  const midnight = new Date(services.ctx.now());
  midnight.setHours(0, 0, 0, 0);
  return q(services.ctx.db).enteredSince.all(staffId, midnight.getTime()).map((row) => ({
    intakeId: row.id,
    submittedAt: row.submitted_at,
    status: row.status,
    name: maskName(row.name ?? ''),
  }));
}

export function policy(services: Services): { leadMayApproveOwnCrossCheck: boolean } {
  return { leadMayApproveOwnCrossCheck: services.config.review().leadMayApproveOwnCrossCheck };
}

export function eventsOf(services: Services, intakeId: string): AnyReviewEvent[] {
  return (q(services.ctx.db).events.all(intakeId) as Parameters<typeof toReviewEvent>[0][]).map(toReviewEvent);
}

function intakeRow(services: Services, intakeId: string): IntakeRow {
  const row = q(services.ctx.db).intake.get(intakeId) as IntakeRow | undefined;
  if (!row) throw new DomainError('NOT_FOUND', 'no such intake');
  return row;
}

/** Check an event against the machine, then write it as an op with its audit entry. */
export function recordEvent(services: Services, intakeId: string, undecided: ReviewEvent, actorId: string = undecided.by.staffId): ReviewState {
  const today = policy(services);
  // The event keeps the policy it was decided under, so a later policy change never re-judges it.
  const event: ReviewEvent = { ...undecided, policy: today };
  const current = deriveTolerant(eventsOf(services, intakeId), today);
  if (current.status === NEEDS_ATTENTION) throw new DomainError('CONFLICT', 'this record needs a lead to settle it first', undefined, { refusal: 'needs_lead' });
  const next = apply({ ...current, status: current.status }, event, today);
  if (!next.ok) throw new DomainError('CONFLICT', `this decision is not possible now (${next.refusal})`, undefined, { refusal: next.refusal });
  const { kind, by, at, ...rest } = event;
  const payload: Record<string, unknown> = { ...rest };
  if (kind === 'cross_check_failed') payload['fieldsAtCheck'] = JSON.parse(intakeRow(services, intakeId).fields) as unknown;
  // The op and the audit entry are the acting person's (a lead reconciling a paper sheet submits it in the first typist's name).
  services.ops.append(actorId, {
    entity: 'review_event',
    entityId: services.ctx.randomId('rev'),
    changes: { intakeId, kind, byStaff: by.staffId, byRole: by.role, at, payload: JSON.stringify(payload) },
  });
  const reason = 'reason' in event ? event.reason : null;
  const authors: Record<string, string> = event.kind === 'submitted' && actorId !== by.staffId ? { enteredBy: by.staffId } : {};
  services.audit.append(actorId, `review.${kind}`, intakeId, { status: next.state.status, ...authors, ...(reason ? { reason } : {}), ...('notes' in event ? { fields: Object.keys(event.notes).join(',') } : {}) });
  if (next.state.status === 'valid') applyToCustomer(services, by.staffId, intakeRow(services, intakeId));
  return next.state;
}

/**
 * A valid intake updates its customer with the fields it carries and nothing else, as of when it was
 * captured (per-field last-writer-wins in the projector), so approval order does not matter.
 */
function applyToCustomer(services: Services, staffId: string, intake: IntakeRow): void {
  const values: Record<string, string | boolean> = {};
  const seen: Record<string, string> = {};
  if (intake.changes) {
    for (const [field, change] of Object.entries(parseChanges(intake.changes))) {
      if (!change) continue;
      values[field] = change.value;
      if (change.seen !== undefined) seen[field] = change.seen;
    }
  } else {
    // An intake from before field-level changes: its non-empty fields, never an erase.
    for (const [field, value] of Object.entries(JSON.parse(intake.fields) as IntakeFields)) if (!isEmptyValue(field as FieldName, value)) values[field] = value;
  }
  if (Object.keys(values).length === 0) return;
  services.ops.append(staffId, { entity: 'customer', entityId: intake.customer_id, changes: { [AS_OF]: intake.captured_hlc || intake.updated_hlc, [VIA_INTAKE]: intake.id, ...(Object.keys(seen).length > 0 ? { [SEEN]: JSON.stringify(seen) } : {}), ...values } });
}

/** Marks for review: only for a repeat visit (a new customer's intake is all new). */
function marksOf(services: Services, intake: IntakeRow): Partial<Record<FieldName, ChangeKind>> {
  if (services.ops.history('customer', intake.customer_id)[0]?.changes[VIA_INTAKE] === intake.id) return {};
  const marks: Partial<Record<FieldName, ChangeKind>> = {};
  for (const [field, change] of Object.entries(parseChanges(intake.changes))) if (change) marks[field as FieldName] = changeKind(change);
  return marks;
}

export function parseChanges(json: string | null): FieldChanges {
  if (!json) return {};
  const parsed = fieldChangesSchema.safeParse(JSON.parse(json));
  if (!parsed.success) throw new Error('an intake holds field changes this version cannot read');
  return parsed.data;
}

export function decide(services: Services, actor: { staffId: string; role: Role }, input: { intakeId: string; decision: ReviewEvent['kind']; notes: Record<string, string>; reason: string; doubtful: boolean }) {
  const at = services.ctx.now();
  const by = { staffId: actor.staffId, role: actor.role };
  let event: ReviewEvent;
  switch (input.decision) {
    case 'cross_check_passed': event = { kind: 'cross_check_passed', by, at, doubtful: input.doubtful, ...(input.doubtful && input.reason ? { reason: input.reason } : {}) }; break;
    case 'cross_check_failed': event = { kind: 'cross_check_failed', by, at, notes: input.notes }; break;
    case 'lead_approved': event = { kind: 'lead_approved', by, at }; break;
    case 'lead_sent_back': event = { kind: 'lead_sent_back', by, at, reason: input.reason }; break;
    case 'final_approved': event = { kind: 'final_approved', by, at }; break;
    case 'final_rejected': event = { kind: 'final_rejected', by, at, reason: input.reason }; break;
    default: throw new DomainError('VALIDATION', 'unknown decision', { decision: 'invalid_choice' });
  }
  const intake = intakeRow(services, input.intakeId) as IntakeRow & { assigned_to: string | null };
  const checking = event.kind === 'cross_check_passed' || event.kind === 'cross_check_failed';
  // Cross-checking vouches for another person's entry: certified staff only, whatever the role.
  if (checking && !services.staff.byId(actor.staffId)?.certified) throw new DomainError('FORBIDDEN', 'only certified staff may cross-check', undefined, { refusal: 'not_certified' });
  if (checking && intake.assigned_to && intake.assigned_to !== actor.staffId && actor.role === 'specialist') {
    throw new DomainError('CONFLICT', 'this cross-check is assigned to a colleague', undefined, { refusal: 'not_assigned' });
  }
  return { status: services.transact(() => recordEvent(services, input.intakeId, event)).status };
}

export function resubmit(services: Services, actor: { staffId: string; role: Role }, intakeId: string, onScreen: IntakeFields) {
  const intake = intakeRow(services, intakeId);
  // The record was shown masked: a field still showing its mask is unchanged.
  const fields = unmaskUnchanged(onScreen, JSON.parse(intake.fields) as IntakeFields);
  const now = services.ctx.now();
  // The capture that made a new customer stays the whole record; a repeat visit stays field by field,
  // keeping what was cleared on purpose.
  const whole = services.ops.history('customer', intake.customer_id)[0]?.changes[VIA_INTAKE] === intakeId;
  const cleared = Object.entries(parseChanges(intake.changes)).filter(([, change]) => change?.cleared).map(([field]) => field as FieldName);
  const capture = readCapture(services, intake.customer_id, fields, cleared.filter((field) => isEmptyValue(field, fields[field])), now, whole);
  const errors = Object.fromEntries(Object.entries(capture.validation.errors).map(([field, issue]) => [field, issue?.code ?? 'invalid']));
  if (Object.keys(errors).length > 0) throw new DomainError('VALIDATION', 'the entry is not complete', errors);
  return {
    status: services.transact(() => {
      const state = deriveTolerant(eventsOf(services, intakeId), policy(services));
      if (state.enteredBy !== actor.staffId) throw new DomainError('CONFLICT', 'only the person who entered it can resubmit', undefined, { refusal: 'not_enterer' });
      const changes = JSON.stringify(capture.changes);
      if (intake.fields !== JSON.stringify(capture.fields) || intake.changes !== changes) {
        services.ops.append(actor.staffId, { entity: 'intake', entityId: intakeId, changes: { fields: JSON.stringify(capture.fields), changes } });
      }
      return recordEvent(services, intakeId, { kind: 'resubmitted', by: { staffId: actor.staffId, role: actor.role }, at: now }).status;
    }),
  };
}

interface QueueRow {
  id: string;
  customer_id: string;
  source: string;
  status: string;
  status_since: number;
  /** For an online submission, the server's receipt time: its 2-hour deadline runs from there. */
  started_at: number;
  submitted_at: number;
  entered_by: string;
  flags: string;
  assigned_to: string | null;
  customer_name: string | null;
}

/** What every item of one queues call shares: read once per call, not once per item. */
interface QueueContext {
  readonly load: Map<string, number>;
  staff: Map<string, StaffRecord>;
  /** Active, certified reviewing staff, by name. */
  checkers: StaffRecord[];
  now: number;
  deadlines: typeof DEFAULT_DEADLINES;
  /** Who entered (and reconciled) a queued record; read from its events only for paper intakes. */
  authors: (row: QueueRow) => { enterers: string[]; all: string[] };
  /** The fields a paper intake still needs (read only for intakes flagged so). */
  blankOnForm: (intakeId: string) => string[];
}

/**
 * Who entered a record and who decided its values: its enterer and, for a double-entered paper
 * sheet, the other typist and the lead who reconciled it. None of them cross-checks it or gives it
 * the final review (docs/decisions/0016); the enterers do not approve it either.
 */
export function authorsOf(services: Services, intake: { id: string; entered_by: string; source: string }, reviewPolicy: { leadMayApproveOwnCrossCheck: boolean } = policy(services)): { enterers: string[]; all: string[] } {
  if (intake.source !== 'paper_form') return { enterers: [intake.entered_by], all: [intake.entered_by] };
  const state = deriveTolerant(eventsOf(services, intake.id), reviewPolicy);
  const enterers = [intake.entered_by, ...(state.coEntrants ?? [])];
  return { enterers, all: state.reconciledBy ? [...enterers, state.reconciledBy] : enterers };
}

/** Colleagues who may cross-check this record: active, certified, reviewing roles, none of its authors. */
export function eligibleCheckers(services: Services, intake: { id: string; entered_by: string; source: string }) {
  const authors = authorsOf(services, intake).all;
  return services.staff.all().filter((staff) => staff.active && staff.certified && !authors.includes(staff.id) && isCheckerRole(staff.role));
}

function suggestChecker(row: QueueRow, context: QueueContext, authors: readonly string[]) {
  let pick: StaffRecord | undefined;
  for (const staff of context.checkers) {
    if (authors.includes(staff.id)) continue;
    if (!pick || (context.load.get(staff.id) ?? 0) < (context.load.get(pick.id) ?? 0)) pick = staff;
  }
  return pick ? { id: pick.id, name: pick.displayName } : null;
}

export function assign(services: Services, actor: { staffId: string; role: Role }, intakeId: string, staffId: string): void {
  if (!isLeadRole(actor.role)) throw new DomainError('FORBIDDEN', 'only a group lead or manager assigns cross-checks', undefined, { refusal: 'role_not_allowed' });
  const intake = intakeRow(services, intakeId);
  if (intake.status !== 'pending_cross_check') throw new DomainError('CONFLICT', 'this record is not waiting for a cross-check', undefined, { refusal: 'wrong_status' });
  if (!eligibleCheckers(services, intake).some((staff) => staff.id === staffId)) {
    throw new DomainError('CONFLICT', 'that person cannot cross-check this record', undefined, { refusal: authorsOf(services, intake).all.includes(staffId) ? 'own_record' : 'role_not_allowed' });
  }
  services.transact(() => {
    services.ops.append(actor.staffId, { entity: 'intake', entityId: intakeId, changes: { assignedTo: staffId } });
    services.audit.append(actor.staffId, 'review.assign', intakeId, { to: staffId });
  });
}

function item(row: QueueRow, context: QueueContext): QueueItem {
  const flags = JSON.parse(row.flags) as string[];
  const assignee = row.assigned_to ? context.staff.get(row.assigned_to) : undefined;
  return {
    assignedTo: assignee ? { id: assignee.id, name: assignee.displayName } : null,
    suggested: row.status === 'pending_cross_check' && !assignee ? suggestChecker(row, context, context.authors(row).all) : null,
    intakeId: row.id,
    source: row.source,
    deadline: deadlineFor(row, context),
    customerName: maskName(row.customer_name ?? ''),
    status: row.status as QueueItem['status'],
    since: row.status_since,
    submittedAt: row.submitted_at,
    enteredBy: row.entered_by,
    flags,
    ...(flags.includes(BLANK_ON_FORM_FLAG) ? { blankOnForm: context.blankOnForm(row.id) } : {}),
  };
}

/** Most urgent first: by deadline (none = last), then by how long the item has waited, then by id. */
type UrgencyKey = readonly [due: number, since: number, id: string];
const START: UrgencyKey = [-NO_DEADLINE, -NO_DEADLINE, ''];

function compareKeys(a: UrgencyKey, b: UrgencyKey): number {
  return a[0] - b[0] || a[1] - b[1] || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0);
}

/** A cursor is the urgency key of the last item of a page: "due.since.id". */
const CURSOR = /^(\d{1,16})\.(\d{1,16})\.([A-Za-z0-9_-]{1,120})$/;
function encodeCursor(key: UrgencyKey): string {
  return `${key[0]}.${key[1]}.${key[2]}`;
}
function decodeCursor(cursor: string): UrgencyKey {
  const match = CURSOR.exec(cursor);
  if (!match) throw new DomainError('VALIDATION', 'this is not a queue position', { cursor: 'invalid' });
  return [Number(match[1]), Number(match[2]), match[3] as string];
}

/** One index range of a queue, read in urgency order after a key. */
interface Segment {
  read: (after: UrgencyKey, limit: number) => QueueRow[];
  key: (row: QueueRow) => UrgencyKey;
}

/** Rows due `offset` after their receipt if online, else without a deadline; ordered by the index key of version 15. */
function byReceipt(statement: Statement, params: Record<string, unknown>, offset: number): Segment {
  return {
    key: (row) => [row.source === 'online' ? row.started_at + offset : NO_DEADLINE, row.status_since, row.id],
    read: ([due, since, id], limit) => statement.all({ ...params, key: due >= NO_DEADLINE ? NO_DEADLINE : due - offset, since, id, limit }) as QueueRow[],
  };
}

/** Rows due `offset` after they came into their status (returned records), in (status_since, id) order. */
function bySince(statement: Statement, params: Record<string, unknown>, offset: number): Segment {
  return {
    key: (row) => [row.status_since + offset, row.status_since, row.id],
    read: ([due, since, id], limit) => {
      // Rows after (due, since, id) in (status_since + offset, status_since, id) order, as a range of (status_since, id).
      const from = due - offset;
      const after = from > since ? { since: from, id: '' } : from === since ? { since: from, id } : { since: from + 1, id: '' };
      return statement.all({ ...params, ...after, limit }) as QueueRow[];
    },
  };
}

/** Rows without a deadline, longest waiting first: after every row that has one. */
function waiting(statement: Statement, params: Record<string, unknown>): Segment {
  return {
    key: (row) => [NO_DEADLINE, row.status_since, row.id],
    read: ([due, since, id], limit) => statement.all({ ...params, ...(due < NO_DEADLINE ? { since: -NO_DEADLINE, id: '' } : { since, id }), limit }) as QueueRow[],
  };
}

/** Up to `limit` rows of a segment after a key that this person may see, reading on past the ones they may not. */
function visibleRows(segment: Segment, after: UrgencyKey, limit: number, visible: (row: QueueRow) => boolean): QueueRow[] {
  const rows: QueueRow[] = [];
  let from = after;
  for (;;) {
    const batch = segment.read(from, limit);
    for (const row of batch) if (rows.length < limit && visible(row)) rows.push(row);
    const last = batch.at(-1);
    if (rows.length >= limit || batch.length < limit || !last) return rows;
    from = segment.key(last);
  }
}


interface QueueSource {
  segments: Segment[];
  visible: (row: QueueRow) => boolean;
  /** A bounded count of the queue, or null where the queue is read whole. */
  count: ((cap: number) => number) | null;
}

/** What one person's queues are made of; queues this person does not see have none (permissions as in docs/decisions/0016). */
function queueSources(services: Services, actor: { staffId: string; role: Role }, context: QueueContext): Record<QueueName, QueueSource | null> {
  const statements = q(services.ctx.db);
  const me = actor.staffId;
  const lead = isLeadRole(actor.role);
  const certified = context.staff.get(me)?.certified === true;
  const counted = (name: keyof typeof COUNT_QUERIES, params: Record<string, unknown>) => (cap: number) => statements.count[name].get({ ...params, cap: cap + 1 }) as number;
  const crossParams = { me, everyone: lead ? 1 : 0 };
  /**
   * A queue of everyone's records in a status but this person's own: all in the status less their
   * own, from the counts kept as intakes change (two rows or so, whatever the number waiting).
   */
  const othersIn = (status: string) => (): number => (statements.count.inStatus.get({ status }) as number) - (statements.count.ownInStatus.get({ status, me }) as number);
  return {
    returnedToMe: {
      segments: [
        byReceipt(statements.queue.returnedOnline, { me }, context.deadlines.onlineDueMinutes * 60_000),
        bySince(statements.queue.returnedOther, { me }, context.deadlines.returnedDueMinutes * 60_000),
        bySince(statements.queue.rejected, { me }, context.deadlines.returnedDueMinutes * 60_000),
      ],
      visible: () => true,
      count: counted('returnedToMe', { me }),
    },
    // Assigned checks go to the assignee; unassigned ones are open to every colleague (leads see all, to assign them).
    crossCheck: certified
      ? { segments: [byReceipt(statements.queue.crossCheck, crossParams, context.deadlines.onlineDueMinutes * 60_000)], visible: (row) => !context.authors(row).all.includes(me), count: lead ? othersIn('pending_cross_check') : counted('crossCheck', crossParams) }
      : null,
    leadApproval: lead ? { segments: [waiting(statements.queue.leadApproval, { me })], visible: (row) => !context.authors(row).enterers.includes(me), count: othersIn('pending_lead_approval') } : null,
    finalReview: actor.role === 'manager' ? { segments: [waiting(statements.queue.finalReview, { me })], visible: (row) => !context.authors(row).all.includes(me), count: othersIn('pending_final_review') } : null,
    // Records with a stored decision that does not apply under its rules (e.g. after a policy change).
    attention: lead ? { segments: [attentionSegment(statements.queue.needingAttention, context)], visible: () => true, count: null } : null,
  };
}

/** The few records needing a lead: read whole, ordered by their deadlines here. */
function attentionSegment(statement: Statement, context: QueueContext): Segment {
  const key = (row: QueueRow): UrgencyKey => [deadlineFor(row, context)?.dueAt ?? NO_DEADLINE, row.status_since, row.id];
  return {
    key,
    read: (after, limit) => (statement.all() as QueueRow[]).filter((row) => compareKeys(key(row), after) > 0).sort((a, b) => compareKeys(key(a), key(b))).slice(0, limit),
  };
}

function deadlineFor(row: QueueRow, context: QueueContext) {
  return deadlineOf({ source: row.source, status: row.status as ReviewStatus, receivedAt: row.source === 'online' ? row.started_at : row.submitted_at, statusSince: row.status_since }, context.now, context.deadlines);
}

/** One page of a queue after a key: its items most urgent first, and the cursor of the next page (null at the end). */
function pageOf(source: QueueSource, after: UrgencyKey, context: QueueContext, limit: number): { items: QueueItem[]; cursor: string | null; more: boolean } {
  const keyed = source.segments.flatMap((segment) => visibleRows(segment, after, limit + 1, source.visible).map((row) => ({ row, key: segment.key(row) })));
  keyed.sort((a, b) => compareKeys(a.key, b.key));
  const page = keyed.slice(0, limit);
  const more = keyed.length > limit;
  const last = page.at(-1);
  return { items: page.map(({ row }) => item(row, context)), cursor: more && last ? encodeCursor(last.key) : null, more };
}

function queueContext(services: Services): QueueContext {
  const allStaff = services.staff.all();
  let load: Map<string, number> | null = null;
  // Read once per call: the site's policy (a settings document) and each paper record's authors
  // (its events), which both the visibility check and the suggested checker ask for.
  const reviewPolicy = policy(services);
  const authors = new Map<string, { enterers: string[]; all: string[] }>();
  return {
    // Open cross-checks per assignee, read once per call and only when a suggestion is made.
    get load() {
      load ??= new Map(q(services.ctx.db).checkLoad.all().map((row) => [row.assigned_to, row.n]));
      return load;
    },
    staff: new Map(allStaff.map((staff) => [staff.id, staff])),
    checkers: allStaff.filter((staff) => staff.active && staff.certified && isCheckerRole(staff.role)).sort((a, b) => a.displayName.localeCompare(b.displayName)),
    now: services.ctx.now(),
    deadlines: { ...DEFAULT_DEADLINES, returnedDueMinutes: services.config.review().returnedDueMinutes },
    authors: (row) => {
      let found = authors.get(row.id);
      if (!found) authors.set(row.id, (found = authorsOf(services, row, reviewPolicy)));
      return found;
    },
    blankOnForm: (intakeId) => blankOnFormOf(intakeRow(services, intakeId)),
  };
}

export interface QueuePageInfo {
  /** How many the queue holds: exact up to COUNT_CAP; `capped` when there are more. */
  count: number;
  capped: boolean;
  /** Where the next page starts (`review.queuePage`), or null when this page is the last. */
  cursor: string | null;
}

/**
 * The review queues as the screen opens them: the first page of each (most urgent first), with a
 * bounded count and the cursor of the next page. Per-item work only for the items of the pages.
 */
export function queuesFor(services: Services, actor: { staffId: string; role: Role }, limits: { page: number; countCap: number } = { page: QUEUE_PAGE, countCap: COUNT_CAP }) {
  const context = queueContext(services);
  const sources = queueSources(services, actor, context);
  const lists = {} as Record<QueueName, QueueItem[]>;
  const pages = {} as Record<QueueName, QueuePageInfo>;
  for (const name of QUEUE_NAMES) {
    const source = sources[name];
    if (!source) {
      lists[name] = [];
      pages[name] = { count: 0, capped: false, cursor: null };
      continue;
    }
    const page = pageOf(source, START, context, limits.page);
    lists[name] = page.items;
    // A queue that fits its first page is counted by what it lists; a longer one in its index, up to
    // the cap; with no counting (cap 0), what the page lists, and "more" when there are more.
    if (!page.more) pages[name] = { count: page.items.length, capped: false, cursor: null };
    else if (limits.countCap === 0 || !source.count) pages[name] = { count: page.items.length, capped: true, cursor: page.cursor };
    else {
      const counted = source.count(limits.countCap);
      pages[name] = { count: Math.min(counted, limits.countCap), capped: counted > limits.countCap, cursor: page.cursor };
    }
  }
  return { ...lists, pages };
}

/** The next page of one queue after a cursor from `review.queues` or an earlier page (same permissions). */
export function queuePage(services: Services, actor: { staffId: string; role: Role }, queue: QueueName, cursor: string, limit: number = QUEUE_PAGE) {
  const after = decodeCursor(cursor);
  const context = queueContext(services);
  const source = queueSources(services, actor, context)[queue];
  if (!source) return { items: [], cursor: null };
  const page = pageOf(source, after, context, limit);
  return { items: page.items, cursor: page.cursor };
}

/**
 * A lead settles an intake that needs attention (desks decided differently while offline): a
 * `lead_settled` event in the same grow-only set, so every desk derives the same status from it.
 * Settling as valid updates the customer like any valid intake.
 */
export function settle(services: Services, actor: { staffId: string; role: Role }, input: { intakeId: string; status: SettleTo; reason: string }) {
  if (!isLeadRole(actor.role)) throw new DomainError('FORBIDDEN', 'only a group lead or manager settles a record', undefined, { refusal: 'role_not_allowed' });
  return {
    status: services.transact(() => {
      const current = deriveTolerant(eventsOf(services, input.intakeId), policy(services));
      if (!needsLead(current)) throw new DomainError('CONFLICT', 'this record does not need settling', undefined, { refusal: 'wrong_status' });
      const at = services.ctx.now();
      services.ops.append(actor.staffId, {
        entity: 'review_event',
        entityId: services.ctx.randomId('rev'),
        changes: { intakeId: input.intakeId, kind: 'lead_settled', byStaff: actor.staffId, byRole: actor.role, at, payload: JSON.stringify({ status: input.status, reason: input.reason }) },
      });
      services.audit.append(actor.staffId, 'review.lead_settled', input.intakeId, { status: input.status, reason: input.reason });
      if (input.status === 'valid') applyToCustomer(services, actor.staffId, intakeRow(services, input.intakeId));
      return input.status;
    }),
  };
}

export function reviewDetail(services: Services, actorId: string, intakeId: string) {
  const intake = intakeRow(services, intakeId);
  const events = eventsOf(services, intakeId);
  const state = deriveTolerant(events, policy(services));
  services.audit.append(actorId, 'review.open', intakeId, { status: state.status });
  const nameOf = (staffId: string): string => services.staff.byId(staffId)?.displayName ?? staffId;
  const fields = JSON.parse(intake.fields) as IntakeFields;
  const lastFailure = [...events].reverse().find((event) => event.kind === 'cross_check_failed') as (ReviewEvent & { fieldsAtCheck?: IntakeFields }) | undefined;
  const changedSinceCheck: Record<string, { before: string; after: string }> = {};
  if (lastFailure?.fieldsAtCheck && state.status !== 'returned') {
    for (const [field, value] of Object.entries(fields)) {
      const before = lastFailure.fieldsAtCheck[field as keyof IntakeFields];
      if (before !== value) changedSinceCheck[field] = { before: String(maskField(field, before ?? '')), after: String(maskField(field, value)) };
    }
  }
  // Name the customers a possible duplicate may duplicate (same mobile, or same name and birth date).
  const others = new Map<string, CustomerRow>();
  if ((JSON.parse(intake.flags) as string[]).includes('possible_duplicate')) {
    for (const row of [...services.customers.byMobile(fields.mobile), ...services.customers.byNameAndBirth(fields.name, fields.birthDate)]) if (row.id !== intake.customer_id) others.set(row.id, row);
  }
  return {
    intakeId,
    status: state.status,
    possibleDuplicates: [...others.values()].map((row) => summarize(row, [])),
    enteredBy: intake.entered_by,
    source: intake.source,
    submittedAt: intake.submitted_at,
    changedSinceCheck,
    // Masked for everyone; one field at a time comes out in full through review.reveal, audited.
    fields: maskIntakeFields(fields),
    reveal: revealOptions(services, actorId, intake, state.returnNotes),
    marks: marksOf(services, intake),
    flags: JSON.parse(intake.flags) as string[],
    blankOnForm: blankOnFormOf(intake),
    returnNotes: state.returnNotes,
    lastReason: state.lastReason,
    attention: state.attention.map((note) => ({ kind: note.kind, at: note.at, byStaff: note.by, refusal: note.refusal })),
    // A paper intake: the cross-checker compares the record with the scan of its form (issue 13 item 6).
    paper: intake.source === 'paper_form' ? paperOfIntake(services, intakeId) : null,
    events: events.map((event) => ({
      kind: event.kind,
      byStaff: event.by.staffId,
      byName: nameOf(event.by.staffId),
      at: event.at,
      ...('reason' in event && event.reason !== undefined ? { reason: event.reason } : {}),
      ...('doubtful' in event && event.doubtful ? { doubtful: true } : {}),
      ...('notes' in event ? { notes: event.notes } : {}),
      ...('coEntrants' in event && event.coEntrants ? { coEntrantNames: event.coEntrants.map(nameOf) } : {}),
      ...('reconciledBy' in event && event.reconciledBy ? { reconciledByName: nameOf(event.reconciledBy) } : {}),
    })),
  };
}
