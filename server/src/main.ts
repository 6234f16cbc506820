/**
 * `npm run server -- [--data-dir DIR] [--port N] [--host H] [--tls-cert FILE --tls-key FILE] [--trust-proxy]`
 *
 * With `DATABASE_URL` set it stores in PostgreSQL; otherwise in PGlite under the data folder
 * (default `./intake-server-data`). Prints `Intake Desk server listening at <url>` once it answers.
 * `INTAKE_REGISTRATION_TOKEN`, when set, is required to register a new organisation.
 * `--public-url URL` (or `INTAKE_PUBLIC_URL`) is the address customers reach the online form at (the
 * poster's QR code); without it the address the desk used is taken.
 */
import fs from 'node:fs';
import path from 'node:path';
import { buildServer } from './app';
import { openPglite, openPostgres, type Database } from './db';
import { migrate } from './migrations';

function option(args: readonly string[], name: string): string | undefined {
  const index = args.indexOf(name);
  if (index < 0) return undefined;
  const value = args[index + 1];
  if (value === undefined || value.startsWith('--')) throw new Error(`${name} needs a value`);
  return value;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const portText = option(args, '--port') ?? process.env.PORT ?? '8787';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('--port must be a whole number from 0 to 65535');
  const host = option(args, '--host') ?? '127.0.0.1';
  const certFile = option(args, '--tls-cert');
  const keyFile = option(args, '--tls-key');
  if ((certFile === undefined) !== (keyFile === undefined)) throw new Error('--tls-cert and --tls-key go together');
  // Each desk's token bucket (counted in the database, shared by every replica): burst and refill per second.
  const burst = Number(option(args, '--rate-burst') ?? 300);
  const perSecond = Number(option(args, '--rate-per-second') ?? 100);
  if (!Number.isInteger(burst) || burst < 1) throw new Error('--rate-burst must be a whole number of at least 1');
  if (!Number.isFinite(perSecond) || perSecond <= 0) throw new Error('--rate-per-second must be a number above 0');

  let db: Database;
  const url = process.env.DATABASE_URL;
  if (url) {
    db = await openPostgres({ connectionString: url, max: Number(process.env.DATABASE_POOL ?? 10) });
  } else {
    const dataDir = path.resolve(option(args, '--data-dir') ?? 'intake-server-data');
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    db = await openPglite(dataDir);
  }
  await migrate(db);

  const app = await buildServer({
    db,
    ...(process.env.INTAKE_REGISTRATION_TOKEN ? { registrationToken: process.env.INTAKE_REGISTRATION_TOKEN } : {}),
    ...(certFile && keyFile ? { tls: { cert: fs.readFileSync(certFile), key: fs.readFileSync(keyFile) } } : {}),
    trustProxy: args.includes('--trust-proxy'),
    rateLimit: { burst, perSecond },
    // The customer's page is built next to this bundle (scripts/build.mjs: dist/online-page).
    pageDir: path.join(__dirname, '..', 'online-page'),
    ...((option(args, '--public-url') ?? process.env.INTAKE_PUBLIC_URL) ? { publicUrl: option(args, '--public-url') ?? process.env.INTAKE_PUBLIC_URL } : {}),
    // Unprocessed submissions past their site's retention are erased (leaving tombstones) every hour.
    retentionSweepMs: 60 * 60 * 1000,
    ...(args.includes('--quiet') ? {} : { log: (line: string) => console.log(line) }),
  });
  const address = await app.listen({ port, host });
  console.log(`Intake Desk server listening at ${address}`);

  let closing = false;
  const stop = (): void => {
    if (closing) return;
    closing = true;
    void app
      .close()
      .then(() => db.close())
      .finally(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`Intake Desk server failed to start: ${error instanceof Error ? error.message : 'unknown error'}`);
  process.exit(1);
});
