/**
 * `npm run bench -- --customers N [--samples S] [--only real|submit|queues|cold|paint|rss|oplog|platform|start|server|sync|online|online-desk|backup]`: every benchmark, each
 * printed beside a baseline measured in the same run. The real-path figures (bench/real-path.ts) go
 * through the browser host's WebSocket and the core worker on a season-old demo database.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { benchOplog } from './oplog';
import { benchPlatform } from './platform';
import { benchStartToSignIn } from './start';
import { benchServerPush } from './server';
import { benchOnlineSubmissions } from './online';
import { benchSyncPull } from './sync';
import { benchPaintOnly, benchRealPath } from './real-path';
import { benchOnlineDesk } from './online-desk';
import { benchBackupDuringEntry } from './backup';
import { benchSearchSessionRss } from './rss';
import { loadAverage } from './real-path';

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

async function main(): Promise<void> {
  const distDir = path.resolve(__dirname, '..');
  console.log(`Intake Desk benchmarks — Node ${process.version}, ${process.platform}/${process.arch}`);
  console.log(`Command: npm run bench -- ${process.argv.slice(2).join(' ')}`);
  console.log(`Started: ${new Date().toISOString()}; load average ${loadAverage()} (1, 5, 15 min)`);
  const customers = Number(argument('customers') ?? 1_000_000);
  const samples = Number(argument('samples') ?? 200);
  if (!Number.isInteger(customers) || customers < 1 || !Number.isInteger(samples) || samples < 1) throw new Error('--customers and --samples need positive whole numbers');
  const only = argument('only');
  if (only === undefined || only === 'platform') await benchPlatform(distDir);
  if (only === undefined || only === 'platform' || only === 'start') await benchStartToSignIn(distDir);
  if (only === undefined || only === 'oplog') benchOplog();
  if (only === undefined || only === 'server') await benchServerPush();
  if (only === undefined || only === 'online') await benchOnlineSubmissions(Number(argument('submissions') ?? 2_000));
  if (only === undefined || only === 'sync') {
    await benchSyncPull(Number(argument('sync-ops') ?? 100_000), 0);
    // The desk's RSS through a long pull, in a fresh process that loads the core alone (bench/sync-rss.ts):
    // nothing of the run above, nor of the other benchmarks' bundle, is counted.
    const pullOps = Number(argument('pull-ops') ?? 1_000_000);
    if (pullOps > 0) spawnSync(process.execPath, [path.join(path.dirname(__filename), 'sync-rss.cjs'), '--pull-ops', String(pullOps)], { stdio: 'inherit' });
  }
  if (only === 'sync-rss') spawnSync(process.execPath, [path.join(path.dirname(__filename), 'sync-rss.cjs'), '--pull-ops', argument('pull-ops') ?? '1000000'], { stdio: 'inherit' });
  if (only === undefined || only === 'online-desk') await benchOnlineDesk(Math.min(samples, 500));
  if (only === undefined || only === 'backup') await benchBackupDuringEntry(distDir, Number(argument('backup-customers') ?? 20_000), Math.min(samples, 500));
  if (only === undefined || only === 'real') await benchRealPath(distDir, customers, samples);
  // The submit figures of the real path alone, with where a submit's time goes (bench/real-path.ts).
  if (only === 'submit') await benchRealPath(distDir, customers, samples, { submitOnly: true });
  if (only === 'queues') await benchRealPath(distDir, customers, samples, { only: 'queues' });
  if (only === 'cold') await benchRealPath(distDir, customers, samples, { only: 'cold' });
  if (only === 'paint') await benchPaintOnly(distDir, customers, samples);
  // In a process of its own (the host's RSS is read from /proc), on the database the real path made.
  if (only === undefined || only === 'rss') await benchSearchSessionRss(distDir, customers, Number(argument('searches') ?? 20_000));
  console.log(`Finished: ${new Date().toISOString()}; load average ${loadAverage()} (1, 5, 15 min)`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
