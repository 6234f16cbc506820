/**
 * `npm run rebuild -- --data-dir DIR`: re-derives every projection from the op log into a scratch
 * database and compares it with the live one (decision record 0005). Last line
 * `rebuild: tables N rows M identical yes`, or `identical no` with the first difference and exit 1;
 * exit 2 when the database cannot be read. The live database is brought to this version's schema
 * first (as opening it in the app would), then only read.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../electron/core/db/connection';
import { generateKeyHex, readOrCreateKeyFile } from '../electron/core/db/key-file';
import { assertNotTooNew, migrate } from '../electron/core/db/migrations';
import { allOps, firstDifference, project, projectionDigest } from '../electron/core/oplog/digest';
import { databasePath, defaultDataDir } from '../electron/core/paths';

function dataDirFromArgs(argv: string[]): string {
  const index = argv.indexOf('--data-dir');
  if (index >= 0) {
    const value = argv[index + 1];
    if (!value) throw new Error('--data-dir needs a folder');
    return value;
  }
  return defaultDataDir();
}

let scratchDir: string | null = null;
try {
  const dataDir = dataDirFromArgs(process.argv.slice(2));
  const live = openDatabase(databasePath(dataDir), readOrCreateKeyFile(dataDir, { create: false }));
  assertNotTooNew(live);
  migrate(live);
  live.pragma('query_only = ON');
  scratchDir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-desk-rebuild-'));
  const scratch = openDatabase(path.join(scratchDir, 'scratch.db'), generateKeyHex());
  migrate(scratch);
  const ops = allOps(live);
  project(scratch, ops);
  const { tables, rows } = projectionDigest(live);
  const difference = firstDifference(live, scratch);
  live.close();
  scratch.close();
  process.stdout.write(`replayed ${ops.length} ops\n`);
  if (difference) {
    process.stdout.write(`rebuild: tables ${tables} rows ${rows} identical no (first difference: ${difference})\n`);
    process.exitCode = 1;
  } else {
    process.stdout.write(`rebuild: tables ${tables} rows ${rows} identical yes\n`);
  }
} catch (error) {
  process.stderr.write(`rebuild could not read the database: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
} finally {
  if (scratchDir) fs.rmSync(scratchDir, { recursive: true, force: true });
}
