/** `npm run bench`: every benchmark, each printed beside a baseline measured in the same run. */
import path from 'node:path';
import { benchCustomers } from './customers';
import { benchOplog } from './oplog';
import { benchPlatform } from './platform';
import { benchServerPush } from './server';

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
  await benchPlatform(distDir);
  benchOplog();
  await benchServerPush();
  await benchCustomers(customers);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
