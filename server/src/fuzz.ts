/** `npm run fuzz:server -- --requests N [--seed S]`: last line `fuzz:server: N requests, C crashes`. */
import { openPglite } from './db';
import { migrate } from './migrations';
import { runFuzz } from './fuzz-run';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const value = (name: string, fallback: number): number => {
    const index = args.indexOf(name);
    const number = index >= 0 ? Number(args[index + 1]) : fallback;
    if (!Number.isSafeInteger(number) || number < 0) throw new Error(`${name} must be a whole number`);
    return number;
  };
  const requests = value('--requests', 10_000);
  const seed = value('--seed', 1);
  const db = await openPglite(undefined);
  await migrate(db);
  const result = await runFuzz({ db, requests, seed });
  await db.close();
  console.log(`statuses: ${Object.entries(result.statuses).map(([status, count]) => `${status}×${count}`).join(' ')}`);
  for (const example of result.examples) console.log(`crash: ${example}`);
  console.log(`fuzz:server: ${result.requests} requests, ${result.crashes} crashes`);
  process.exit(result.crashes === 0 ? 0 : 1);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : 'fuzz failed');
  process.exit(2);
});
