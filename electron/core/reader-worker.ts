/**
 * The reader worker (electron/core/long-reads.ts): opens a second connection to the desk's database,
 * read-only, runs one long read and posts its progress (`{ progress: { done, total } }`, a few times a
 * second at most), then its answer. It never writes; the core records the outcome.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { AuditHeadFile, AuditLog } from './audit/audit-log';
import { deriveDeskKeys } from './crypto/desk-keys';
import { openDatabase } from './db/connection';
import { MetaRepo } from './db/meta-repo';
import type { FromReader, ReaderWorkerData } from './long-reads';
import { databasePath } from './paths';

const port = parentPort;
if (!port) throw new Error('the reader must run in a worker thread');
const data = workerData as ReaderWorkerData;

let answer: FromReader;
try {
  const keys = deriveDeskKeys(data.keyHex);
  const db = openDatabase(databasePath(data.dataDir), data.keyHex);
  try {
    db.pragma('query_only = ON');
    const chain = { key: keys.auditChain, head: AuditHeadFile.inDataDir(data.dataDir, keys) };
    const audit = new AuditLog(db, { now: Date.now, deviceId: new MetaRepo(db).get('device_id') ?? 'unknown' }, chain);
    const progress = (done: number, total: number): void => port.postMessage({ progress: { done, total } } satisfies FromReader);
    answer = { ok: true, result: audit.verify(progress) };
  } finally {
    db.close();
  }
} catch (error) {
  answer = { ok: false, message: error instanceof Error ? error.message : 'the reader failed' };
}
port.postMessage(answer);
