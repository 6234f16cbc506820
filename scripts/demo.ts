/**
 * `npm run demo -- --customers N [--data-dir DIR] [--seed S]`: fills a data folder with realistic
 * synthetic customers, each with one to three intakes from every source and in every review state,
 * review events, repeat visits and corrections, all through the op log's one apply path, like real
 * entries (scripts/demo-history.ts). A new folder is set up with a demo manager whose credentials
 * are printed, and demo staff (same password).
 */
import { version } from '../package.json';
import { openCore } from '../electron/core/core';
import { withBulkCache } from '../electron/core/customers/import';
import { DEMO_STAFF, writeDemoHistory } from './demo-history';
import { confirmRecoveryKey, pendingRecoveryKey } from '../electron/core/backup/keyring';
import { readOrCreateKeyFile } from '../electron/core/db/key-file';
import { defaultDataDir } from '../electron/core/paths';
import { createStaff, initializeDesk, isSetUp } from '../electron/core/staff/staff-service';
import { seededRandom } from '../shared/domain/demo';

const DEMO_MANAGER = { username: 'demo.manager', displayName: '演示经理', password: 'Demo2026x' };

function argument(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? (process.argv[index + 1] ?? fallback) : fallback;
}

async function main(): Promise<void> {
  const count = Number(argument('customers', '1000'));
  if (!Number.isInteger(count) || count < 1) throw new Error('--customers needs a positive whole number');
  const dataDir = argument('data-dir', defaultDataDir());
  const core = openCore({ dataDir, keyHex: readOrCreateKeyFile(dataDir), appVersion: version });
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
    const batch = 2_000;
    const started = performance.now();
    let intakes = 0;
    withBulkCache(core.services, 1024 ** 3, () => {
      for (let done = 0; done < count; done += batch) {
        const size = Math.min(batch, count - done);
        core.services.transact(() => {
          intakes += writeDemoHistory(core.services, team, size, random, core.services.ctx.now() - 30 * 86_400_000);
          core.services.audit.append(manager.id, 'customer.import', null, { count: size });
        });
        if (count > batch) process.stdout.write(`\r${done + size} / ${count} customers`);
      }
    });
    core.db.pragma('optimize');
    console.log(`\nAdded ${count} demo customers with ${intakes} intakes to ${dataDir} in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
  } finally {
    core.close();
  }
}

main().catch((error: unknown) => {
  console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
