// Issue 12 (docs/decisions/0031): new search keys wait in a small table until a quiet moment merges
// them into the search index. A customer is found by every key from the moment they are written,
// merged or not; a change of name takes the old keys away wherever they are; the merge moves keys
// in slices and changes nothing anyone can see; the desk's worker merges on its own once it is quiet.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCore, type Core } from '../../electron/core/core';
import { generateKeyHex } from '../../electron/core/db/key-file';
import { initializeDesk } from '../../electron/core/staff/staff-service';
import { mergeAllPendingKeys, mergePendingKeys, pendingKeyCount } from '../../electron/core/customers/pending-keys';
import { projectionDigest } from '../../electron/core/oplog/digest';
import type { CustomerSummary } from '../../shared/api/intake-contract';
import { defaultConsent } from '../../shared/domain/intake/consent';
import { emptyIntakeFields, type IntakeFields } from '../../shared/domain/intake/fields';
import { seededRandom } from '../../shared/domain/demo';
import { writeDemoHistory } from '../../scripts/demo-history';
import { openDesk } from '../support/backup';
import { TEST_CLOCK_START, connect, expectOk, setUpDesk, startDesk, tempDataDir } from '../support/desk';

const CLIENT = 'pending-keys-test';
let core: Core;
let managerId: string;

beforeEach(async () => {
  core = openCore({ dataDir: tempDataDir('pending-keys'), keyHex: generateKeyHex(), appVersion: 'test', now: () => TEST_CLOCK_START });
  managerId = await initializeDesk(core.services, { organisationName: '待合并', siteName: '待合并', deskName: '待合并', manager: { username: 'keys.manager', displayName: '键经理', password: 'Pending2026x' } });
  // Other customers around the one a test looks for, some of them under the same keys.
  const team = { specialists: [managerId, managerId], lead: managerId, manager: managerId };
  core.services.transact(() => writeDemoHistory(core.services, team, 120, seededRandom(31), TEST_CLOCK_START - 10 * 86_400_000));
  mergeAllPendingKeys(core.db);
  core.services.sessions.start(CLIENT, managerId, TEST_CLOCK_START);
});

afterEach(() => core.close());

async function search(query: string, filters: { source?: string } = {}): Promise<string[]> {
  const response = await core.handle(CLIENT, { id: 1, method: 'customers.search', input: { query, limit: 500, ...filters } });
  if (!response.result.ok) throw new Error(`${response.result.error.code}: ${response.result.error.message}`);
  return (response.result.value as CustomerSummary[]).map((row) => row.id);
}

function writeCustomer(changes: Record<string, string>, id = core.services.ctx.randomId('cus')): string {
  core.services.transact(() => core.services.ops.append(managerId, { entity: 'customer', entityId: id, changes }));
  return id;
}

const mergedKeysOf = (customerId: string): number => (core.db.prepare('SELECT count(*) AS n FROM customer_search WHERE customer_id = ?').get(customerId) as { n: number }).n;
const waitingKeysOf = (customerId: string): number => (core.db.prepare('SELECT count(*) AS n FROM customer_search_pending WHERE customer_id = ?').get(customerId) as { n: number }).n;

/** Every kind of query a counter types for 单雪 (surname read shàn), 138 1234 5678, 11010519491231002X. */
const QUERIES = ['单雪', '单', 'shanxue', 'shan', 'sx', 's', '13812345678', '138123', '1', '5678', '11010519491231002X', '002X', '110105'];

describe('search keys waiting for the merge', () => {
  it('find a customer by every key before the merge and after it, with a filter too', async () => {
    const draft = expectOk((await core.handle(CLIENT, { id: 2, method: 'intake.draft.start', input: { customerId: null } })).result);
    const fields: IntakeFields = { ...emptyIntakeFields(), name: '单雪', mobile: '13812345678', idNumber: '11010519491231002X', addressProvince: '吉林省', emergencyName: '单强', emergencyMobile: '13900001111', skiDiscipline: 'ski', skiAbility: 'beginner' };
    const submitted = expectOk((await core.handle(CLIENT, { id: 3, method: 'intake.submit', input: { draftId: (draft as { id: string }).id, fields, consent: { ...defaultConsent(), idConsent: true }, customerId: null, customerPresent: true } })).result) as { customerId: string };
    const id = submitted.customerId;

    expect(waitingKeysOf(id)).toBeGreaterThan(5);
    expect(mergedKeysOf(id)).toBe(0);
    for (const query of QUERIES) expect(await search(query), `before the merge: ${query}`).toContain(id);
    expect(await search('单', { source: 'walk_in' })).toContain(id);
    const before = projectionDigest(core.db).digest;

    const waiting = waitingKeysOf(id);
    expect(mergeAllPendingKeys(core.db)).toBe(waiting);
    expect(pendingKeyCount(core.db)).toBe(0);
    expect(mergedKeysOf(id)).toBe(waiting);
    for (const query of QUERIES) expect(await search(query), `after the merge: ${query}`).toContain(id);
    expect(await search('单', { source: 'walk_in' })).toContain(id);
    // The same keys, wherever they are: a desk that merged and one that did not hold the same data.
    expect(projectionDigest(core.db).digest).toBe(before);
  });

  it('take a changed name’s old keys away, merged or still waiting, and find the new ones at once', async () => {
    const merged = writeCustomer({ name: '钱多多', mobile: '13900002222', idNumber: '' });
    mergeAllPendingKeys(core.db);
    const waiting = writeCustomer({ name: '孙悟饭', mobile: '13900003333', idNumber: '' });
    expect(mergedKeysOf(merged)).toBeGreaterThan(0);
    expect(waitingKeysOf(waiting)).toBeGreaterThan(0);

    writeCustomer({ name: '钱满满' }, merged);
    writeCustomer({ name: '孙悟天' }, waiting);
    expect(mergedKeysOf(merged)).toBe(0);
    for (const [id, gone, now] of [[merged, '钱多多', '钱满满'], [waiting, '孙悟饭', '孙悟天']] as const) {
      expect(await search(gone), gone).not.toContain(id);
      expect(await search(now), now).toContain(id);
      expect(await search(now === '钱满满' ? 'qianmanman' : 'sunwutian'), now).toContain(id);
    }
    mergeAllPendingKeys(core.db);
    expect(await search('钱多多')).not.toContain(merged);
    expect(await search('孙悟天')).toContain(waiting);
    expect(await search('qmm')).toContain(merged);
  });

  it('merge in slices of at most the keys asked for, in key order, and stop early when told', () => {
    writeCustomer({ name: '周杰', mobile: '13900004444', idNumber: '' });
    writeCustomer({ name: '吴敏', mobile: '13900005555', idNumber: '' });
    const total = pendingKeyCount(core.db);
    const first = core.db.prepare('SELECT kind, term, customer_id FROM customer_search_pending ORDER BY kind, term, customer_id LIMIT 3').all();
    expect(mergePendingKeys(core.db, 3)).toBe(3);
    expect(pendingKeyCount(core.db)).toBe(total - 3);
    for (const key of first) expect(core.db.prepare('SELECT 1 FROM customer_search WHERE kind = :kind AND term = :term AND customer_id = :customer_id').get(key)).toBeDefined();
    // A time budget that has run out still moves one key, so a slice always makes progress.
    expect(mergePendingKeys(core.db, 10, () => false)).toBe(1);
    expect(pendingKeyCount(core.db)).toBe(total - 4);
    expect(mergePendingKeys(core.db, 1_000)).toBe(total - 4);
    expect(mergePendingKeys(core.db, 1_000)).toBe(0);
  });
});

describe('the desk’s worker', () => {
  it('merges a submit’s keys in the quiet moment after it, and the customer is found all along', async () => {
    const desk = await startDesk();
    try {
      const manager = await connect(desk);
      await setUpDesk(manager);
      const draft = expectOk(await manager.call('intake.draft.start', { customerId: null }));
      const fields: IntakeFields = { ...emptyIntakeFields(), name: '林静', mobile: '13712345678', idNumber: '11010519491231002X', addressProvince: '吉林省', emergencyName: '林强', emergencyMobile: '13900001111', skiDiscipline: 'ski', skiAbility: 'beginner' };
      const { customerId } = expectOk(await manager.call('intake.submit', { draftId: draft.id, fields, consent: { ...defaultConsent(), idConsent: true }, customerId: null, customerPresent: true }));
      const found = async (query: string): Promise<boolean> => expectOk(await manager.call('customers.search', { query, limit: 50 })).some((row) => row.id === customerId);
      expect(await found('linjing')).toBe(true);
      const db = openDesk(desk.dataDir);
      try {
        const keys = (table: string): number => (db.prepare(`SELECT count(*) AS n FROM ${table} WHERE customer_id = ?`).get(customerId) as { n: number }).n;
        const until = Date.now() + 10_000;
        while ((keys('customer_search_pending') > 0 || keys('customer_search') === 0) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 100));
        expect(keys('customer_search_pending')).toBe(0);
        expect(keys('customer_search')).toBeGreaterThan(3);
      } finally {
        db.close();
      }
      for (const query of ['林静', 'linjing', 'lj', '13712345678', '5678']) expect(await found(query), query).toBe(true);
      manager.close();
    } finally {
      await desk.close();
    }
  });
});
