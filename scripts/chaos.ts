/**
 * `npm run chaos -- --desks N --ops M --seed S [--keep DIR]`: the central server (Fastify + PGlite)
 * and N desk cores (each its own SQLCipher database) sync through a fault-injecting proxy that
 * drops requests, drops answers after the server acted on them (a cut mid-batch), duplicates and
 * delays requests (so they arrive reordered); desks are killed mid-sync (their database closed
 * under them, then reopened from the same folder) and the server is restarted. Then the network
 * heals, every desk syncs until quiet, and the run checks every desk and the server:
 *
 *   chaos: desks N ops M lost 0 duplicated 0 converged yes digest <hex>
 *
 * `lost`: ops made on some desk missing from the server or from another desk. `duplicated`: ops
 * the server holds more than once (by device + sequence, or by op id). With `--keep DIR` the
 * server's data stays in DIR/server/ and DIR/plaintext-sample.txt lists personal values that were
 * synced (for searching the server's files for them).
 *
 * Limits, said plainly: desks run in this process (a kill closes the database mid-flight rather
 * than sending SIGKILL to a process), and clocks are real (the server checks request timestamps).
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { buildServer } from '../server/src/app';
import { openPglite, type Database } from '../server/src/db';
import { migrate } from '../server/src/migrations';
import { openCore, type Core } from '../electron/core/core';
import { startDraft, submitWalkIn } from '../electron/core/intake/intake-service';
import { decide } from '../electron/core/review/review-service';
import { projectionDigest } from '../electron/core/oplog/digest';
import { defaultConsent } from '../shared/domain/intake/consent';
import { demoCustomer, seededRandom } from '../shared/domain/demo';

function intArg(argv: string[], name: string, fallback: number): number {
  const index = argv.indexOf(name);
  if (index < 0) return fallback;
  const value = Number(argv[index + 1]);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} needs a whole number`);
  return value;
}

const STAFF = [['stf_chaos-a-00000001', 'specialist'], ['stf_chaos-b-00000001', 'specialist'], ['stf_chaos-lead-00001', 'group_lead']] as const;

interface Faults {
  on: boolean;
  drop: number;
  cutAnswer: number;
  duplicate: number;
  delayMs: number;
}

/** A proxy in front of the server that misbehaves as `faults` say. */
function faultProxy(target: () => number, faults: Faults, random: () => number): http.Server {
  return http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const forward = (): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> =>
        new Promise((resolve, reject) => {
          const upstream = http.request({ host: '127.0.0.1', port: target(), method: request.method, path: request.url, headers: request.headers }, (answer) => {
            const parts: Buffer[] = [];
            answer.on('data', (part: Buffer) => parts.push(part));
            answer.on('end', () => resolve({ status: answer.statusCode ?? 502, headers: answer.headers, body: Buffer.concat(parts) }));
            answer.on('error', reject);
          });
          upstream.on('error', reject);
          upstream.end(body);
        });
      const act = async (): Promise<void> => {
        if (faults.on && random() < faults.drop) return void request.socket.destroy();
        if (faults.on && faults.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * faults.delayMs)));
        const duplicate = faults.on && random() < faults.duplicate;
        const answer = await forward();
        if (duplicate) await forward().catch(() => undefined);
        if (faults.on && random() < faults.cutAnswer) return void request.socket.destroy();
        response.writeHead(answer.status, answer.headers);
        response.end(answer.body);
      };
      act().catch(() => request.socket.destroy());
    });
  });
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const deskCount = Math.max(2, intArg(argv, '--desks', 3));
  const opsWanted = intArg(argv, '--ops', 200);
  const seed = intArg(argv, '--seed', 1);
  const keepIndex = argv.indexOf('--keep');
  const keep = keepIndex >= 0 ? argv[keepIndex + 1] : undefined;
  if (keepIndex >= 0 && !keep) throw new Error('--keep needs a folder');
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const root = keep ? path.resolve(keep) : fs.mkdtempSync(path.join(os.tmpdir(), 'intake-desk-chaos-'));
  fs.mkdirSync(root, { recursive: true });
  const serverDir = path.join(root, 'server');
  fs.mkdirSync(serverDir, { recursive: true });

  // The server, restartable on its data folder.
  let serverPort = 0;
  let serverDb: Database | null = null;
  let app: Awaited<ReturnType<typeof buildServer>> | null = null;
  const startServer = async (): Promise<void> => {
    serverDb = await openPglite(serverDir);
    await migrate(serverDb);
    app = await buildServer({ db: serverDb, rateLimit: { burst: 100_000, perSecond: 100_000 } });
    await app.listen({ port: serverPort, host: '127.0.0.1' });
    const address = app.server.address();
    serverPort = typeof address === 'object' && address ? address.port : serverPort;
  };
  const stopServer = async (): Promise<void> => {
    await app?.close();
    await serverDb?.close();
    app = null;
    serverDb = null;
  };
  await startServer();
  const faults: Faults = { on: false, drop: 0.1, cutAnswer: 0.1, duplicate: 0.1, delayMs: 50 };
  const proxy = faultProxy(() => serverPort, faults, seededRandom(seed * 7919 + 1));
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const proxyAddress = proxy.address();
  const serverUrl = `http://127.0.0.1:${typeof proxyAddress === 'object' && proxyAddress ? proxyAddress.port : 0}`;

  const deskDirs = Array.from({ length: deskCount }, (_, i) => path.join(root, `desk${i}`));
  const keyOf = (i: number) => (i + 1).toString(16).padStart(64, 'c');
  const open = (i: number): Core => openCore({ dataDir: deskDirs[i] as string, keyHex: keyOf(i), appVersion: 'chaos' });
  const desks: Core[] = deskDirs.map((dir, i) => {
    fs.mkdirSync(dir, { recursive: true });
    return open(i);
  });
  const desk = (i: number): Core => desks[i] as Core;

  // Enrolment, on a healthy network.
  await desk(0).services.sync.register({ serverUrl, organisationId: 'org_chaos', siteId: 'site_chaos' });
  for (let i = 1; i < deskCount; i += 1) {
    const { pairingCode } = await desk(i).services.sync.enrol({ serverUrl, siteId: 'site_chaos' });
    await desk(0).services.sync.approve(pairingCode);
    await desk(i).services.sync.syncNow();
    if (!desk(i).services.sync.confirmPairing(true)) throw new Error(`desk ${i} did not pair`);
  }
  desk(0).services.transact(() => {
    for (const [id, role] of STAFF) desk(0).services.ops.append(null, { entity: 'staff', entityId: id, changes: { username: id, displayName: id, role, certified: true, active: true, passwordHash: 'chaos', createdAt: Date.now() } });
    desk(0).services.ops.append(null, { entity: 'config', entityId: 'intake_fields', changes: { addressProvince: 'optional', emergencyName: 'optional' } });
  });
  await desk(0).services.sync.syncNow();
  for (let i = 1; i < deskCount; i += 1) await desk(i).services.sync.syncNow();

  // The storm.
  faults.on = true;
  const consent = { ...defaultConsent(), idConsent: true, guardianConsent: true };
  const guardian = { guardianName: '监护人', guardianMobile: '13700000000' };
  let kills = 0;
  let restarts = 0;
  let made = 0;
  let guard = 0;
  const syncQuietly = (core: Core): Promise<unknown> => core.services.sync.syncNow().catch(() => undefined);
  while (made < opsWanted && guard < opsWanted * 50) {
    guard += 1;
    const index = Math.floor(random() * deskCount);
    const { services } = desk(index);
    const action = random();
    try {
      if (action < 0.45) {
        const draft = startDraft(services, STAFF[0][0], { customerId: null, source: 'walk_in', reason: '' });
        submitWalkIn(services, STAFF[0][0], { draftId: draft.id, fields: { ...demoCustomer(random), ...guardian }, consent, customerId: null, customerPresent: true, cleared: [] });
        made += 1;
      } else if (action < 0.7) {
        const open = services.ctx.db.prepare("SELECT id, status, entered_by FROM intakes WHERE status IN ('pending_cross_check', 'pending_lead_approval') ORDER BY id").all() as Array<{ id: string; status: string; entered_by: string }>;
        if (open.length === 0) continue;
        const intake = pick(open);
        if (intake.status === 'pending_cross_check') decide(services, { staffId: STAFF[1][0], role: 'specialist' }, { intakeId: intake.id, decision: 'cross_check_passed', notes: {}, reason: '', doubtful: false });
        else decide(services, { staffId: STAFF[2][0], role: 'group_lead' }, { intakeId: intake.id, decision: 'lead_approved', notes: {}, reason: '', doubtful: false });
        made += 1;
      } else if (action < 0.93) {
        // Several desks sync at once (their requests interleave at the server).
        const who = desks.filter(() => random() < 0.5);
        await Promise.all(who.map(syncQuietly));
      } else if (action < 0.98) {
        // A desk dies mid-sync: its database closes under the request in flight; it comes back from its folder.
        const inFlight = syncQuietly(desk(index));
        await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 20)));
        desk(index).close();
        await inFlight;
        desks[index] = open(index);
        kills += 1;
      } else {
        await stopServer();
        await Promise.all(desks.map(syncQuietly));
        await startServer();
        restarts += 1;
      }
    } catch (error) {
      // Validation refusals of random data are part of the game; anything else is not.
      if (!(error instanceof Error) || !/not complete|refus|status|VALIDATION|CONFLICT/i.test(`${error.name} ${error.message} ${(error as { code?: string }).code ?? ''}`)) throw error;
    }
  }

  // Heal and settle.
  faults.on = false;
  for (let round = 0; round < 20; round += 1) {
    for (const core of desks) await core.services.sync.syncNow();
    for (const core of desks) await core.services.sync.compareDigest();
    for (const core of desks) await core.services.sync.syncNow();
    if (desks.every((core) => core.services.ops.outboxSize() === 0) && new Set(desks.map((core) => opCount(core))).size === 1) break;
  }

  // Check every desk and the server.
  const opIds = new Set<string>();
  for (const core of desks) for (const row of core.db.prepare('SELECT op_id FROM ops').all() as Array<{ op_id: string }>) opIds.add(row.op_id);
  const db = serverDb as Database | null;
  if (!db) throw new Error('the server is not running');
  const serverRows = await db.query<{ op_id: string; device_id: string; seq: string }>('SELECT op_id, device_id, seq FROM ops');
  const serverIds = new Set(serverRows.map((row) => row.op_id));
  const serverSlots = new Set(serverRows.map((row) => `${row.device_id}#${row.seq}`));
  const duplicated = serverRows.length - Math.min(serverIds.size, serverSlots.size);
  let lost = 0;
  for (const opId of opIds) {
    if (!serverIds.has(opId)) lost += 1;
    else for (const core of desks) if (!core.db.prepare('SELECT 1 FROM ops WHERE op_id = ?').get(opId)) lost += 1;
  }
  const digests = desks.map((core) => projectionDigest(core.db).digest);
  const converged = new Set(digests).size === 1;

  if (keep) {
    const people = desk(0).db.prepare('SELECT name, mobile, id_number FROM customers ORDER BY id LIMIT 40').all() as Array<{ name: string | null; mobile: string | null; id_number: string | null }>;
    const values = people.flatMap((p) => [p.name, p.mobile, p.id_number]).filter((v): v is string => typeof v === 'string' && v.length > 0);
    fs.writeFileSync(path.join(root, 'plaintext-sample.txt'), `${values.join('\n')}\n`);
  }
  for (const core of desks) core.close();
  await stopServer();
  await new Promise((resolve) => proxy.close(resolve));
  if (!keep) fs.rmSync(root, { recursive: true, force: true });
  process.stdout.write(`made ${made} changes on ${deskCount} desks; ${kills} desks killed mid-sync, server restarted ${restarts} times; ${opIds.size} ops in all\n`);
  process.stdout.write(`chaos: desks ${deskCount} ops ${opsWanted} lost ${lost} duplicated ${duplicated} converged ${converged ? 'yes' : 'no'} digest ${digests[0] ?? ''}\n`);
  if (lost > 0 || duplicated > 0 || !converged) process.exitCode = 1;
}

function opCount(core: Core): number {
  return (core.db.prepare('SELECT count(*) AS n FROM ops').get() as { n: number }).n;
}

main().catch((error: unknown) => {
  process.stderr.write(`chaos failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 2;
});
