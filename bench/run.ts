/** `npm run bench`: every benchmark, each printed beside a baseline measured in the same run. */
import path from 'node:path';
import { benchCustomers } from './customers';
import { benchOplog } from './oplog';
import { benchPlatform } from './platform';
import { benchServerPush } from './server';
import { benchSyncPull } from './sync';

async function main(): Promise<void> {
  const distDir = path.resolve(__dirname, '..');
  console.log(`Intake Desk benchmarks — Node ${process.version}, ${process.platform}/${process.arch}`);
  const index = process.argv.indexOf('--customers');
  const customers = index >= 0 ? Number(process.argv[index + 1]) : 1_000_000;
  const only = process.argv.indexOf('--only');
  if (only >= 0 && process.argv[only + 1] === 'oplog') {
    benchOplog();
    return;
  }
  if (only >= 0 && process.argv[only + 1] === 'server') {
    await benchServerPush();
    return;
  }
  const pullIndex = process.argv.indexOf('--pull-ops');
  const rssOps = pullIndex >= 0 ? Number(process.argv[pullIndex + 1]) : 1_000_000;
  if (only >= 0 && process.argv[only + 1] === 'sync') {
    benchSyncPull(100_000, rssOps);
    return;
  }
  await benchPlatform(distDir);
  benchOplog();
  await benchServerPush();
  benchSyncPull(100_000, rssOps);
  await benchCustomers(customers);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
