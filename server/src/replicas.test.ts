import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PullResponse, PushResponse } from '../../shared/api/sync-contract';
import { httpTransport, postgresBackend, TestDesk, type OpenedBackend, type Transport } from './test-support';

const url = process.env.DATABASE_URL;
const SERVER = path.resolve('dist/server/server.cjs');
vi.setConfig({ testTimeout: 120_000 });

/** Starts the built server as its own process on this PostgreSQL schema; resolves with its base URL. */
function startReplica(schema: string, children: ChildProcess[], extra: readonly string[] = []): Promise<string> {
  const separator = (url ?? '').includes('?') ? '&' : '?';
  const databaseUrl = `${url}${separator}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  const child = spawn(process.execPath, [SERVER, '--port', '0', '--quiet', ...extra], { env: { ...process.env, DATABASE_URL: databaseUrl }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const match = /Intake Desk server listening at (\S+)\n/.exec(out);
      if (match?.[1]) resolve(match[1]);
    });
    child.on('exit', (code) => reject(new Error(`replica exited with ${code}`)));
  });
}

// Two server processes (each its own pool, nonce checks through the database, its own rate limiter) on one PostgreSQL.
describe.skipIf(!url)('two server replicas on one PostgreSQL', () => {
  let opened: OpenedBackend | undefined;
  const children: ChildProcess[] = [];
  afterEach(async () => {
    for (const child of children.splice(0)) child.kill('SIGTERM');
    await opened?.cleanup();
  });

  it('serve the same desks interchangeably: enrol, push, pull, replay and revoke across replicas', async () => {
    opened = await postgresBackend(url ?? '').open();
    // The replicas' clock is the real one, so the desks sign with it too.
    const clock = (): number => Date.now();
    const [one, two] = (await Promise.all([startReplica(opened.schema ?? '', children), startReplica(opened.schema ?? '', children)])).map(httpTransport) as [Transport, Transport];

    const manager = new TestDesk('site_r', 'dev_replica_manager', clock);
    expect((await manager.call(one, 'POST', '/v1/register', { organisationId: 'org_r', siteId: 'site_r', desk: manager.keys() })).status).toBe(201);
    const desk = new TestDesk('site_r', 'dev_replica_second', clock);
    expect((await desk.call(two, 'POST', '/v1/desks/enrol', { siteId: 'site_r', desk: desk.keys() })).status).toBe(201);
    const wrapped = { recipientDeskId: desk.deskId, keyVersion: 1, wrappedBy: manager.deskId, algorithm: 'test', nonce: 'AAAA', ciphertext: 'BBBB' };
    expect((await manager.call(one, 'POST', '/v1/desks/approve', { deskId: desk.deskId, keys: [wrapped] })).status).toBe(200);

    // Both desks push through both replicas at once; the site's cursor stays gap-free and ordered.
    const key = randomBytes(32);
    const batches = await Promise.all([
      manager.call<PushResponse>(one, 'POST', '/v1/ops/push', { ops: [1, 2, 3].map((n) => manager.op(key, { n })) }),
      desk.call<PushResponse>(two, 'POST', '/v1/ops/push', { ops: [1, 2, 3].map((n) => desk.op(key, { n })) }),
    ]);
    expect(batches.map((b) => b.body.acked[0]?.highestContiguousSeq)).toEqual([3, 3]);
    const fromOne = await desk.call<PullResponse>(one, 'GET', '/v1/ops/pull');
    const fromTwo = await manager.call<PullResponse>(two, 'GET', '/v1/ops/pull');
    expect(fromOne.body.ops.map((op) => op.cursor)).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(fromTwo.body).toEqual(fromOne.body);

    // A request seen by one replica is a replay at the other.
    const headers = desk.sign('GET', '/v1/desks', '', 'shared-nonce-000000001');
    expect((await one({ method: 'GET', url: '/v1/desks', headers })).status).toBe(200);
    const replay = await two({ method: 'GET', url: '/v1/desks', headers });
    expect([replay.status, (replay.body as { error: { code: string } }).error.code]).toEqual([401, 'replayed']);

    // Revoked through one, refused by the other.
    expect((await manager.call(one, 'POST', '/v1/desks/revoke', { deskId: desk.deskId })).status).toBe(200);
    const refused = await desk.call(two, 'GET', '/v1/ops/pull');
    expect([refused.status, (refused.body as { error: { code: string } }).error.code]).toEqual([403, 'desk_revoked']);
  });

  it('count each desk’s requests in the database: the two replicas share one limit per desk', async () => {
    opened = await postgresBackend(url ?? '').open();
    const clock = (): number => Date.now();
    // A bucket of 4 that refills one request in 1,000 s: nothing refills while the test runs.
    const limits = ['--rate-burst', '4', '--rate-per-second', '0.001'];
    const [one, two] = (await Promise.all([startReplica(opened.schema ?? '', children, limits), startReplica(opened.schema ?? '', children, limits)])).map(httpTransport) as [Transport, Transport];
    const manager = new TestDesk('site_l', 'dev_limit_manager', clock);
    expect((await manager.call(one, 'POST', '/v1/register', { organisationId: 'org_l', siteId: 'site_l', desk: manager.keys() })).status).toBe(201);
    const statuses: number[] = [];
    for (const replica of [two, one, two, one, two]) statuses.push((await manager.call(replica, 'GET', '/v1/desks')).status);
    // Registration took one of four: three more in all, whichever replica answers, then refused at both.
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    // Another desk has a bucket of its own.
    const other = new TestDesk('site_l', 'dev_limit_other', clock);
    expect((await other.call(two, 'POST', '/v1/desks/enrol', { siteId: 'site_l', desk: other.keys() })).status).toBe(201);
  });
});
