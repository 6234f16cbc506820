// Issue 12 (docs/decisions/0033): every search key carries its customer's intake facets (sources
// and review statuses as bits), so a query with a source or status filter is answered from the keys
// alone. These tests hold the bits to what the customer's intakes say — written by the real apply
// path (submits and review history), merged or still waiting — and a query with each filter to the
// same answer worked out the slow way, and they follow an intake that changes.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCore, type Core } from '../../electron/core/core';
import { SOURCE_BITS, STATUS_BITS } from '../../electron/core/customers/facets';
import { mergeAllPendingKeys, pendingKeyCount } from '../../electron/core/customers/pending-keys';
import { openDatabase } from '../../electron/core/db/connection';
import { databasePath } from '../../electron/core/paths';
import type { CustomerSummary } from '../../shared/api/intake-contract';
import { INTAKE_SOURCES } from '../../shared/domain/intake/sources';
import { REVIEW_STATUSES } from '../../shared/domain/review/machine';
import { TEST_CLOCK_START } from '../support/desk';
import { openHistoryDesk } from '../support/history-desk';
import { customer } from '../support/backup';
import { defaultConsent } from '../../shared/domain/intake/consent';

const CLIENT = 'facets-test';
let core: Core;
let dataDir: string;
let keyHex: string;
let managerId: string;

beforeEach(async () => {
  // Some customers' keys merged into the search index, the newest still waiting for the merge.
  ({ core, dataDir, keyHex, managerId } = await openHistoryDesk('facets', CLIENT, [
    { customers: 150, seed: 7, daysAgo: 20 },
    { customers: 60, seed: 8, daysAgo: 5 },
  ]));
});

afterEach(() => core.close());

interface KeyRow {
  customer_id: string;
  kind: string;
  term: string;
  facets: number;
}
const keys = (): KeyRow[] => core.db.prepare('SELECT customer_id, kind, term, facets FROM customer_search_pending UNION ALL SELECT customer_id, kind, term, facets FROM customer_search').all() as KeyRow[];
const intakes = (): Array<{ id: string; customer_id: string; source: string; status: string }> => core.db.prepare('SELECT id, customer_id, source, status FROM intakes').all() as Array<{ id: string; customer_id: string; source: string; status: string }>;

/** A customer's bits worked out here from their intakes, with the numbers the query uses. */
function bitsFromIntakes(): Map<string, number> {
  const bits = new Map<string, number>();
  for (const row of intakes()) bits.set(row.customer_id, (bits.get(row.customer_id) ?? 0) | (SOURCE_BITS[row.source as keyof typeof SOURCE_BITS] ?? 0) | (STATUS_BITS[row.status as keyof typeof STATUS_BITS] ?? 0));
  return bits;
}

function expectKeysInStep(): void {
  const bits = bitsFromIntakes();
  const wrong = keys().filter((key) => key.facets !== (bits.get(key.customer_id) ?? 0));
  expect(wrong, 'keys whose facets differ from their customer\'s intakes').toEqual([]);
}

async function search(query: string, filters: { source?: string; status?: string }): Promise<string[]> {
  const response = await core.handle(CLIENT, { id: 1, method: 'customers.search', input: { query, limit: 500, ...filters } });
  if (!response.result.ok) throw new Error(`${response.result.error.code}: ${response.result.error.message}`);
  return (response.result.value as CustomerSummary[]).map((row) => row.id);
}

/** Customers under keys of `kinds` starting with `prefix` that have an intake passing the filters, read from the intakes. */
function slowWay(kinds: string[], prefix: string, filters: { source?: string; status?: string }): Set<string> {
  const passing = new Set(intakes().filter((row) => (!filters.source || row.source === filters.source) && (!filters.status || row.status === filters.status)).map((row) => row.customer_id));
  return new Set(keys().filter((key) => kinds.includes(key.kind) && key.term.startsWith(prefix) && passing.has(key.customer_id)).map((key) => key.customer_id));
}

describe('intake facets on the search keys', () => {
  it('every key carries what its customer\'s intakes say, merged or still waiting for the merge', () => {
    expect(pendingKeyCount(core.db)).toBeGreaterThan(0);
    expect((core.db.prepare('SELECT count(*) AS n FROM customer_search').get() as { n: number }).n).toBeGreaterThan(0);
    // The history has reviews: statuses other than the first one a submit gives.
    expect(new Set(intakes().map((row) => row.status)).size).toBeGreaterThan(2);
    expectKeysInStep();
    mergeAllPendingKeys(core.db);
    expectKeysInStep();
  });

  it('a query with any source or status filter finds exactly the customers their intakes say', async () => {
    const surname = (core.db.prepare("SELECT substr(name, 1, 1) AS s FROM customers GROUP BY s ORDER BY count(*) DESC LIMIT 1").get() as { s: string }).s;
    const cases: Array<{ query: string; kinds: string[]; prefix: string }> = [
      { query: surname, kinds: ['name'], prefix: surname.toLowerCase() },
      { query: '1', kinds: ['mobile', 'id'], prefix: '1' },
    ];
    let found = 0;
    for (const { query, kinds, prefix } of cases) {
      for (const filters of [...INTAKE_SOURCES.map((source) => ({ source })), ...REVIEW_STATUSES.map((status) => ({ status })), { source: 'walk_in', status: 'valid' }, { source: 'paper_form', status: 'returned' }]) {
        const want = slowWay(kinds, prefix, filters);
        const got = await search(query, filters);
        expect(new Set(got), `${query} ${JSON.stringify(filters)}`).toEqual(want);
        expect(got.length, 'each customer once').toBe(want.size);
        found += got.length;
      }
    }
    expect(found).toBeGreaterThan(50);
  });

  it('a customer submitted at the desk is found at once under the submit\'s source and status, and under no other status', async () => {
    const call = async <T>(method: string, input: unknown): Promise<T> => {
      const response = await core.handle(CLIENT, { id: 1, method, input });
      if (!response.result.ok) throw new Error(`${method}: ${response.result.error.code} ${JSON.stringify(response.result.error.fields ?? {})}`);
      return response.result.value as T;
    };
    const fields = customer(4242);
    const draft = await call<{ id: string }>('intake.draft.start', { customerId: null });
    const submitted = await call<{ intakeId: string; customerId: string; status: string }>('intake.submit', { draftId: draft.id, fields, consent: { ...defaultConsent(), idConsent: true }, customerId: null, customerPresent: true });
    expect(submitted.status).toBe('pending_cross_check');
    expect(intakes().find((row) => row.id === submitted.intakeId)?.status).toBe('pending_cross_check');
    // Every key of the new customer, waiting for the merge, already carries walk-in and pending cross-check.
    const own = keys().filter((key) => key.customer_id === submitted.customerId);
    expect(own.length).toBeGreaterThan(3);
    expect(new Set(own.map((key) => key.facets))).toEqual(new Set([SOURCE_BITS.walk_in | STATUS_BITS.pending_cross_check]));
    expectKeysInStep();
    for (const query of [fields.name, fields.mobile, fields.idNumber]) {
      expect(await search(query, { source: 'walk_in', status: 'pending_cross_check' }), query).toContain(submitted.customerId);
      expect(await search(query, { status: 'valid' }), query).not.toContain(submitted.customerId);
    }
    mergeAllPendingKeys(core.db);
    expectKeysInStep();
    expect(await search(fields.name, { status: 'pending_cross_check' })).toContain(submitted.customerId);
  });

  it('follows an intake whose status changes, that moves to another customer, or that is removed', async () => {
    const open = intakes().filter((row) => row.status !== 'rejected');
    const first = open[0];
    const second = open.find((row) => row.customer_id !== first?.customer_id);
    if (!first || !second) throw new Error('the history has too few intakes');
    const name = (id: string): string => (core.db.prepare('SELECT name FROM customers WHERE id = ?').get(id) as { name: string }).name;
    core.db.prepare("UPDATE intakes SET status = 'rejected' WHERE id = ?").run(first.id);
    expectKeysInStep();
    expect(await search(name(first.customer_id), { status: 'rejected' })).toContain(first.customer_id);
    core.db.prepare('UPDATE intakes SET customer_id = ? WHERE id = ?').run(second.customer_id, first.id);
    expectKeysInStep();
    expect(await search(name(second.customer_id), { status: 'rejected' })).toContain(second.customer_id);
    core.db.prepare('DELETE FROM intakes WHERE id = ?').run(first.id);
    expectKeysInStep();
    mergeAllPendingKeys(core.db);
    expectKeysInStep();
  });

  it('a desk from before the facets keeps every key and has their bits once it opens', async () => {
    const before = keys().map(({ kind, term, customer_id }) => `${kind}|${term}|${customer_id}`).sort();
    core.close();
    // The database as schema 16 left it: no bits, no view, no triggers (and none of schema 18's or 20's list columns).
    const old = openDatabase(databasePath(dataDir), keyHex);
    old.exec(`
      DROP TRIGGER intakes_facets_insert; DROP TRIGGER intakes_facets_update; DROP TRIGGER intakes_facets_delete; DROP TRIGGER customers_key_summary;
      DROP VIEW customer_intake_facets; DROP VIEW customer_search_all;
      CREATE TABLE search_16 (kind TEXT NOT NULL, term TEXT NOT NULL, customer_id TEXT NOT NULL, PRIMARY KEY (kind, term, customer_id)) STRICT, WITHOUT ROWID;
      INSERT INTO search_16 SELECT kind, term, customer_id FROM customer_search;
      DROP TABLE customer_search;
      ALTER TABLE search_16 RENAME TO customer_search;
      CREATE INDEX customer_search_by_customer ON customer_search (customer_id);
      ALTER TABLE customer_search_pending DROP COLUMN facets;
      ALTER TABLE customer_search_pending DROP COLUMN summary;
      CREATE VIEW customer_search_all (kind, term, customer_id) AS
        SELECT kind, term, customer_id FROM customer_search_pending UNION ALL SELECT kind, term, customer_id FROM customer_search;
      DROP TRIGGER intake_counts_insert; DROP TRIGGER intake_counts_update; DROP TRIGGER intake_counts_delete; DROP TABLE intake_counts;
      PRAGMA user_version = 16;
    `);
    old.close();
    core = openCore({ dataDir, keyHex, appVersion: 'test', now: () => TEST_CLOCK_START });
    expect(keys().map(({ kind, term, customer_id }) => `${kind}|${term}|${customer_id}`).sort()).toEqual(before);
    expectKeysInStep();
    core.services.sessions.start(CLIENT, managerId, TEST_CLOCK_START);
    expect(new Set(await search('1', { source: 'walk_in' }))).toEqual(slowWay(['mobile', 'id'], '1', { source: 'walk_in' }));
  });
});
