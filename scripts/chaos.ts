/**
 * `npm run chaos -- --desks N --ops M --seed S [--keep DIR]`: the central server (Fastify + PGlite)
 * and N desk cores (each its own SQLCipher database) sync through a fault-injecting proxy that
 * drops requests, drops answers after the server acted on them (a cut mid-batch), duplicates and
 * delays requests (so they arrive reordered); each desk is its own process (this script with
 * `--desk-child`), and desk processes are killed with SIGKILL in the middle of a sync round (then
 * started again from the same folder), and the server is restarted. Then the network
 * heals, every desk syncs until quiet, and the run checks every desk and the server:
 *
 *   chaos: desks N ops M lost 0 duplicated 0 converged yes digest <hex>
 *
 * `lost`: ops made on some desk missing from the server or from another desk. `duplicated`: ops
 * the server holds more than once (by device + sequence, or by op id). With `--keep DIR` the
 * server's data stays in DIR/server/ and DIR/plaintext-sample.txt lists personal values that were
 * synced (for searching the server's files for them).
 *
 * Limits, said plainly: the server runs in this process (restarted, not killed), and clocks are real
 * (the server checks request timestamps).
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { buildServer } from '../server/src/app';
import { openPglite, type Database } from '../server/src/db';
import { migrate } from '../server/src/migrations';
import { openCore } from '../electron/core/core';
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
  const open = (i: number): Promise<DeskProcess> => DeskProcess.start(deskDirs[i] as string, keyOf(i));
  for (const dir of deskDirs) fs.mkdirSync(dir, { recursive: true });
  const desks: DeskProcess[] = await Promise.all(deskDirs.map((_, i) => open(i)));
  const desk = (i: number): DeskProcess => desks[i] as DeskProcess;

  // Enrolment, on a healthy network.
  await desk(0).call('register', { serverUrl });
  for (let i = 1; i < deskCount; i += 1) {
    const { pairingCode } = (await desk(i).call('enrol', { serverUrl })) as { pairingCode: string };
    await desk(0).call('approve', { code: pairingCode });
    await desk(i).call('sync', { strict: true });
    if (!(await desk(i).call('confirm', {}))) throw new Error(`desk ${i} did not pair`);
  }
  await desk(0).call('seedStaff', {});
  await desk(0).call('sync', { strict: true });
  for (let i = 1; i < deskCount; i += 1) await desk(i).call('sync', { strict: true });

  // The storm.
  faults.on = true;
  let kills = 0;
  let restarts = 0;
  let made = 0;
  let guard = 0;
  const syncQuietly = (one: DeskProcess): Promise<unknown> => one.call('sync', { strict: false }).catch(() => undefined);
  while (made < opsWanted && guard < opsWanted * 50) {
    guard += 1;
    const index = Math.floor(random() * deskCount);
    const action = random();
    try {
      if (action < 0.45) {
        await desk(index).call('submit', { fields: demoCustomer(random) });
        made += 1;
      } else if (action < 0.7) {
        if (await desk(index).call('decide', { pick: random() })) made += 1;
      } else if (action < 0.93) {
        // Several desks sync at once (their requests interleave at the server).
        const who = desks.filter(() => random() < 0.5);
        await Promise.all(who.map(syncQuietly));
      } else if (action < 0.98) {
        // A desk process is killed (SIGKILL) in the middle of a sync round; it starts again from its folder.
        const inFlight = syncQuietly(desk(index));
        await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 40)));
        desk(index).kill();
        await inFlight;
        desks[index] = await open(index);
        kills += 1;
      } else {
        await stopServer();
        await Promise.all(desks.map(syncQuietly));
        await startServer();
        restarts += 1;
      }
    } catch (error) {
      // Validation refusals of random data are part of the game; anything else is not.
      if (!(error instanceof Error) || !/not complete|refus|status|VALIDATION|CONFLICT/i.test(error.message)) throw error;
    }
  }

  // Heal and settle.
  faults.on = false;
  const states = async (): Promise<DeskState[]> => Promise.all(desks.map((one) => one.call('state', {}) as Promise<DeskState>));
  let settled = await states();
  for (let round = 0; round < 20; round += 1) {
    for (const one of desks) await one.call('sync', { strict: true });
    for (const one of desks) await one.call('compareDigest', {});
    for (const one of desks) await one.call('sync', { strict: true });
    settled = await states();
    if (settled.every((state) => state.outbox === 0) && new Set(settled.map((state) => state.opIds.length)).size === 1) break;
  }

  // Check every desk and the server.
  const opIds = new Set<string>();
  for (const state of settled) for (const opId of state.opIds) opIds.add(opId);
  const db = serverDb as Database | null;
  if (!db) throw new Error('the server is not running');
  const serverRows = await db.query<{ op_id: string; device_id: string; seq: string }>('SELECT op_id, device_id, seq FROM ops');
  const serverIds = new Set(serverRows.map((row) => row.op_id));
  const serverSlots = new Set(serverRows.map((row) => `${row.device_id}#${row.seq}`));
  const duplicated = serverRows.length - Math.min(serverIds.size, serverSlots.size);
  let lost = 0;
  const held = settled.map((state) => new Set(state.opIds));
  for (const opId of opIds) {
    if (!serverIds.has(opId)) lost += 1;
    else for (const set of held) if (!set.has(opId)) lost += 1;
  }
  const digests = settled.map((state) => state.digest);
  const converged = new Set(digests).size === 1;

  if (keep) fs.writeFileSync(path.join(root, 'plaintext-sample.txt'), `${(settled[0]?.sample ?? []).join('\n')}\n`);
  await Promise.all(desks.map((one) => one.stop()));
  await stopServer();
  await new Promise((resolve) => proxy.close(resolve));
  if (!keep) fs.rmSync(root, { recursive: true, force: true });
  process.stdout.write(`made ${made} changes on ${deskCount} desks; ${kills} desk processes killed (SIGKILL) mid-sync, server restarted ${restarts} times; ${opIds.size} ops in all\n`);
  process.stdout.write(`chaos: desks ${deskCount} ops ${opsWanted} lost ${lost} duplicated ${duplicated} converged ${converged ? 'yes' : 'no'} digest ${digests[0] ?? ''}\n`);
  if (lost > 0 || duplicated > 0 || !converged) process.exitCode = 1;
}

interface DeskState {
  outbox: number;
  opIds: string[];
  digest: string;
  sample: string[];
}

type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string } | { ready: true };

/** A desk core in its own process (this same script, `--desk-child DIR KEY`), driven over IPC. */
class DeskProcess {
  private next = 0;
  private readonly waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private exited = false;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (message: Reply) => {
      if ('ready' in message) return;
      const waiter = this.waiting.get(message.id);
      this.waiting.delete(message.id);
      if (message.ok) waiter?.resolve(message.value);
      else waiter?.reject(new Error(message.error));
    });
    child.on('exit', () => {
      this.exited = true;
      for (const waiter of this.waiting.values()) waiter.reject(new Error('desk process gone'));
      this.waiting.clear();
    });
  }

  static start(dir: string, keyHex: string): Promise<DeskProcess> {
    const child = fork(process.argv[1] as string, ['--desk-child', dir, keyHex], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    return new Promise((resolve, reject) => {
      child.once('message', () => resolve(new DeskProcess(child)));
      child.once('exit', (code) => reject(new Error(`desk process exited with ${String(code)} before it was ready`)));
    });
  }

  call(command: string, args: Record<string, unknown>): Promise<unknown> {
    if (this.exited) return Promise.reject(new Error('desk process gone'));
    const id = (this.next += 1);
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.child.send({ id, command, args });
    });
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }

  async stop(): Promise<void> {
    await this.call('stop', {}).catch(() => undefined);
    if (!this.exited) await new Promise((resolve) => this.child.once('exit', resolve));
  }
}

/** The child: one desk core over its folder, answering the parent's commands one at a time. */
function deskChild(dir: string, keyHex: string): void {
  const core = openCore({ dataDir: dir, keyHex, appVersion: 'chaos' });
  const { services } = core;
  const consent = { ...defaultConsent(), idConsent: true, guardianConsent: true };
  const guardian = { guardianName: '监护人', guardianMobile: '13700000000' };
  const commands: Record<string, (args: Record<string, unknown>) => unknown> = {
    register: (args) => services.sync.register({ serverUrl: String(args['serverUrl']), organisationId: 'org_chaos', siteId: 'site_chaos' }),
    enrol: (args) => services.sync.enrol({ serverUrl: String(args['serverUrl']), siteId: 'site_chaos' }),
    approve: (args) => services.sync.approve(String(args['code'])),
    confirm: () => services.sync.confirmPairing(true),
    sync: (args) => (args['strict'] ? services.sync.syncNow() : services.sync.syncNow().catch(() => undefined)),
    compareDigest: () => services.sync.compareDigest(),
    seedStaff: () =>
      services.transact(() => {
        for (const [id, role] of STAFF) services.ops.append(null, { entity: 'staff', entityId: id, changes: { username: id, displayName: id, role, certified: true, active: true, passwordHash: 'chaos', createdAt: Date.now() } });
        services.ops.append(null, { entity: 'config', entityId: 'intake_fields', changes: { addressProvince: 'optional', emergencyName: 'optional' } });
      }),
    submit: (args) => {
      const draft = startDraft(services, STAFF[0][0], { customerId: null, source: 'walk_in', reason: '' });
      submitWalkIn(services, STAFF[0][0], { draftId: draft.id, fields: { ...(args['fields'] as ReturnType<typeof demoCustomer>), ...guardian }, consent, customerId: null, customerPresent: true, cleared: [] });
      return true;
    },
    decide: (args) => {
      const open = services.ctx.db.prepare("SELECT id, status FROM intakes WHERE status IN ('pending_cross_check', 'pending_lead_approval') ORDER BY id").all() as Array<{ id: string; status: string }>;
      if (open.length === 0) return false;
      const intake = open[Math.floor(Number(args['pick']) * open.length)] as { id: string; status: string };
      if (intake.status === 'pending_cross_check') decide(services, { staffId: STAFF[1][0], role: 'specialist' }, { intakeId: intake.id, decision: 'cross_check_passed', notes: {}, reason: '', doubtful: false });
      else decide(services, { staffId: STAFF[2][0], role: 'group_lead' }, { intakeId: intake.id, decision: 'lead_approved', notes: {}, reason: '', doubtful: false });
      return true;
    },
    state: (): DeskState => {
      const people = core.db.prepare('SELECT name, mobile, id_number FROM customers ORDER BY id LIMIT 40').all() as Array<{ name: string | null; mobile: string | null; id_number: string | null }>;
      return {
        outbox: services.ops.outboxSize(),
        opIds: (core.db.prepare('SELECT op_id FROM ops ORDER BY op_id').all() as Array<{ op_id: string }>).map((row) => row.op_id),
        digest: projectionDigest(core.db).digest,
        sample: people.flatMap((p) => [p.name, p.mobile, p.id_number]).filter((v): v is string => typeof v === 'string' && v.length > 0),
      };
    },
    stop: () => {
      core.close();
      setImmediate(() => process.exit(0));
      return true;
    },
  };
  // One command at a time, in order, as the core worker takes calls.
  let queue: Promise<void> = Promise.resolve();
  process.on('message', (message: { id: number; command: string; args: Record<string, unknown> }) => {
    queue = queue.then(async () => {
      try {
        const handler = commands[message.command];
        if (!handler) throw new Error(`unknown command ${message.command}`);
        process.send?.({ id: message.id, ok: true, value: (await handler(message.args)) ?? null });
      } catch (error) {
        const code = (error as { code?: string }).code ?? '';
        process.send?.({ id: message.id, ok: false, error: error instanceof Error ? `${error.name} ${error.message} ${code}` : String(error) });
      }
    });
  });
  process.send?.({ ready: true });
}

if (process.argv[2] === '--desk-child') deskChild(process.argv[3] ?? '', process.argv[4] ?? '');
else {
  main().catch((error: unknown) => {
    process.stderr.write(`chaos failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 2;
  });
}
