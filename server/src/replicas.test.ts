import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { PullResponse, PushResponse } from '../../shared/api/sync-contract';
import { buildServer } from './app';
import { httpTransport, postgresBackend, TestDesk, type OpenedBackend } from './test-support';

const url = process.env.DATABASE_URL;
const T0 = 1_800_000_000_000;

// Two server processes' worth of state (each its own Fastify, pool and rate limiter) on one PostgreSQL.
describe.skipIf(!url)('two server replicas on one PostgreSQL', () => {
  let opened: OpenedBackend | undefined;
  const apps: FastifyInstance[] = [];
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
    await opened?.cleanup();
  });

  it('serve the same desks interchangeably: enrol, push, pull, replay and revoke across replicas', async () => {
    opened = await postgresBackend(url ?? '').open();
    const clock = (): number => T0;
    const second = await opened.second?.();
    if (!second) throw new Error('no second connection');
    for (const db of [opened.db, second]) {
      const app = await buildServer({ db, now: clock });
      await app.listen({ port: 0, host: '127.0.0.1' });
      apps.push(app);
    }
    const [one, two] = apps.map((app) => {
      const address = app.server.address();
      if (address === null || typeof address === 'string') throw new Error('not listening');
      return httpTransport(`http://127.0.0.1:${address.port}`);
    }) as [ReturnType<typeof httpTransport>, ReturnType<typeof httpTransport>];

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
});
