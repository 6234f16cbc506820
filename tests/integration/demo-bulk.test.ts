// Issue 12: `npm run demo` loads fast by building the secondary indexes after the load, and measures
// itself beside raw SQLCipher inserts of the same rows in the same database — leaving the database
// exactly as the load made it.
import { afterEach, describe, expect, it } from 'vitest';
import { openCore, type Core } from '../../electron/core/core';
import { generateKeyHex } from '../../electron/core/db/key-file';
import type { Db } from '../../electron/core/db/connection';
import { openDatabase } from '../../electron/core/db/connection';
import { migrate } from '../../electron/core/db/migrations';
import { allOps, firstDifference, project, projectionDigest } from '../../electron/core/oplog/digest';
import { seededRandom } from '../../shared/domain/demo';
import { writeDemoHistory } from '../../scripts/demo-history';
import { deferIndexes, restoreIndexes } from '../../scripts/demo-indexes';
import { markBatch, rawBaseline } from '../../scripts/demo-baseline';
import { databasePath } from '../../electron/core/paths';
import { tempDataDir } from '../support/desk';

let core: Core | undefined;
afterEach(() => core?.close());

const team = { specialists: ['stf_demo-a-000001', 'stf_demo-b-000001'], lead: 'stf_demo-l-000001', manager: 'stf_demo-m-000001' };
const schema = (db: Db): string[] => (db.prepare("SELECT type || ' ' || name || ' ' || coalesce(sql, '') AS entry FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name").all() as Array<{ entry: string }>).map((row) => row.entry);
const count = (db: Db, table: string): number => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

function openDesk(label: string, dataDir = tempDataDir(label), keyHex = generateKeyHex()): Core {
  return openCore({ dataDir, keyHex, appVersion: 'test', now: () => Date.UTC(2026, 0, 10) });
}

describe('demo bulk load', () => {
  it('builds the deferred indexes again after a load, and the data is what the apply path makes with every index in place', () => {
    core = openDesk('demo-bulk');
    const { services, db } = core;
    const before = schema(db);
    expect(deferIndexes(db)).toBeGreaterThan(5);
    expect(schema(db).length).toBeLessThan(before.length);
    services.transact(() => writeDemoHistory(services, team, 200, seededRandom(8), Date.UTC(2025, 11, 1)));
    restoreIndexes(db);
    expect(schema(db)).toEqual(before);
    // The same load with every index in place gives the same tables.
    const indexed = openDesk('demo-indexed');
    indexed.services.transact(() => writeDemoHistory(indexed.services, team, 200, seededRandom(8), Date.UTC(2025, 11, 1)));
    const rows = (target: Db) => ['customers', 'intakes', 'review_events', 'customer_search', 'field_writes', 'ops'].map((table) => count(target, table));
    expect(rows(db)).toEqual(rows(indexed.db));
    indexed.close();
    const scratch = openDatabase(':memory:', generateKeyHex());
    migrate(scratch);
    project(scratch, allOps(db));
    expect(firstDifference(db, scratch)).toBeNull();
    scratch.close();
  });

  it('repairs a load that died with its indexes dropped, at the next run', () => {
    const dataDir = tempDataDir('demo-interrupted');
    const keyHex = generateKeyHex();
    core = openDesk('demo-interrupted', dataDir, keyHex);
    const before = schema(core.db);
    deferIndexes(core.db);
    core.close();
    core = undefined;
    // The next run restores on a plain connection first, then the core opens as before.
    const plain = openDatabase(databasePath(dataDir), keyHex);
    expect(restoreIndexes(plain)).toBeGreaterThan(5);
    expect(restoreIndexes(plain)).toBe(0);
    plain.close();
    core = openDesk('demo-interrupted', dataDir, keyHex);
    expect(schema(core.db)).toEqual(before);
  });

  it('measures raw inserts of the last batch in the same database and leaves it exactly as it was', () => {
    core = openDesk('demo-baseline');
    const { services, db } = core;
    services.transact(() => writeDemoHistory(services, team, 100, seededRandom(2), Date.UTC(2025, 11, 1)));
    const mark = markBatch(db);
    services.transact(() => writeDemoHistory(services, team, 100, seededRandom(3), Date.UTC(2025, 11, 20)));
    const digest = projectionDigest(db).digest;
    const ops = count(db, 'ops');
    const shape = schema(db);
    const result = rawBaseline(db, mark);
    // Every row of the batch: its ops, customers, intakes, review events, search keys and field writes.
    expect(result.rows).toBe(['ops', 'customers', 'intakes', 'review_events'].reduce((sum, table) => sum + (db.prepare(`SELECT count(*) AS n FROM ${table} WHERE rowid > ?`).get(mark[table as keyof typeof mark]) as { n: number }).n, 0) + (db.prepare('SELECT count(*) AS n FROM customer_search WHERE customer_id IN (SELECT id FROM customers WHERE rowid > ?)').get(mark.customers) as { n: number }).n + (db.prepare('SELECT count(*) AS n FROM field_writes WHERE customer_id IN (SELECT id FROM customers WHERE rowid > ?)').get(mark.customers) as { n: number }).n);
    expect(result.seconds).toBeGreaterThan(0);
    expect(projectionDigest(db).digest).toBe(digest);
    expect(count(db, 'ops')).toBe(ops);
    // The append-only triggers are back.
    expect(schema(db)).toEqual(shape);
    expect(() => db.prepare('DELETE FROM ops WHERE rowid = (SELECT max(rowid) FROM ops)').run()).toThrow(/append-only/);
  });
});
