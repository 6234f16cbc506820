/**
 * Finding customers and opening their profile card (客户资料卡): masked by default; a reveal needs
 * the permission and a reason and is written to the audit log with who, which field, which customer.
 */
import type { CustomerSummary, REVEALABLE_FIELDS } from '../../../shared/api/intake-contract';
import { normalizeDocumentInput } from '../../../shared/domain/identity';
import { maskAddress, maskField } from '../../../shared/domain/masking';
import { normalizeMobile, normalizePhone } from '../../../shared/domain/phone';
import { normalizeQuery } from '../../../shared/domain/names';
import { DomainError } from '../errors';
import type { Services } from '../services';
import { summarize, type FilterCursor, type IntakeFilters, type SummaryRow } from './customer-repo';
import { pinyinSpellings } from './search-keys';
import { AS_OF, SEEN, VIA_INTAKE, isFieldKey } from './projectors';
import { isLeadRole, type Role } from '../../../shared/domain/auth/roles';

export interface SearchFilters {
  grade?: 'vip' | 'ordinary' | undefined;
  source?: string | undefined;
  status?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  /** The `cursor` of the last customer of the page before (filters with no query only). */
  after?: string | undefined;
}

/** A page cursor: the sort key of the last row, as `<ms>~<id>`; anything else is a bad request. */
function parseCursor(after: string | undefined): FilterCursor | null {
  if (after === undefined || after === '') return null;
  const match = /^(\d{1,16})~([\w-]{1,64})$/.exec(after);
  if (!match?.[1] || !match[2]) throw new DomainError('VALIDATION', 'the page cursor is not one this desk gave out', { after: 'invalid' });
  return { at: Number(match[1]), id: match[2] };
}

const dayStart = (iso: string | undefined, fallback: number): number => (iso ? new Date(`${iso}T00:00:00`).getTime() : fallback);

/** Search by query and/or filters (grade, intake source, status, intake date). */
export function searchCustomers(services: Services, query: string, limit: number, filters: SearchFilters = {}): CustomerSummary[] {
  const from = dayStart(filters.from, 0);
  const to = filters.to ? dayStart(filters.to, 0) + 86_400_000 : Number.MAX_SAFE_INTEGER;
  const byIntake = Boolean(filters.source || filters.status || filters.from || filters.to);
  const asked: IntakeFilters = { source: filters.source ?? null, status: filters.status ?? null, from: filters.from ? from : null, to: filters.to ? to : null, grade: filters.grade ?? null };
  if (query.trim() === '') {
    if (!byIntake && !filters.grade) return [];
    const rows = services.customers.byFilters(asked, parseCursor(filters.after), limit);
    return rows.map((row) => ({ ...summarize(row, ['search']), cursor: `${row.cursor_at}~${row.cursor_id}` }));
  }
  // With filters, each key look-up keeps only the customers that pass them, as it reads the keys:
  // filtering a first page of matches afterwards left out customers past it.
  return searchByQuery(services, query, limit, asked).map((row) => summarize(row, ['search']));
}

/** A few small searches of every kind, run once after start so the first real one is not cold. */
export function warmUpSearch(services: Services): void {
  for (const query of ['13800000000', '0000', '110105194912310000', '张', 'zhang', 'zs', 'z']) searchCustomers(services, query, 5);
  searchCustomers(services, '', 5, { source: 'walk_in' });
  searchCustomers(services, '', 5, { status: 'pending_cross_check' });
}

/**
 * Decide what a query is (phone, last four, ID, name, pinyin, initials) and look it up by key; with
 * filters, each look-up keeps only the customers that pass them.
 */
function searchByQuery(services: Services, query: string, limit: number, filters: IntakeFilters): SummaryRow[] {
  // A phone typed with full-width digits, a name with any middle-dot variant: as stored.
  const q = normalizeQuery(query).trim();
  const repo = services.customers;
  const results = new Map<string, SummaryRow>();
  const add = (rows: SummaryRow[]): void => {
    for (const row of rows) if (results.size < limit && !results.has(row.id)) results.set(row.id, row);
  };
  const compact = normalizeDocumentInput(q);
  if (/^\d{3}[\dX]$/.test(compact)) {
    add(repo.byKey('mobile4', compact, limit, filters));
    if (results.size < limit) add(repo.byKey('id4', compact, limit - results.size, filters));
  } else if (/^[\d+()\s-]{7,}$/.test(q) && normalizeMobile(q).ok) {
    const mobile = normalizeMobile(q);
    if (mobile.ok) add(repo.byKey('mobile', mobile.national, limit, filters));
  } else if (/^[\d+()\s-]{7,}$/.test(q) && normalizePhone(q).ok) {
    // A phone from abroad, stored as E.164 (docs/decisions/0011-visitors-from-anywhere.md).
    const phone = normalizePhone(q);
    if (phone.ok) add(repo.byKey('mobile', phone.country === 'CN' ? phone.national : phone.e164, limit, filters));
  } else if (/^[\dX]{15,18}$/.test(compact) || /^[A-Z]{1,3}\d{6,}$/.test(compact)) {
    add(repo.byKey('id', compact, limit, filters));
  } else if (/\p{Script=Han}/u.test(q)) {
    add(repo.byKeyPrefix('name', q.toLowerCase(), limit, filters));
    // Nothing under these characters (traditional characters, a variant form): match by sound.
    if (results.size === 0) for (const spelling of pinyinSpellings(q)) add(repo.byKeyPrefix('pinyin', spelling, limit, filters));
  } else if (/^[a-z\s]+$/i.test(q)) {
    const letters = q.toLowerCase().replace(/\s+/g, '');
    add(repo.byKeyPrefix('initials', letters, limit, filters));
    // A full page by initials already (one or two letters): the best page is shown at once.
    if (results.size < limit) add(repo.byKeyPrefix('pinyin', letters, limit - results.size, filters));
  }
  // Digits that are not (yet) a whole phone or ID number — the first digits of a mobile as it is
  // typed, one digit, part of an ID: the mobiles, then the ID numbers, that start with them, so the
  // best page shows at once instead of nothing (issue 12).
  if (results.size < limit && /^\d+X?$/.test(compact) && compact.length < 18) {
    add(repo.byKeyPrefix('mobile', compact, limit - results.size, filters));
    if (results.size < limit) add(repo.byKeyPrefix('id', compact, limit - results.size, filters));
  }
  return [...results.values()];
}

export function customerCard(services: Services, id: string) {
  const row = services.customers.byId(id);
  if (!row) throw new DomainError('NOT_FOUND', 'no such customer');
  const doc = JSON.parse(row.doc) as Record<string, string | boolean>;
  const fields: Record<string, string | boolean> = {};
  for (const [field, value] of Object.entries(doc)) fields[field] = maskField(field, value);
  // Which visit set which field, in capture order (the order last-writer-wins goes by): an entry
  // only where the value changed, naming the intake it came from.
  const entries = services.ops.history('customer', id).flatMap((op) => {
    const asOf = typeof op.changes[AS_OF] === 'string' ? op.changes[AS_OF] : op.hlc;
    const intakeId = typeof op.changes[VIA_INTAKE] === 'string' ? op.changes[VIA_INTAKE] : null;
    return Object.entries(op.changes).filter(([field]) => isFieldKey(field)).map(([field, value]) => ({ field, asOf, staffId: op.staffId, value, intakeId }));
  });
  entries.sort((x, y) => (x.asOf < y.asOf ? -1 : x.asOf > y.asOf ? 1 : 0));
  const last = new Map<string, unknown>();
  const history = entries.flatMap((entry) => {
    const previous = last.has(entry.field) ? last.get(entry.field) : '';
    last.set(entry.field, entry.value);
    if (previous === entry.value) return [];
    const value = typeof entry.value === 'string' || typeof entry.value === 'boolean' ? maskField(entry.field, entry.value) : entry.value;
    const staffName = entry.staffId === null ? undefined : services.staff.byId(entry.staffId)?.displayName;
    return [{ field: entry.field, at: Number(entry.asOf.slice(0, 15)), staffId: entry.staffId, ...(staffName === undefined ? {} : { staffName }), value, intakeId: entry.intakeId }];
  });
  const intakes = services.customers.intakesOf(id).map((intake) => ({
    id: intake.id,
    source: intake.source,
    status: intake.status,
    submittedAt: intake.submitted_at,
    durationMs: intake.duration_ms,
    customerPresent: intake.customer_present === 1,
    enteredBy: intake.entered_by,
    flags: JSON.parse(intake.flags) as string[],
  }));
  const conflicts = services.customers.conflicts(id).map((conflict) => {
    const shown = (json: string): string => String(maskField(conflict.field, String(JSON.parse(json) as unknown)));
    return { field: conflict.field, shown: shown(conflict.winnerValue), shownAsOf: conflict.winnerAsOf, other: shown(conflict.value), otherAsOf: conflict.asOf, otherIntakeId: conflict.intakeId };
  });
  return { summary: summarize(row, []), fields, intakes, history, conflicts };
}

export function revealField(services: Services, staffId: string, id: string, field: (typeof REVEALABLE_FIELDS)[number], reason: string): { value: string } {
  const row = services.customers.byId(id);
  if (!row) throw new DomainError('NOT_FOUND', 'no such customer');
  const doc = JSON.parse(row.doc) as Record<string, string>;
  const value =
    field === 'address'
      ? `${maskAddress({ province: doc['addressProvince'], city: doc['addressCity'], district: doc['addressDistrict'] })}${doc['addressDetail'] ?? ''}`
      : (doc[field] ?? '');
  services.audit.append(staffId, 'customer.reveal', id, { field, reason });
  return { value };
}

/**
 * A lead settles a conflict on a sensitive field by keeping one of the values: a new write that has
 * seen every earlier one, so the conflict is gone on every desk once the op arrives there.
 */
export function resolveConflict(services: Services, actor: { staffId: string; role: Role }, input: { id: string; field: string; keepAsOf: string; reason: string }): { done: true } {
  if (!isLeadRole(actor.role)) throw new DomainError('FORBIDDEN', 'only a group lead or manager settles a conflict', undefined, { refusal: 'role_not_allowed' });
  const conflicts = services.customers.conflicts(input.id).filter((conflict) => conflict.field === input.field);
  const first = conflicts[0];
  if (!first) throw new DomainError('NOT_FOUND', 'no conflict on this field');
  const keep = input.keepAsOf === first.winnerAsOf ? first.winnerValue : conflicts.find((conflict) => conflict.asOf === input.keepAsOf)?.value;
  if (keep === undefined) throw new DomainError('VALIDATION', 'choose one of the conflicting values', { keepAsOf: 'invalid_choice' });
  services.transact(() => {
    services.ops.append(actor.staffId, { entity: 'customer', entityId: input.id, changes: { [input.field]: JSON.parse(keep) as string, [SEEN]: JSON.stringify({ [input.field]: first.winnerAsOf }) } });
    services.audit.append(actor.staffId, 'customer.conflict_resolved', input.id, { field: input.field, reason: input.reason });
  });
  return { done: true };
}
