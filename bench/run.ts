/** `npm run bench`: every benchmark, each printed beside a baseline measured in the same run. */
import path from 'node:path';
import { benchCustomers } from './customers';
import { benchPlatform } from './platform';

async function main(): Promise<void> {
  const distDir = path.resolve(__dirname, '..');
  console.log(`Intake Desk benchmarks — Node ${process.version}, ${process.platform}/${process.arch}`);
  const index = process.argv.indexOf('--customers');
  const customers = index >= 0 ? Number(process.argv[index + 1]) : 1_000_000;
  await benchPlatform(distDir);
  await benchCustomers(customers);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
