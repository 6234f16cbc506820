// Issue 12 (docs/decisions/0034, 0036): every search key carries the columns a result list shows of
// its customer, so a search lists its customers from the keys alone. These tests hold what the keys
// carry to the customers table — after submits and review history, merged or still waiting for the
// merge, after a grade, phone or name change through the op log, and on desks that upgrade from
// schema 17 and 19 — and searches by surname, pinyin, initials and the first digits of a phone to
// the lists worked out from the customers table.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCore, type Core } from '../../electron/core/core';
import { summarize, summaryOfKey, type SummaryRow } from '../../electron/core/customers/customer-repo';
import { mergeAllPendingKeys, pendingKeyCount } from '../../electron/core/customers/pending-keys';
import { openDatabase } from '../../electron/core/db/connection';
import { databasePath } from '../../electron/core/paths';
import type { CustomerSummary } from '../../shared/api/intake-contract';
import { TEST_CLOCK_START } from '../support/desk';
import { openHistoryDesk } from '../support/history-desk';
import { asSchema19 } from '../support/schema-19';

const CLIENT = 'key-summary-test';
let core: Core;
let dataDir: string;
let keyHex: string;
let managerId: string;

beforeEach(async () => {
  // Some customers' keys merged into the search index, the newest still waiting for the merge.
  ({ core, dataDir, keyHex, managerId } = await openHistoryDesk('name-keys', CLIENT, [
    { customers: 150, seed: 11, daysAgo: 20 },
    { customers: 60, seed: 12, daysAgo: 5 },
  ]));
});

afterEach(() => core.close());

interface KeyRow {
  kind: string;
  term: string;
  customer_id: string;
  summary: string | null;
}
const keys = (): KeyRow[] =>
  core.db.prepare('SELECT kind, term, customer_id, summary FROM customer_search_pending UNION ALL SELECT kind, term, customer_id, summary FROM customer_search ORDER BY kind, term, customer_id').all() as KeyRow[];
const customer = (id: string): SummaryRow => core.db.prepare('SELECT id, name, mobile, id_number, birth_date, grade FROM customers WHERE id = ?').get(id) as SummaryRow;

/** Every key, of every kind, carries its customer's row as it is now. */
function expectKeysInStep(): void {
  const all = keys();
  expect(new Set(all.map((key) => key.kind))).toEqual(new Set(['name', 'pinyin', 'initials', 'mobile', 'mobile4', 'id', 'id4']));
  const wrong = all.filter((key) => JSON.stringify(summaryOfKey(key.customer_id, key.summary)) !== JSON.stringify(customer(key.customer_id)));
  expect(wrong, 'keys whose list columns differ from their customer').toEqual([]);
}

async function search(query: string): Promise<CustomerSummary[]> {
  const response = await core.handle(CLIENT, { id: 1, method: 'customers.search', input: { query, limit: 500 } });
  if (!response.result.ok) throw new Error(`${response.result.error.code}: ${response.result.error.message}`);
  return response.result.value as CustomerSummary[];
}

/**
 * The list for a prefix of keys of the kinds given, in turn, worked out from the customers table:
 * the customers under keys starting with it, those still waiting for the merge first (the newest),
 * each part in key order, each customer once, each customer's row as stored.
 */
function listFromCustomers(prefix: string, kinds: readonly string[] = ['name']): CustomerSummary[] {
  const under = (table: string, kind: string): string[] =>
    (core.db.prepare(`SELECT term, customer_id FROM ${table} WHERE kind = ? ORDER BY term, customer_id`).all(kind) as Array<{ term: string; customer_id: string }>).filter((key) => key.term.startsWith(prefix)).map((key) => key.customer_id);
  const ids = [...new Set(kinds.flatMap((kind) => [...under('customer_search_pending', kind), ...under('customer_search', kind)]))].slice(0, 500);
  return ids.map((id) => summarize(customer(id), ['search']));
}

function changeCustomer(id: string, changes: Record<string, string>): void {
  core.services.transact(() => core.services.ops.append(managerId, { entity: 'customer', entityId: id, changes }));
}

describe('what a search key carries of its customer', () => {
  it('every key carries its customer\'s list columns, merged or still waiting for the merge', () => {
    expect(pendingKeyCount(core.db)).toBeGreaterThan(0);
    expectKeysInStep();
    mergeAllPendingKeys(core.db);
    expectKeysInStep();
  });

  it('a search by surname lists exactly what the customers table says, in key order', async () => {
    const surnames = core.db.prepare('SELECT substr(name, 1, 1) AS s FROM customers GROUP BY s ORDER BY count(*) DESC LIMIT 3').pluck().all() as string[];
    let listed = 0;
    for (const surname of surnames) {
      const got = await search(surname);
      expect(got).toEqual(listFromCustomers(surname.toLowerCase()));
      listed += got.length;
    }
    expect(listed).toBeGreaterThan(10);
  });

  it('a search by pinyin, by initials or by the first digits of a phone lists exactly what the customers table says', async () => {
    const spelling = core.db.prepare("SELECT term FROM customer_search WHERE kind = 'pinyin' GROUP BY substr(term, 1, 2) ORDER BY count(*) DESC LIMIT 1").pluck().get() as string;
    const initials = core.db.prepare("SELECT term FROM customer_search WHERE kind = 'initials' LIMIT 1").pluck().get() as string;
    const mobile = core.db.prepare("SELECT term FROM customer_search WHERE kind = 'mobile' LIMIT 1").pluck().get() as string;
    // Letters: initials first, then full spellings, each customer once (customer-service.ts).
    for (const letters of [spelling.slice(0, 2), spelling.slice(0, 3), initials]) {
      const got = await search(letters);
      expect(got).toEqual(listFromCustomers(letters, ['initials', 'pinyin']));
      expect(got.length).toBeGreaterThan(0);
    }
    // Digits short of a whole phone: the mobiles that start with them, then the ID numbers.
    for (const digits of [mobile.slice(0, 1), mobile.slice(0, 3), mobile.slice(0, 6)]) {
      const got = await search(digits);
      expect(got).toEqual(listFromCustomers(digits, ['mobile', 'id']));
      expect(got.length).toBeGreaterThan(0);
    }
    // A customer under several spellings is listed once, and a short page is still full: every
    // page size gives the first customers of the whole list, in key order.
    const multiple = core.db.prepare("SELECT count(*) FROM (SELECT customer_id FROM customer_search_all WHERE kind = 'pinyin' GROUP BY customer_id HAVING count(*) > 1)").pluck().get() as number;
    expect(multiple).toBeGreaterThan(0);
    const everyone = listFromCustomers('', ['pinyin']).map((row) => row.id);
    for (const size of [1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144]) {
      expect(core.services.customers.byKeyPrefix('pinyin', '', size).map((row) => row.id)).toEqual(everyone.slice(0, size));
    }
    // Last four digits: mobiles, then ID numbers, ending in them.
    const last4 = mobile.slice(-4);
    const ending = (kind: string): string[] => core.db.prepare(`SELECT customer_id FROM customer_search_all WHERE kind = ? AND term = ?`).pluck().all(kind, last4) as string[];
    expect(new Set((await search(last4)).map((row) => row.id))).toEqual(new Set([...ending('mobile4'), ...ending('id4')]));
  });

  it('follows a grade, a phone number and a name that change, on merged and waiting keys', async () => {
    const merged = core.db.prepare("SELECT customer_id FROM customer_search WHERE kind = 'name' LIMIT 1").pluck().get() as string;
    const waiting = core.db.prepare("SELECT customer_id FROM customer_search_pending WHERE kind = 'name' LIMIT 1").pluck().get() as string;
    for (const id of [merged, waiting]) {
      const grade = customer(id).grade === 'vip' ? 'ordinary' : 'vip';
      changeCustomer(id, { grade });
      expectKeysInStep();
      expect((await search(customer(id).name)).find((row) => row.id === id)?.grade).toBe(grade);

      changeCustomer(id, { mobile: '13912345678' });
      expectKeysInStep();
      expect((await search(customer(id).name)).find((row) => row.id === id)?.mobile).toBe(summarize(customer(id), ['search']).mobile);

      changeCustomer(id, { name: '欧阳新名' });
      expectKeysInStep();
      expect((await search('欧阳新')).map((row) => row.id)).toContain(id);
    }
    mergeAllPendingKeys(core.db);
    expectKeysInStep();
  });

  it('a desk from before the list columns keeps every key and has them once it opens', async () => {
    const before = keys().map(({ kind, term, customer_id }) => `${kind}|${term}|${customer_id}`);
    const surname = customer(keys().find((key) => key.kind === 'name')?.customer_id ?? '').name.slice(0, 1);
    core.close();
    // The database as schema 17 left it: keys with their facets, no list columns, no trigger.
    const old = openDatabase(databasePath(dataDir), keyHex);
    old.exec(`
      PRAGMA legacy_alter_table = ON;
      DROP TRIGGER customers_key_summary;
      DROP VIEW customer_search_all;
      CREATE TABLE search_17 (kind TEXT NOT NULL, term TEXT NOT NULL, customer_id TEXT NOT NULL, facets INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (kind, term, customer_id)) STRICT, WITHOUT ROWID;
      INSERT INTO search_17 SELECT kind, term, customer_id, facets FROM customer_search;
      DROP TABLE customer_search;
      ALTER TABLE search_17 RENAME TO customer_search;
      CREATE INDEX customer_search_by_customer ON customer_search (customer_id);
      ALTER TABLE customer_search_pending DROP COLUMN summary;
      CREATE VIEW customer_search_all (kind, term, customer_id) AS
        SELECT kind, term, customer_id FROM customer_search_pending UNION ALL SELECT kind, term, customer_id FROM customer_search;
      DROP TRIGGER intake_counts_insert; DROP TRIGGER intake_counts_update; DROP TRIGGER intake_counts_delete; DROP TABLE intake_counts;
      PRAGMA user_version = 17;
    `);
    old.close();
    core = openCore({ dataDir, keyHex, appVersion: 'test', now: () => TEST_CLOCK_START });
    expect(keys().map(({ kind, term, customer_id }) => `${kind}|${term}|${customer_id}`)).toEqual(before);
    expectKeysInStep();
    // The facet triggers the rebuild had to set aside are back: an intake that changes still moves its customer's bits.
    expect(core.db.prepare("SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND name LIKE 'intakes_facets_%'").pluck().get()).toBe(3);
    core.services.sessions.start(CLIENT, managerId, TEST_CLOCK_START);
    expect(await search(surname)).toEqual(listFromCustomers(surname.toLowerCase()));
  });

  it('a desk where only name keys carry them has them on every key once it opens', async () => {
    const before = keys().map(({ kind, term, customer_id }) => `${kind}|${term}|${customer_id}`);
    const spelling = keys().find((key) => key.kind === 'pinyin')?.term.slice(0, 2) ?? 'zh';
    core.close();
    const old = openDatabase(databasePath(dataDir), keyHex);
    asSchema19(old);
    old.close();
    core = openCore({ dataDir, keyHex, appVersion: 'test', now: () => TEST_CLOCK_START });
    expect(keys().map(({ kind, term, customer_id }) => `${kind}|${term}|${customer_id}`)).toEqual(before);
    expectKeysInStep();
    // Schema 18's trigger, which followed name keys only, is gone; this version's follows every key.
    expect(core.db.prepare("SELECT name FROM sqlite_schema WHERE type = 'trigger' AND name LIKE 'customers_%key_summary'").pluck().all()).toEqual(['customers_key_summary']);
    expect(core.db.prepare("SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND name LIKE 'intakes_facets_%'").pluck().get()).toBe(3);
    core.services.sessions.start(CLIENT, managerId, TEST_CLOCK_START);
    expect(await search(spelling)).toEqual(listFromCustomers(spelling, ['initials', 'pinyin']));
    const waiting = core.db.prepare("SELECT customer_id FROM customer_search_pending WHERE kind = 'mobile' LIMIT 1").pluck().get() as string;
    changeCustomer(waiting, { grade: customer(waiting).grade === 'vip' ? 'ordinary' : 'vip' });
    expectKeysInStep();
  });
});
