/**
 * `npm run demo -- --customers N [--data-dir DIR] [--seed S]`: fills a data folder with realistic
 * synthetic customers, each with one to three intakes from every source and in every review state,
 * review events, repeat visits and corrections, all through the op log's one apply path, like real
 * entries (scripts/demo-history.ts). A new folder is set up with a demo manager whose credentials
 * are printed, and demo staff (same password).
 */
import fs from 'node:fs';
import { version } from '../package.json';
import { openCore } from '../electron/core/core';
import { openDatabase, type Db } from '../electron/core/db/connection';
import { withBulkCache } from '../electron/core/customers/import';
import { DEMO_STAFF, writeDemoHistory } from './demo-history';
import { markBatch, rawBaseline, type BatchMark } from './demo-baseline';
import { deferIndexes, restoreIndexes } from './demo-indexes';
import { mergeAllPendingKeys } from '../electron/core/customers/pending-keys';
import { confirmRecoveryKey, pendingRecoveryKey } from '../electron/core/backup/keyring';
import { readOrCreateKeyFile } from '../electron/core/db/key-file';
import { databasePath, defaultDataDir } from '../electron/core/paths';
import { createStaff, initializeDesk, isSetUp } from '../electron/core/staff/staff-service';
import { seededRandom } from '../shared/domain/demo';

/** Customers per transaction: each batch is one IMMEDIATE transaction through the op log. */
const BATCH = 2_000;

const DEMO_MANAGER = { username: 'demo.manager', displayName: '演示经理', password: 'Demo2026x' };

/** Rows in the tables a demo load writes. */
function projectedRows(db: Db): number {
  return ['ops', 'customers', 'customer_search', 'field_writes', 'intakes', 'review_events'].reduce((sum, table) => sum + (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n, 0);
}

function argument(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? (process.argv[index + 1] ?? fallback) : fallback;
}

async function main(): Promise<void> {
  const count = Number(argument('customers', '1000'));
  if (!Number.isInteger(count) || count < 1) throw new Error('--customers needs a positive whole number');
  const dataDir = argument('data-dir', defaultDataDir());
  const keyHex = readOrCreateKeyFile(dataDir);
  if (fs.existsSync(databasePath(dataDir))) {
    // A run that died half way left indexes dropped: put them back before the core prepares its queries.
    const plain = openDatabase(databasePath(dataDir), keyHex);
    try {
      if (restoreIndexes(plain) > 0) console.log('restored the indexes an interrupted demo run had deferred');
    } finally {
      plain.close();
    }
  }
  const core = openCore({ dataDir, keyHex, appVersion: version });
  try {
    if (!isSetUp(core.services)) {
      const managerId = await initializeDesk(core.services, { organisationName: '演示滑雪度假区', siteName: '演示雪场', deskName: '演示柜台', manager: DEMO_MANAGER });
      console.log(`Set up a demo desk in ${dataDir}: sign in as ${DEMO_MANAGER.username} / ${DEMO_MANAGER.password}`);
      // Shown once, the way a real first desk shows it to be printed; the desk does not keep it.
      console.log(`recovery key: ${pendingRecoveryKey(core.services) ?? ''}`);
      confirmRecoveryKey(core.services, managerId);
    }
    const manager = core.services.staff.byUsername(DEMO_MANAGER.username) ?? core.services.staff.all().find((staff) => staff.role === 'manager');
    if (!manager) throw new Error('this desk has no manager to own the demo data');
    for (const [username, displayName, role] of DEMO_STAFF) {
      if (!core.services.staff.byUsername(username)) await createStaff(core.services, manager.id, { username, displayName, role, certified: true, password: DEMO_MANAGER.password, passwordSetByStaff: true });
    }
    const id = (username: string): string => core.services.staff.byUsername(username)?.id ?? manager.id;
    const team = { specialists: [id('demo.specialist1'), id('demo.specialist2')], lead: id('demo.lead'), manager: manager.id };
    const random = seededRandom(Number(argument('seed', '20261122')));
    const batch = Math.min(BATCH, count);
    const rowsBefore = projectedRows(core.db);
    const customersBefore = (core.db.prepare('SELECT count(*) AS n FROM customers').get() as { n: number }).n;
    const started = performance.now();
    // Only a load that at least doubles the customers is worth rebuilding every index after.
    const deferred = count >= customersBefore ? deferIndexes(core.db) : 0;
    let intakes = 0;
    let lastMark: BatchMark | null = null;
    let indexSeconds = 0;
    withBulkCache(core.services, 1024 ** 3, () => {
      try {
        for (let done = 0; done < count; done += batch) {
          const size = Math.min(batch, count - done);
          if (done + batch >= count) lastMark = markBatch(core.db);
          core.services.transact(() => {
            intakes += writeDemoHistory(core.services, team, size, random, core.services.ctx.now() - 30 * 86_400_000);
            // A bulk load merges its search keys with its batch, in key order (docs/decisions/0031).
            mergeAllPendingKeys(core.db);
            core.services.audit.append(manager.id, 'customer.import', null, { count: size });
          });
          if (count > batch) process.stdout.write(`\r${done + size} / ${count} customers`);
        }
      } finally {
        const building = performance.now();
        restoreIndexes(core.db);
        indexSeconds = (performance.now() - building) / 1000;
      }
    });
    const seconds = (performance.now() - started) / 1000;
    const rows = projectedRows(core.db) - rowsBefore;
    console.log(`\nAdded ${count} demo customers with ${intakes} intakes to ${dataDir} in ${seconds.toFixed(1)} s (${Math.round(count / seconds)} customers/s).`);
    if (deferred > 0) console.log(`(${deferred} secondary indexes were built after the load, in ${indexSeconds.toFixed(1)} s of that)`);
    if (lastMark && !process.argv.includes('--no-baseline')) {
      // The baseline goes last, into the database at its full size with every index (issue 12).
      const baseline = withBulkCache(core.services, 1024 ** 3, () => rawBaseline(core.db, lastMark as BatchMark));
      const demoRate = rows / seconds;
      const rawRate = baseline.rows / baseline.seconds;
      console.log(`demo: ${rows} rows (ops, customers, search keys, field writes, intakes, review events) through the op log: ${Math.round(demoRate)} rows/s`);
      console.log(`baseline, same run, same database: the last batch's ${baseline.rows} rows again as raw SQLCipher INSERTs, one transaction: ${baseline.seconds.toFixed(2)} s, ${Math.round(rawRate)} rows/s`);
      console.log(`ratio to raw inserts: ${(demoRate / rawRate).toFixed(2)} (target >= 0.5)`);
    }
    core.db.pragma('optimize');
  } finally {
    core.close();
  }
}

main().catch((error: unknown) => {
  console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
