// Issue 12: a filter with no query answers in pages by keyset. Paging through every page lists each
// matching customer exactly once, newest matching intake first, and ends; nothing is skipped between
// pages, whatever the page size.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCore, type Core } from '../../electron/core/core';
import { generateKeyHex } from '../../electron/core/db/key-file';
import { initializeDesk } from '../../electron/core/staff/staff-service';
import type { CustomerSummary } from '../../shared/api/intake-contract';
import { seededRandom } from '../../shared/domain/demo';
import { writeDemoHistory } from '../../scripts/demo-history';
import { TEST_CLOCK_START, tempDataDir } from '../support/desk';

let core: Core;
const CLIENT = 'paging-test';

interface Filters {
  /** Empty unless a test searches with a query and filters together. */
  query?: string;
  source?: string;
  status?: string;
  grade?: 'vip' | 'ordinary';
  from?: string;
  to?: string;
}

beforeAll(async () => {
  core = openCore({ dataDir: tempDataDir('paging'), keyHex: generateKeyHex(), appVersion: 'test', now: () => TEST_CLOCK_START });
  const managerId = await initializeDesk(core.services, { organisationName: '分页', siteName: '分页', deskName: '分页', manager: { username: 'page.manager', displayName: '分页经理', password: 'Paging2026x' } });
  const team = { specialists: [managerId, managerId], lead: managerId, manager: managerId };
  core.services.transact(() => writeDemoHistory(core.services, team, 400, seededRandom(12), new Date('2026-05-06T20:00:00').getTime()));
  core.services.sessions.start(CLIENT, managerId, TEST_CLOCK_START);
});

afterAll(() => core.close());

async function page(filters: Filters, limit: number, after?: string): Promise<CustomerSummary[]> {
  const response = await core.handle(CLIENT, { id: 1, method: 'customers.search', input: { query: '', limit, ...filters, ...(after ? { after } : {}) } });
  if (!response.result.ok) throw new Error(`${response.result.error.code}: ${response.result.error.message}`);
  return response.result.value as CustomerSummary[];
}

async function everyPage(filters: Filters, limit: number): Promise<string[]> {
  const ids: string[] = [];
  let after: string | undefined;
  for (let pages = 0; pages < 1_000; pages += 1) {
    const rows = await page(filters, limit, after);
    ids.push(...rows.map((row) => row.id));
    if (rows.length < limit) return ids;
    after = rows.at(-1)?.cursor;
    expect(after, 'every row of a filter page carries a cursor').toBeTypeOf('string');
  }
  throw new Error('paging did not end');
}

/** The same answer worked out the slow way: every matching intake, newest per customer, newest first. */
function expected(filters: Filters): string[] {
  const dayStart = (iso: string): number => new Date(`${iso}T00:00:00`).getTime();
  const rows = core.db.prepare('SELECT i.id, i.customer_id, i.source, i.status, i.submitted_at, c.grade, c.created_at FROM intakes i JOIN customers c ON c.id = i.customer_id').all() as Array<{ id: string; customer_id: string; source: string; status: string; submitted_at: number; grade: string; created_at: number }>;
  const matching = rows.filter((row) =>
    (!filters.source || row.source === filters.source) &&
    (!filters.status || row.status === filters.status) &&
    (!filters.grade || row.grade === filters.grade) &&
    (!filters.from || row.submitted_at >= dayStart(filters.from)) &&
    (!filters.to || row.submitted_at < dayStart(filters.to) + 86_400_000));
  const newest = new Map<string, { at: number; id: string }>();
  for (const row of matching) {
    const seen = newest.get(row.customer_id);
    if (!seen || row.submitted_at > seen.at || (row.submitted_at === seen.at && row.id > seen.id)) newest.set(row.customer_id, { at: row.submitted_at, id: row.id });
  }
  return [...newest.entries()].sort(([, x], [, y]) => y.at - x.at || (y.id > x.id ? 1 : -1)).map(([customerId]) => customerId);
}

describe('filters with no query, in pages', () => {
  it('lists every walk-in customer once, newest first, across pages of any size', async () => {
    const want = expected({ source: 'walk_in' });
    expect(want.length).toBeGreaterThan(100);
    for (const limit of [1, 7, 50, 500]) expect(await everyPage({ source: 'walk_in' }, limit), `pages of ${limit}`).toEqual(want);
  });

  it('pages a status filter, combined filters and a date range the same way', async () => {
    const cases: Filters[] = [
      { status: 'pending_cross_check' },
      { status: 'valid', grade: 'vip' },
      { source: 'paper_form', status: 'returned' },
      { from: '2026-05-07', to: '2026-05-07' },
      { source: 'online', from: '2026-05-07' },
    ];
    for (const filters of cases) {
      const want = expected(filters);
      expect(want.length, JSON.stringify(filters)).toBeGreaterThan(0);
      expect(await everyPage(filters, 9), JSON.stringify(filters)).toEqual(want);
    }
  });

  it('pages the grade alone by when customers registered, each once', async () => {
    const want = (core.db.prepare("SELECT id FROM customers WHERE grade = 'ordinary' ORDER BY created_at DESC, id DESC").all() as Array<{ id: string }>).map((row) => row.id);
    expect(want.length).toBeGreaterThan(10);
    expect(await everyPage({ grade: 'ordinary' }, 11)).toEqual(want);
  });

  it('refuses a cursor it did not give out, naming the field', async () => {
    const response = await core.handle(CLIENT, { id: 1, method: 'customers.search', input: { query: '', source: 'walk_in', after: "1'; DROP TABLE intakes" } });
    expect(response.result.ok).toBe(false);
    if (!response.result.ok) {
      expect(response.result.error.code).toBe('VALIDATION');
      expect(response.result.error.fields).toEqual({ after: 'invalid' });
    }
  });
});

describe('a query with filters', () => {
  /** Customers with a mobile or an ID number starting with `digits` and an intake passing the filters, found the slow way. */
  function slowWay(digits: string, filters: { source?: string; status?: string }): Set<string> {
    const rows = core.db.prepare("SELECT s.customer_id, s.kind, s.term FROM customer_search_all s WHERE s.kind IN ('mobile', 'id')").all() as Array<{ customer_id: string; term: string }>;
    const intakes = core.db.prepare('SELECT customer_id, source, status FROM intakes').all() as Array<{ customer_id: string; source: string; status: string }>;
    const passing = new Set(intakes.filter((row) => (!filters.source || row.source === filters.source) && (!filters.status || row.status === filters.status)).map((row) => row.customer_id));
    return new Set(rows.filter((row) => row.term.startsWith(digits) && passing.has(row.customer_id)).map((row) => row.customer_id));
  }

  it('keeps every customer both the query and the filters match, not only those among the query\'s first matches', async () => {
    for (const filters of [{ source: 'walk_in' }, { source: 'paper_form', status: 'returned' }]) {
      const want = slowWay('1', filters);
      expect(want.size, JSON.stringify(filters)).toBeGreaterThan(0);
      const all = (await page({ ...filters, query: '1' }, 500)).map((row) => row.id);
      expect(new Set(all), JSON.stringify(filters)).toEqual(want);
      expect(all.length, 'each customer once').toBe(want.size);
      // A smaller page is full of customers that match, each once.
      const few = (await page({ ...filters, query: '1' }, 7)).map((row) => row.id);
      expect(few.length).toBe(Math.min(7, want.size));
      expect(few.every((id) => want.has(id))).toBe(true);
      expect(new Set(few).size).toBe(few.length);
    }
  });
});
