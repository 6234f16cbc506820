/**
 * `npm run fuzz -- --messages 100000 [--seed N]`: starts the browser host as a child process on a
 * new data folder and fuzzes it over its WebSocket (scripts/fuzz/engine.ts). The last line is
 * exactly `fuzz: N messages, K crashes`; the exit code is 0 only when K is 0.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runFuzz, setUpForFuzz } from './fuzz/engine';
import { redeemLaunchUrl, startHostProcess } from './fuzz/host-process';

function numberArg(argv: string[], name: string): number | undefined {
  const index = argv.indexOf(name);
  if (index < 0) return undefined;
  const value = Number(argv[index + 1]);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} needs a whole number`);
  return value;
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const messages = numberArg(argv, '--messages') ?? 100_000;
  const seed = numberArg(argv, '--seed');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-desk-fuzz-'));
  const host = await startHostProcess(path.join(__dirname, '..', 'electron', 'browser-host.cjs'), dataDir);
  try {
    const target = {
      origin: host.origin,
      cookie: await redeemLaunchUrl(host.launchUrl),
      credentials: { username: 'fuzz.manager', password: 'FuzzManager2026' },
      alive: host.alive,
      workerRestarts: host.workerRestarts,
    };
    await setUpForFuzz(target);
    const started = Date.now();
    const report = await runFuzz(target, { messages, ...(seed !== undefined ? { seed } : {}), progress: (line) => process.stderr.write(`${line}\n`) });
    for (const problem of report.problems) process.stdout.write(`  ${problem}\n`);
    for (const line of host.errors().slice(0, 10)) process.stdout.write(`  host: ${line.slice(0, 300)}\n`);
    process.stdout.write(`(${((Date.now() - started) / 1000).toFixed(1)} s, ${report.signedInRounds} rounds signed in, ${report.internal} INTERNAL answers)\n`);
    process.stdout.write(`fuzz: ${report.messages} messages, ${report.crashes} crashes\n`);
    return report.crashes === 0 ? 0 : 1;
  } finally {
    await host.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`fuzz could not run: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
