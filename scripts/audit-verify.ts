/**
 * `npm run audit:verify -- --data-dir DIR`: checks the audit chain of a desk's database, reading the
 * key the way the browser host does (the key file) and asking for nothing. The keyed chain and the
 * signed head beside the database are checked with keys derived from that key. Exit 0 when intact,
 * 1 naming the first broken entry (or where the log was cut short), 2 when the database cannot be opened.
 */
import { AuditHeadFile, AuditLog } from '../electron/core/audit/audit-log';
import { deriveDeskKeys } from '../electron/core/crypto/desk-keys';
import { openDatabase } from '../electron/core/db/connection';
import { readOrCreateKeyFile } from '../electron/core/db/key-file';
import { MetaRepo } from '../electron/core/db/meta-repo';
import { assertNotTooNew } from '../electron/core/db/migrations';
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

try {
  const dataDir = dataDirFromArgs(process.argv.slice(2));
  const keyHex = readOrCreateKeyFile(dataDir, { create: false });
  const keys = deriveDeskKeys(keyHex);
  const db = openDatabase(databasePath(dataDir), keyHex);
  db.pragma('query_only = ON');
  assertNotTooNew(db);
  const chain = { key: keys.auditChain, head: AuditHeadFile.inDataDir(dataDir, keys) };
  const result = new AuditLog(db, { now: Date.now, deviceId: new MetaRepo(db).get('device_id') ?? 'unknown' }, chain).verify();
  db.close();
  if (result.ok) {
    process.stdout.write(`audit chain intact: ${result.entries} entries\n`);
    process.exit(0);
  }
  process.stdout.write(`audit chain BROKEN at entry ${result.firstBrokenSeq}: ${result.problem}\n`);
  process.exit(1);
} catch (error) {
  process.stderr.write(`audit:verify could not read the database: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
}
