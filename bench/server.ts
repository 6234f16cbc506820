/**
 * Push throughput of the sync server on loopback: signed HTTP batches of 1,000 sealed ops (schema check,
 * signature check of the request and of every op, store once, contiguous ack) beside a raw baseline:
 * the same rows inserted straight into the same `ops` table with the same multi-row INSERT, no HTTP.
 * PostgreSQL when DATABASE_URL is set, otherwise PGlite in a temp folder. Target (issue 10): ≥ 5,000 ops/s
 * to PostgreSQL.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { buildServer } from '../server/src/app';
import { openPglite, openPostgres, quoteIdent, type Database } from '../server/src/db';
import { migrate } from '../server/src/migrations';
import { httpTransport, TestDesk } from '../server/src/test-support';
import type { PushResponse, WireOp } from '../shared/api/sync-contract';
import { ed25519VerifyRate } from './verify-rate';

const BATCH = 1_000;

export async function openBench(): Promise<{ db: Database; label: string; done: () => Promise<void> }> {
  const url = process.env.DATABASE_URL;
  if (url) {
    const schema = `bench_${randomBytes(4).toString('hex')}`;
    const admin = await openPostgres({ connectionString: url, max: 1 });
    await admin.query(`CREATE SCHEMA ${quoteIdent(schema)}`);
    const db = await openPostgres({ connectionString: url, schema });
    return {
      db,
      label: 'PostgreSQL',
      done: async () => {
        await db.close();
        await admin.query(`DROP SCHEMA ${quoteIdent(schema)} CASCADE`);
        await admin.close();
      },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-bench-server-'));
  const db = await openPglite(dir);
  return { db, label: 'PGlite', done: async () => (await db.close(), fs.rmSync(dir, { recursive: true, force: true })) };
}

export async function benchServerPush(count = 20_000): Promise<void> {
  const { db, label, done } = await openBench();
  try {
    await migrate(db);
    const app = await buildServer({ db, rateLimit: { burst: 1_000_000, perSecond: 1_000_000 } });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    if (address === null || typeof address === 'string') throw new Error('not listening');
    const http = httpTransport(`http://127.0.0.1:${address.port}`);
    const desk = new TestDesk('site_bench', 'dev_bench_desk_1', Date.now);
    await desk.call(http, 'POST', '/v1/register', { organisationId: 'org_bench', siteId: 'site_bench', desk: desk.keys() });
    // The desk's work (sealing, and signing each batch once with its manifest: decision 0022) is done first.
    const key = randomBytes(32);
    const sealed: WireOp[] = Array.from({ length: count }, (_, index) => desk.op(key, { name: `bench ${index}`, mobile: '13800000000', note: 'x'.repeat(120) }));
    const batches = Array.from({ length: Math.ceil(count / BATCH) }, (_, n) => desk.manifest(sealed.slice(n * BATCH, (n + 1) * BATCH)));
    const ops = batches.flatMap((batch) => batch.ops);

    const started = performance.now();
    for (let index = 0; index < ops.length; index += BATCH) {
      const answer = await desk.call<PushResponse>(http, 'POST', '/v1/ops/push', batches[index / BATCH]);
      if (answer.status !== 200 || answer.body.stored !== Math.min(BATCH, count - index)) throw new Error(`push answered ${answer.status}`);
    }
    const pushSeconds = (performance.now() - started) / 1000;
    await app.close();

    // Raw baseline: the same rows, same table shape, same INSERT … SELECT unnest, straight to the database.
    await db.exec('CREATE TABLE bench_raw_ops (LIKE ops INCLUDING ALL)');
    const rawStarted = performance.now();
    for (let index = 0; index < ops.length; index += BATCH) {
      const batch = ops.slice(index, index + BATCH);
      const cols: unknown[][] = Array.from({ length: 14 }, () => []);
      batch.forEach((op, offset) => {
        [index + offset + 1, op.opId, op.seq, op.hlc, op.entity, op.entityId, op.kind ?? null, op.schemaVersion, op.keyVersion, op.payloadBytes, op.nonce, op.ciphertext, op.signature ?? op.manifestId, 0].forEach((value, column) => cols[column]?.push(value));
      });
      await db.transaction((tx) =>
        tx.query(
          `INSERT INTO bench_raw_ops (site_id, device_id, cursor, op_id, seq, hlc, entity, entity_id, kind, schema_version, key_version, payload_bytes, nonce, ciphertext, signature, stored_at)
           SELECT $1, $2, * FROM unnest($3::bigint[], $4::text[], $5::bigint[], $6::text[], $7::text[], $8::text[], $9::text[], $10::int[], $11::int[], $12::int[], $13::text[], $14::text[], $15::text[], $16::bigint[])`,
          ['site_bench', desk.deskId, ...cols],
        ),
      );
    }
    const rawSeconds = (performance.now() - rawStarted) / 1000;
    const pushRate = count / pushSeconds;
    const rawRate = count / rawSeconds;
    console.log(`\nServer push on loopback (${label}, ${count} ops in batches of ${BATCH})`);
    console.log(`  push over HTTP (verify request + manifest + op hashes, store): ${Math.round(pushRate).toLocaleString('en')} ops/s`);
    console.log(`  raw INSERT of the same rows (baseline):                     ${Math.round(rawRate).toLocaleString('en')} ops/s`);
    console.log(`  Ed25519 verifications alone, thread pool, this machine now:  ${Math.round(await ed25519VerifyRate()).toLocaleString('en')} /s (once per batch now, was once per op)`);
    console.log(`  ratio ${(pushRate / rawRate).toFixed(2)}×; target ≥ 5,000 ops/s to PostgreSQL: ${pushRate >= 5000 ? 'met' : 'not met'}`);
  } finally {
    await done();
  }
}
