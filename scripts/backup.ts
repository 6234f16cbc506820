/**
 * `npm run backup -- --data-dir DIR --out FILE`: writes an encrypted backup of a desk's data folder.
 * Works while the desk is running (the snapshot is a consistent read of the live database). Reads
 * the database key the way the browser host does (the key file). Exit 0 with a one-line summary,
 * 1 naming what is wrong.
 */
import path from 'node:path';
import { version } from '../package.json';
import { BackupError } from '../electron/core/backup/archive';
import { backupFileName, createBackup } from '../electron/core/backup/operations';
import { readOrCreateKeyFile } from '../electron/core/db/key-file';
import { defaultDataDir } from '../electron/core/paths';
import { argument } from './cli-args';

async function main(): Promise<void> {
  const dataDir = argument(process.argv, 'data-dir') ?? defaultDataDir();
  const now = Date.now();
  const out = argument(process.argv, 'out') ?? path.join(process.cwd(), backupFileName(now));
  const result = await createBackup({ dataDir, keyHex: readOrCreateKeyFile(dataDir, { create: false }), out, appVersion: version, now });
  const { counts } = result;
  process.stdout.write(`backed up: customers ${counts.customers} intakes ${counts.intakes} ops ${counts.ops} attachments ${counts.attachments} to ${result.file} (sha256 ${result.sha256})\n`);
}

main().catch((error: unknown) => {
  const code = error instanceof BackupError ? ` (${error.code})` : '';
  process.stderr.write(`backup failed${code}: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
