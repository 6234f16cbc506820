/** Reads of customers, their search keys and intakes. Writes go through the op log. */
import type { CustomerSummary } from '../../../shared/api/intake-contract';
import { maskIdNumber, maskMobile, maskName } from '../../../shared/domain/masking';
import type { Db } from '../db/connection';
import { facetBitsFor } from './facets';
import type { SearchKind } from './search-keys';
import type { Statement } from 'better-sqlite3-multiple-ciphers';

/** Filters with no query; null means "any". Dates are ms since the epoch, `to` exclusive. */
export interface IntakeFilters {
  source: string | null;
  status: string | null;
  from: number | null;
  to: number | null;
  grade: string | null;
}

/** Where a page of filtered customers ends: the sort key of its last row. */
export interface FilterCursor {
  at: number;
  id: string;
}

export type FilteredRow = SummaryRow & { cursor_at: number; cursor_id: string };

/** Conditions on one intake (alias `alias`) for the filters that are set; only bound parameters. */
function intakeConditions(filters: IntakeFilters, alias: string): string[] {
  const conditions: string[] = [];
  if (filters.source !== null) conditions.push(`${alias}.source = :source`);
  if (filters.status !== null) conditions.push(`${alias}.status = :status`);
  if (filters.from !== null) conditions.push(`${alias}.submitted_at >= :from`);
  if (filters.to !== null) conditions.push(`${alias}.submitted_at < :to`);
  return conditions;
}

function intakeFilterSql(filters: IntakeFilters, afterCursor: boolean): string {
  const own = intakeConditions(filters, 'i');
  if (afterCursor) own.push('(i.submitted_at, i.id) < (:afterAt, :afterId)');
  if (filters.grade !== null) own.push('c.grade = :grade');
  // Listed once, at the newest matching intake: no later intake of theirs matches too.
  const later = [...intakeConditions(filters, 'j'), 'j.customer_id = i.customer_id', '(j.submitted_at, j.id) > (i.submitted_at, i.id)'];
  return `SELECT ${SUMMARY}, i.submitted_at AS cursor_at, i.id AS cursor_id
    FROM intakes i JOIN customers c INDEXED BY customers_summary ON c.id = i.customer_id
    WHERE ${own.join(' AND ')} AND NOT EXISTS (SELECT 1 FROM intakes j WHERE ${later.join(' AND ')})
    ORDER BY i.submitted_at DESC, i.id DESC LIMIT :limit`;
}

/**
 * How many of a query's key entries a query with filters looks through at most: the filters are
 * applied as the keys are read (so a page is full whenever that many hold enough matches), and a
 * rare filter under a common key stops there instead of reading every key under it.
 */
export const FILTERED_KEY_SCAN = 5_000;

/** The bound parameters of the filters that are set (named as in intakeConditions). */
function filterParams(filters: IntakeFilters): Record<string, string | number> {
  const params: Record<string, string | number> = {};
  if (filters.source !== null) params['source'] = filters.source;
  if (filters.status !== null) params['status'] = filters.status;
  if (filters.from !== null) params['from'] = filters.from;
  if (filters.to !== null) params['to'] = filters.to;
  if (filters.grade !== null) params['grade'] = filters.grade;
  return params;
}

/**
 * The customers under the search keys that `where` (on `kind` and `term`) picks, from both tables
 * that hold keys: the keys still waiting to be merged first (the newest customers), then the merged
 * ones in key order (docs/decisions/0031). A key is in one of them, never both.
 */
function keysWhere(where: string, columns = 'customer_id'): string {
  return `SELECT ${columns} FROM customer_search_pending WHERE ${where} UNION ALL SELECT ${columns} FROM customer_search WHERE ${where}`;
}

const EXACT_KEY = 'kind = :kind AND term = :term';
const KEY_PREFIX = 'kind = :kind AND term >= :termFrom AND term < :termTo';

/**
 * A key look-up (exact or by prefix) keeping only customers that pass the filters, in key order.
 * A source or status filter is checked on the key itself, by the intake facets every key carries
 * (migration 0017, docs/decisions/0033): no read of the customer's intakes for the keys it drops.
 * The customer's intakes are read only where the bits cannot say it alone: a date range, or a
 * source and a status that must be those of one and the same intake.
 */
function filteredKeySql(exact: boolean, filters: IntakeFilters, facets: number | null): string {
  const keys = `(${keysWhere(exact ? EXACT_KEY : KEY_PREFIX, filters.grade === null ? 'customer_id, facets, summary' : 'customer_id, facets')} LIMIT ${FILTERED_KEY_SCAN}) k`;
  const conditions: string[] = [];
  if (facets !== null && facets !== 0) conditions.push('(k.facets & :facets) = :facets');
  const oneIntake = facets === null || filters.from !== null || filters.to !== null || (filters.source !== null && filters.status !== null);
  const intake = intakeConditions(filters, 'i');
  if (oneIntake && intake.length > 0) conditions.push(`EXISTS (SELECT 1 FROM intakes i INDEXED BY intakes_by_customer_filters WHERE i.customer_id = k.customer_id AND ${intake.join(' AND ')})`);
  // Keys carry their customer's list columns (migrations 0018, 0020): the keys that pass are the page.
  if (filters.grade === null) return `SELECT DISTINCT k.customer_id, k.summary FROM ${keys} WHERE ${conditions.join(' AND ')} LIMIT :limit`;
  conditions.push('c.grade = :grade');
  return `SELECT DISTINCT ${SUMMARY}
    FROM ${keys}
    JOIN customers c INDEXED BY customers_summary ON c.id = k.customer_id
    WHERE ${conditions.join(' AND ')} LIMIT :limit`;
}

/** Whether any filter is set. */
function hasFilters(filters: IntakeFilters): boolean {
  return filters.source !== null || filters.status !== null || filters.from !== null || filters.to !== null || filters.grade !== null;
}

function gradeFilterSql(afterCursor: boolean): string {
  // Walk the grade's index newest first; the summary columns come from the covering index.
  return `SELECT ${SUMMARY}, g.created_at AS cursor_at, g.id AS cursor_id
    FROM customers g INDEXED BY customers_by_grade_time JOIN customers c INDEXED BY customers_summary ON c.id = g.id
    WHERE g.grade = :grade${afterCursor ? ' AND (g.created_at, g.id) < (:afterAt, :afterId)' : ''}
    ORDER BY g.created_at DESC, g.id DESC LIMIT :limit`;
}

export interface CustomerRow {
  id: string;
  doc: string;
  name: string;
  mobile: string;
  id_number: string;
  birth_date: string;
  grade: string;
  created_at: number;
  /** Per field, the HLC of the capture that set it (JSON). */
  field_hlc: string;
}

export interface IntakeRow {
  id: string;
  customer_id: string;
  source: string;
  status: string;
  fields: string;
  consent: string;
  flags: string;
  entered_by: string;
  started_at: number;
  submitted_at: number;
  duration_ms: number;
  customer_present: number;
  /** Field-level changes (JSON, see shared/domain/intake/changes.ts); null for intakes from before them. */
  changes: string | null;
  captured_hlc: string;
  updated_hlc: string;
}

/** The columns a list shows (all in the customers_summary covering index). */
export type SummaryRow = Pick<CustomerRow, 'id' | 'name' | 'mobile' | 'id_number' | 'birth_date' | 'grade'>;
const SUMMARY = 'c.id, c.name, c.mobile, c.id_number, c.birth_date, c.grade';

/**
 * What a search key carries of its customer (migrations 0018 and 0020, docs/decisions/0034 and
 * 0036): the list columns of customer row `c` joined by U+001F, read back by `summaryOfKey`. The
 * migrations' trigger writes the same.
 */
export const KEY_SUMMARY = "c.name || char(31) || c.mobile || char(31) || c.id_number || char(31) || c.birth_date || char(31) || c.grade";

/** A search key as a list reads it: its customer and what it carries of them. */
interface KeyRow {
  customer_id: string;
  summary: string | null;
}

/** A key's customer as a list row, from what KEY_SUMMARY made; undefined when the key carries none (or not five parts). */
export function summaryOfKey(customerId: string, summary: string | null): SummaryRow | undefined {
  const parts = summary?.split('\u001f');
  if (parts?.length !== 5) return undefined;
  const [name, mobile, idNumber, birthDate, grade] = parts as [string, string, string, string, string];
  return { id: customerId, name, mobile, id_number: idNumber, birth_date: birthDate, grade };
}

export function summarize(row: SummaryRow, matchedOn: CustomerSummary['matchedOn']): CustomerSummary {
  return {
    id: row.id,
    name: maskName(row.name),
    mobile: row.mobile ? maskMobile(row.mobile) : '',
    idNumber: row.id_number ? maskIdNumber(row.id_number) : '',
    birthYear: row.birth_date.slice(0, 4),
    grade: row.grade === 'vip' ? 'vip' : 'ordinary',
    matchedOn,
  };
}

/** Two writes to a sensitive field that did not see each other: the one showing, and the one it hides. */
export interface FieldConflict {
  customerId: string;
  field: string;
  value: string;
  asOf: string;
  intakeId: string | null;
  winnerValue: string;
  winnerAsOf: string;
  winnerIntakeId: string | null;
}

const CONFLICTS_SQL = `
  WITH win AS (SELECT customer_id, field, max(as_of) AS as_of FROM field_writes WHERE (:customerId IS NULL OR customer_id = :customerId) GROUP BY customer_id, field)
  SELECT w.customer_id AS customerId, w.field, w.value, w.as_of AS asOf, w.intake_id AS intakeId,
         top.value AS winnerValue, top.as_of AS winnerAsOf, top.intake_id AS winnerIntakeId
  FROM win
  JOIN field_writes top ON top.customer_id = win.customer_id AND top.field = win.field AND top.as_of = win.as_of
  JOIN field_writes w ON w.customer_id = win.customer_id AND w.field = win.field
  WHERE w.as_of < top.as_of AND w.as_of > top.seen AND w.value <> top.value
  ORDER BY w.customer_id, w.field, w.as_of`;

export class CustomerRepo {
  private readonly conflictsStmt;
  private readonly byIdStmt;
  private readonly byMobileStmt;
  private readonly byIdNumberStmt;
  private readonly byNameBirthStmt;
  private readonly bySoundBirthStmt;
  private readonly exactKeyStmt;
  private readonly prefixKeyStmt;
  private readonly summaryByIdStmt;
  private readonly intakesStmt;
  private readonly db: Db;
  /** One prepared statement per combination of filters, so each can use its own index. */
  private readonly filterStmts = new Map<string, Statement<Record<string, string | number>, FilteredRow>>();
  /** The same for key look-ups with filters (a query and filters together). */
  private readonly filteredKeyStmts = new Map<string, Statement<Record<string, string | number>, SummaryRow | KeyRow>>();

  constructor(db: Db) {
    this.conflictsStmt = db.prepare<{ customerId: string | null }, FieldConflict>(CONFLICTS_SQL);
    this.byIdStmt = db.prepare<{ id: string }, CustomerRow>('SELECT * FROM customers WHERE id = :id');
    this.byMobileStmt = db.prepare<{ mobile: string }, CustomerRow>('SELECT * FROM customers WHERE mobile = :mobile LIMIT 20');
    this.byIdNumberStmt = db.prepare<{ idNumber: string }, CustomerRow>('SELECT * FROM customers WHERE id_number = :idNumber LIMIT 20');
    this.byNameBirthStmt = db.prepare<{ name: string; birthDate: string }, CustomerRow>('SELECT * FROM customers WHERE name = :name AND birth_date = :birthDate LIMIT 20');
    // A common spelling (wangwei) has hundreds of customers at a million: the birth date the key
    // carries (KEY_SUMMARY's fourth part, the only one with dashes) picks the few whose rows are read.
    this.bySoundBirthStmt = db.prepare<{ spelling: string; birthDate: string }, CustomerRow>(
      `SELECT c.* FROM (${keysWhere("kind = 'pinyin' AND term = :spelling", 'customer_id, summary')}) s JOIN customers c ON c.id = s.customer_id
       WHERE (s.summary IS NULL OR instr(s.summary, char(31) || :birthDate || char(31)) > 0) AND c.birth_date = :birthDate LIMIT 20`,
    );
    // A key carries its customer's list columns (migrations 0018, 0020): the keys alone answer, in
    // key order, without a look-up per customer (500 customers are a dozen neighbouring pages of keys).
    // A customer can sit under several keys of one prefix (the other readings of a name), each
    // carrying the same columns: DISTINCT lists them once, as the keys are read.
    this.exactKeyStmt = db.prepare<{ kind: string; term: string; limit: number }, KeyRow>(
      `SELECT DISTINCT customer_id, summary FROM (${keysWhere(EXACT_KEY, 'customer_id, summary')}) LIMIT :limit`,
    );
    // Prefix search on the (kind, term) primary key: term >= prefix AND term < prefix + U+FFFF.
    this.prefixKeyStmt = db.prepare<{ kind: string; termFrom: string; termTo: string; limit: number }, KeyRow>(
      `SELECT DISTINCT customer_id, summary FROM (${keysWhere(KEY_PREFIX, 'customer_id, summary')}) LIMIT :limit`,
    );
    this.summaryByIdStmt = db.prepare<{ id: string }, SummaryRow>(`SELECT ${SUMMARY} FROM customers c INDEXED BY customers_summary WHERE c.id = :id`);
    this.intakesStmt = db.prepare<{ customerId: string }, IntakeRow>('SELECT * FROM intakes WHERE customer_id = :customerId ORDER BY submitted_at DESC');
    this.db = db;
  }

  /** Unresolved conflicts on sensitive fields: of one customer, or of all (customerId null). */
  conflicts(customerId: string | null): FieldConflict[] {
    return this.conflictsStmt.all({ customerId });
  }

  byId(id: string): CustomerRow | undefined {
    return this.byIdStmt.get({ id });
  }

  byMobile(mobile: string): CustomerRow[] {
    return this.byMobileStmt.all({ mobile });
  }

  byIdNumber(idNumber: string): CustomerRow[] {
    return this.byIdNumberStmt.all({ idNumber });
  }

  byNameAndBirth(name: string, birthDate: string): CustomerRow[] {
    return this.byNameBirthStmt.all({ name, birthDate });
  }

  /** Same birth date and a name that sounds the same (homophones, traditional or variant characters). */
  bySoundAndBirth(spelling: string, birthDate: string): CustomerRow[] {
    return this.bySoundBirthStmt.all({ spelling, birthDate });
  }

  /** Keys as list rows, each customer once, in the keys' order. */
  private listOfKeys(keys: KeyRow[]): SummaryRow[] {
    const rows: SummaryRow[] = [];
    const listed = new Set<string>();
    for (const key of keys) {
      if (listed.has(key.customer_id)) continue;
      // A key without the columns (none should be: written with every key since migration 0020) reads the row.
      const row = summaryOfKey(key.customer_id, key.summary) ?? this.summaryByIdStmt.get({ id: key.customer_id });
      if (!row) continue;
      listed.add(key.customer_id);
      rows.push(row);
    }
    return rows;
  }

  /** Customers under one search key; with filters, only those that pass them (see FILTERED_KEY_SCAN). */
  byKey(kind: SearchKind, term: string, limit: number, filters: IntakeFilters | null = null): SummaryRow[] {
    if (filters === null || !hasFilters(filters)) return this.listOfKeys(this.exactKeyStmt.all({ kind, term, limit }));
    return this.filteredKey(true, filters, { kind, term }, limit);
  }

  /** Customers under keys starting with `prefix`, in key order; with filters, only those that pass them. */
  byKeyPrefix(kind: SearchKind, prefix: string, limit: number, filters: IntakeFilters | null = null): SummaryRow[] {
    const range = { kind, termFrom: prefix, termTo: `${prefix}\uffff` };
    if (filters === null || !hasFilters(filters)) return this.listOfKeys(this.prefixKeyStmt.all({ ...range, limit }));
    return this.filteredKey(false, filters, range, limit);
  }

  /** One prepared statement per shape of look-up and combination of filters. */
  private filteredKey(exact: boolean, filters: IntakeFilters, lookUp: Record<string, string>, limit: number): SummaryRow[] {
    const facets = facetBitsFor(filters.source, filters.status);
    const key = [exact, filters.source !== null, filters.status !== null, filters.from !== null, filters.to !== null, filters.grade !== null, facets === null].map(Number).join('');
    let stmt = this.filteredKeyStmts.get(key);
    if (!stmt) {
      stmt = this.db.prepare<Record<string, string | number>, SummaryRow | KeyRow>(filteredKeySql(exact, filters, facets));
      this.filteredKeyStmts.set(key, stmt);
    }
    const rows = stmt.all({ ...filterParams(filters), ...(facets ? { facets } : {}), ...lookUp, limit });
    // Without a grade the keys that pass are the page (filteredKeySql); a grade is the customer's row.
    return filters.grade === null ? this.listOfKeys(rows as KeyRow[]) : (rows as SummaryRow[]);
  }

  /**
   * A page of customers matching filters with no query, by keyset: newest first, after `cursor`
   * (the `cursor` of the last row of the page before), never scanning more than it returns where an
   * index covers the filter. With an intake filter a customer is listed once, at their newest
   * matching intake; with the grade alone, by when they were first registered.
   */
  byFilters(filters: IntakeFilters, cursor: FilterCursor | null, limit: number): FilteredRow[] {
    const byIntake = filters.source !== null || filters.status !== null || filters.from !== null || filters.to !== null;
    const key = [byIntake, filters.source !== null, filters.status !== null, filters.from !== null, filters.to !== null, filters.grade !== null, cursor !== null].map(Number).join('');
    let stmt = this.filterStmts.get(key);
    if (!stmt) {
      stmt = this.db.prepare<Record<string, string | number>, FilteredRow>(byIntake ? intakeFilterSql(filters, cursor !== null) : gradeFilterSql(cursor !== null));
      this.filterStmts.set(key, stmt);
    }
    const params: Record<string, string | number> = { ...filterParams(filters), limit };
    if (cursor) {
      params['afterAt'] = cursor.at;
      params['afterId'] = cursor.id;
    }
    return stmt.all(params);
  }

  intakesOf(customerId: string): IntakeRow[] {
    return this.intakesStmt.all({ customerId });
  }
}
