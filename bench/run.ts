/** `npm run bench`: every benchmark, each printed beside a baseline measured in the same run. */
import path from 'node:path';
import { benchPlatform } from './platform';

async function main(): Promise<void> {
  const distDir = path.resolve(__dirname, '..');
  console.log(`Intake Desk benchmarks — Node ${process.version}, ${process.platform}/${process.arch}`);
  await benchPlatform(distDir);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
