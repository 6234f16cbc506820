/**
 * Test support: a real desk (browser host + core worker + SQLCipher database in a temp folder) and
 * a real RPC client speaking to it over the same WebSocket path the renderer uses.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import type { MethodInput, MethodName, MethodOutput } from '../../shared/api/contract';
import type { RpcResult } from '../../shared/api/envelope';
import type { Role } from '../../shared/domain/auth/roles';
import { startBrowserHost, type BrowserHost } from '../../electron/browser-host/server';
import { TEST_CLOCK_START } from './clock';

export { TEST_CLOCK_START } from './clock';

export const ROOT = path.resolve(__dirname, '..', '..');
export const WORKER_FILE = path.join(ROOT, 'dist', 'electron', 'core-worker.cjs');
export const RENDERER_DIR = path.join(ROOT, 'dist', 'renderer');

export function tempDataDir(label = 'desk'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `intake-desk-${label}-`));
}

/**
 * A desk on a fixed clock: the core's time starts at `TEST_CLOCK_START` (plus `clockOffsetMs`, which
 * tests use to move time forward across a restart) and runs on normally from there.
 */
export async function startDesk(options: { dataDir?: string; clockOffsetMs?: number; launchClock?: () => number } = {}): Promise<BrowserHost & { dataDir: string }> {
  const dataDir = options.dataDir ?? tempDataDir();
  const host = await startBrowserHost({
    dataDir,
    workerFile: WORKER_FILE,
    rendererDir: RENDERER_DIR,
    appVersion: '0.0.0-test',
    clockStartMs: TEST_CLOCK_START,
    ...(options.clockOffsetMs !== undefined ? { clockOffsetMs: options.clockOffsetMs } : {}),
    ...(options.launchClock ? { launchClock: options.launchClock } : {}),
  });
  return Object.assign(host, { dataDir });
}

/** Exchange a launch URL's one-time token for the session cookie, as a browser would. */
export function redeem(launchUrl: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get(launchUrl, (response) => {
        response.resume();
        const cookie = response.headers['set-cookie']?.[0]?.split(';')[0];
        if (response.statusCode === 303 && cookie) resolve(cookie);
        else reject(new Error(`launch refused: ${response.statusCode}`));
      })
      .on('error', reject);
  });
}

export interface RpcClient {
  call<M extends MethodName>(method: M, input?: MethodInput<M>): Promise<RpcResult<MethodOutput<M>>>;
  raw(method: string, input: unknown): Promise<RpcResult<unknown>>;
  events: Array<{ event: string; payload: unknown }>;
  close(): void;
}

export async function connect(host: BrowserHost): Promise<RpcClient> {
  const cookie = await redeem(host.launchUrl());
  const ws = new WebSocket(`${host.origin.replace('http', 'ws')}/rpc`, { headers: { Cookie: cookie, Origin: host.origin } });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let nextId = 1;
  const waiting = new Map<number, (result: RpcResult<unknown>) => void>();
  const events: Array<{ event: string; payload: unknown }> = [];
  ws.on('message', (data) => {
    const message = JSON.parse(data.toString()) as { type: string; id?: number; result?: RpcResult<unknown>; event?: string; payload?: unknown };
    if (message.type === 'response' && message.id !== undefined && message.result) {
      waiting.get(message.id)?.(message.result);
      waiting.delete(message.id);
    } else if (message.type === 'event' && message.event) {
      events.push({ event: message.event, payload: message.payload });
    }
  });
  const raw = (method: string, input: unknown): Promise<RpcResult<unknown>> =>
    new Promise((resolve) => {
      const id = nextId++;
      waiting.set(id, resolve);
      ws.send(JSON.stringify({ id, method, input }));
    });
  return {
    raw,
    call: (method, input) => raw(method, input ?? {}) as never,
    events,
    close: () => ws.close(),
  };
}

/** Wait until the client has received an event of this name (events arrive asynchronously). */
export async function waitForEvent(client: RpcClient, name: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!client.events.some((event) => event.event === name)) {
    if (Date.now() > deadline) throw new Error(`no ${name} event within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A new client on this desk, signed in as `username`. */
export async function signedIn(host: BrowserHost, username: string, password = 'Password123'): Promise<RpcClient> {
  const client = await connect(host);
  expectOk(await client.call('auth.login', { username, password }));
  return client;
}

/**
 * A set-up desk with its manager signed in, and the given certified staff (password Password123),
 * each signed in on a client of their own.
 */
export async function staffedDesk(staff: ReadonlyArray<readonly [username: string, role: Role]>) {
  const desk = await startDesk();
  const manager = await connect(desk);
  await setUpDesk(manager);
  const ids: Record<string, string> = {};
  const clients: Record<string, RpcClient> = {};
  for (const [username, role] of staff) {
    ids[username] = expectOk(await manager.call('staff.create', { username, displayName: username, role, certified: true, password: 'Password123', passwordSetByStaff: true })).id;
    clients[username] = await signedIn(desk, username);
  }
  const client = (username: string): RpcClient => {
    const found = clients[username];
    if (!found) throw new Error(`no client for ${username}`);
    return found;
  };
  return {
    desk,
    manager,
    ids,
    client,
    close: async (): Promise<void> => {
      for (const each of [manager, ...Object.values(clients)]) each.close();
      await desk.close();
    },
  };
}

export const MANAGER = { username: 'wang.li', displayName: '王丽', password: 'Manager2026' };

export async function setUpDesk(client: RpcClient): Promise<void> {
  const result = await client.call('setup.initialize', {
    organisationName: '长白山滑雪度假区',
    siteName: '北大湖雪场',
    deskName: '1号柜台',
    manager: MANAGER,
  });
  if (!result.ok) throw new Error(`setup failed: ${result.error.code}`);
}

export function expectOk<T>(result: RpcResult<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}: ${result.error.message}`);
  return result.value;
}
