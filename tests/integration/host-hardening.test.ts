// The browser host survives every input: bad WebSocket frames close only their own connection with
// the right close code, hostile requests are answered with their own id, paths that cannot name a
// file are 400, and nothing ends the process (it runs with --unhandled-rejections=strict). Also the
// launch link (printed once, works once, expires), the lock when the last tab closes, and file modes.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCore } from '../../electron/core/core';
import { generateKeyHex, KEY_FILE } from '../../electron/core/db/key-file';
import { databasePath } from '../../electron/core/paths';
import type { RpcResult } from '../../shared/api/envelope';
import { BAD_FRAMES, rawUpgrade } from '../../scripts/fuzz/raw-socket';
import { redeemLaunchUrl, startHostProcess, type HostProcess } from '../../scripts/fuzz/host-process';
import { MANAGER, ROOT, connect, expectOk, redeem, setUpDesk, startDesk, tempDataDir } from '../support/desk';

const HOST_SCRIPT = path.join(ROOT, 'dist', 'electron', 'browser-host.cjs');

interface Answer {
  id: number;
  result: RpcResult<unknown>;
}

/** A page's socket with the given cookie: send raw text, read answers in order of arrival. */
async function openSocket(origin: string, cookie: string) {
  const ws = new WebSocket(`${origin.replace('http', 'ws')}/rpc`, { headers: { Cookie: cookie, Origin: origin } });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const answers: Answer[] = [];
  const waiters: Array<() => void> = [];
  ws.on('message', (data) => {
    const message = JSON.parse(data.toString()) as { type: string } & Answer;
    if (message.type !== 'response') return;
    answers.push({ id: message.id, result: message.result });
    waiters.splice(0).forEach((wake) => wake());
  });
  const next = async (): Promise<Answer> => {
    while (answers.length === 0) await new Promise<void>((wake) => waiters.push(wake));
    return answers.shift()!;
  };
  let nextId = 1;
  return {
    ws,
    /** Send exactly these bytes as one text (or binary) frame and wait for the answer. */
    sendRaw: async (data: string | Buffer, binary = false): Promise<Answer> => {
      ws.send(data, { binary });
      return next();
    },
    call: async (method: string, input: unknown = {}): Promise<RpcResult<unknown>> => {
      ws.send(JSON.stringify({ id: nextId++, method, input }));
      return (await next()).result;
    },
    close: () =>
      new Promise<void>((resolve) => {
        ws.once('close', () => resolve());
        ws.close();
      }),
  };
}

function httpGet(origin: string, pathname: string, cookie: string): Promise<number> {
  const url = new URL(origin);
  return new Promise((resolve, reject) => {
    http
      .get({ host: url.hostname, port: Number(url.port), path: pathname, headers: { Cookie: cookie } }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      })
      .on('error', reject);
  });
}

const codeOf = (result: RpcResult<unknown>): string => (result.ok ? 'ok' : result.error.code);
const nested = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('the host as `npm start` runs it, with --unhandled-rejections=strict', () => {
  let host: HostProcess;
  let cookie: string;
  let page: Awaited<ReturnType<typeof openSocket>>;

  beforeAll(async () => {
    host = await startHostProcess(HOST_SCRIPT, tempDataDir('hardening'));
    cookie = await redeemLaunchUrl(host.launchUrl);
    page = await openSocket(host.origin, cookie);
  });
  afterAll(() => host?.stop());

  it('prints its launch link once, and the link works once', async () => {
    expect(host.stdout.filter((line) => line.includes('/launch?token='))).toHaveLength(1);
    await expect(redeemLaunchUrl(host.launchUrl)).rejects.toThrow('launch refused: 403');
  });

  it.each(BAD_FRAMES.map((frame) => [frame.name, frame] as const))('closes the connection on a bad frame (%s) and keeps serving', async (_name, frame) => {
    const connection = await rawUpgrade(host.origin, cookie);
    connection.write(frame.frame());
    expect(await connection.closed).toBe(frame.expect);
    expect(host.alive()).toBe(true);
    expect(codeOf(await page.call('app.ping'))).toBe('ok');
  });

  it('answers a request nested 5,000 deep with BAD_REQUEST under its own id, and keeps serving', async () => {
    const deep = await page.sendRaw(`{"id":7001,"method":"auth.login","input":${nested(5_000)}}`);
    expect(deep.id).toBe(7001);
    expect(codeOf(deep.result)).toBe('BAD_REQUEST');
    const justOver = await page.sendRaw(`{"id":7002,"method":"auth.login","input":${nested(32)}}`);
    expect([justOver.id, codeOf(justOver.result)]).toEqual([7002, 'BAD_REQUEST']);
    const within = await page.sendRaw(`{"id":7003,"method":"auth.login","input":${nested(31)}}`);
    expect([within.id, codeOf(within.result)]).toEqual([7003, 'VALIDATION']);
    expect(codeOf(await page.call('app.ping'))).toBe('ok');
  });

  it('answers malformed envelopes with the id it can read, and the rest with -1', async () => {
    const wrongMethod = await page.sendRaw('{"id":7004,"method":42}');
    expect([wrongMethod.id, codeOf(wrongMethod.result)]).toEqual([7004, 'BAD_REQUEST']);
    const negative = await page.sendRaw('{"id":-3,"method":"app.ping","input":{}}');
    expect([negative.id, codeOf(negative.result)]).toEqual([-3, 'BAD_REQUEST']);
    const notJson = await page.sendRaw('{"id":7005,"method":');
    expect([notJson.id, codeOf(notJson.result)]).toEqual([-1, 'BAD_REQUEST']);
    const binary = await page.sendRaw(Buffer.from([0, 1, 2]), true);
    expect([binary.id, codeOf(binary.result)]).toEqual([-1, 'BAD_REQUEST']);
  });

  it('answers paths that cannot name a file with 400, and keeps serving', async () => {
    expect(await httpGet(host.origin, '/%00', cookie)).toBe(400);
    expect(await httpGet(host.origin, '/assets/%00.js', cookie)).toBe(400);
    expect(await httpGet(host.origin, '//', cookie)).toBe(400);
    expect(await httpGet(host.origin, '/', cookie)).toBe(200);
  });

  it('is still up after all of it, with the same core worker', async () => {
    expect(host.alive()).toBe(true);
    expect(host.workerRestarts()).toBe(0);
    expect(codeOf(await page.call('app.ping'))).toBe('ok');
  });
});

describe('the host in-process', () => {
  it('leaves no request slot behind after hostile requests', async () => {
    const desk = await startDesk();
    try {
      const cookie = await redeem(desk.launchUrl());
      const page = await openSocket(desk.origin, cookie);
      await page.sendRaw(`{"id":1,"method":"auth.login","input":${nested(5_000)}}`);
      await page.sendRaw(`{"id":2,"method":"auth.login","input":{"username":"${'x'.repeat(1_000)}","password":${nested(40)}}}`);
      expect(codeOf(await page.call('app.ping'))).toBe('ok');
      expect(desk.supervisor.pendingRequests).toBe(0);
      expect(desk.supervisor.restarts).toBe(0);
      await page.close();
    } finally {
      await desk.close();
    }
  });

  it('lets a launch link work once, and not at all after 2 minutes unused', async () => {
    let now = Date.UTC(2026, 0, 10, 9, 0, 0);
    const desk = await startDesk({ launchClock: () => now });
    try {
      const late = desk.launchUrl();
      const inTime = desk.launchUrl();
      now += 2 * 60_000 - 1;
      expect(await redeem(inTime)).toMatch(/^intake_desk=/);
      await expect(redeem(inTime)).rejects.toThrow('launch refused: 403');
      now += 1;
      await expect(redeem(late)).rejects.toThrow('launch refused: 403');
      expect(await redeem(desk.launchUrl())).toMatch(/^intake_desk=/);
    } finally {
      await desk.close();
    }
  });

  it('locks the session, audited, when the last tab of a client closes (not before)', async () => {
    const desk = await startDesk();
    try {
      const manager = await connect(desk);
      await setUpDesk(manager);
      const cookie = await redeem(desk.launchUrl());
      const firstTab = await openSocket(desk.origin, cookie);
      const secondTab = await openSocket(desk.origin, cookie);
      expect(codeOf(await firstTab.call('auth.login', { username: MANAGER.username, password: MANAGER.password }))).toBe('ok');

      await firstTab.close();
      const stillOpen = await secondTab.call('auth.session');
      expect(stillOpen.ok && stillOpen.value).toMatchObject({ state: 'active' });

      await secondTab.close();
      const reopened = await openSocket(desk.origin, cookie);
      let state = '';
      for (let attempt = 0; attempt < 200 && state !== 'locked'; attempt += 1) {
        const session = await reopened.call('auth.session');
        state = session.ok ? (session.value as { state: string }).state : 'error';
      }
      expect(state).toBe('locked');
      const audit = expectOk(await manager.call('audit.list', { limit: 20 }));
      expect(audit.some((entry) => entry.action === 'session.lock' && entry.details['reason'] === 'client_closed')).toBe(true);
      await reopened.close();
      manager.close();
    } finally {
      await desk.close();
    }
  });

  it('keeps the database, WAL, SHM and key files 0600 in a 0700 folder', async () => {
    const desk = await startDesk();
    try {
      const manager = await connect(desk);
      await setUpDesk(manager);
      const modeOf = (file: string): string => (fs.statSync(file).mode & 0o777).toString(8);
      const db = databasePath(desk.dataDir);
      expect(fs.existsSync(`${db}-wal`) && fs.existsSync(`${db}-shm`)).toBe(true);
      expect(modeOf(desk.dataDir)).toBe('700');
      for (const file of [db, `${db}-wal`, `${db}-shm`, path.join(desk.dataDir, KEY_FILE)]) expect([path.basename(file), modeOf(file)]).toEqual([path.basename(file), '600']);
      manager.close();
    } finally {
      await desk.close();
    }
  });
});

describe('validation messages', () => {
  it('reports a value of the wrong type as invalid_type, and a missing one as required', async () => {
    const core = openCore({ dataDir: tempDataDir('types'), keyHex: generateKeyHex(), appVersion: 'test' });
    try {
      const wrong = (await core.handle('window-1', { id: 1, method: 'auth.login', input: { username: null, password: 5 } })).result;
      expect(!wrong.ok && wrong.error.fields).toEqual({ username: 'invalid_type', password: 'invalid_type' });
      const missing = (await core.handle('window-1', { id: 2, method: 'auth.login', input: {} })).result;
      expect(!missing.ok && missing.error.fields).toEqual({ username: 'required', password: 'required' });
      const nested = (await core.handle('window-1', { id: 3, method: 'setup.initialize', input: { organisationName: 'a', siteName: 'b', deskName: 'c', manager: { username: 12, displayName: false } } })).result;
      expect(!nested.ok && nested.error.fields).toMatchObject({ 'manager.username': 'invalid_type', 'manager.displayName': 'invalid_type', 'manager.password': 'required' });
    } finally {
      core.close();
    }
  });
});
