// The renderer's WebSocket transport (renderer/src/lib/ws-bridge.ts) against a real browser host:
// a message over the limit is refused before sending (TOO_LARGE) and the connection stays; a 1009
// close from the host settles the call with TOO_LARGE and the next call reconnects with the
// session intact; every call has a timeout that settles it with CORE_UNAVAILABLE.
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeskBridge } from '../../shared/api/bridge';
import type { RpcResult } from '../../shared/api/envelope';
import { createWebSocketBridge, type WebSocketBridgeOptions } from '../../renderer/src/lib/ws-bridge';
import { startEarlySocket } from '../../renderer/src/lib/early-socket';
import { MANAGER, redeem, setUpDesk, startDesk, connect } from '../support/desk';

type Desk = Awaited<ReturnType<typeof startDesk>>;
let desk: Desk | undefined;
afterEach(async () => {
  await desk?.close();
  desk = undefined;
});

/** A page's socket to the host, counting the requests sent on it. */
function pageSocket(host: Desk, cookie: string, sent: string[] = []): globalThis.WebSocket {
  const ws = new WebSocket(`${host.origin.replace('http', 'ws')}/rpc`, { headers: { Cookie: cookie, Origin: host.origin } });
  const send = ws.send.bind(ws);
  ws.send = ((data: string) => {
    sent.push(JSON.parse(data).method as string);
    send(data);
  }) as typeof ws.send;
  return ws as unknown as globalThis.WebSocket;
}

async function bridgeTo(host: Desk, options: Partial<WebSocketBridgeOptions> = {}): Promise<{ bridge: DeskBridge; closes: unknown[] }> {
  const cookie = await redeem(host.launchUrl());
  const bridge = createWebSocketBridge({ connect: () => pageSocket(host, cookie), ...options });
  const closes: unknown[] = [];
  bridge.on('transport.closed', (payload) => closes.push(payload));
  return { bridge, closes };
}

const codeOf = (result: RpcResult<unknown>): string => (result.ok ? 'ok' : result.error.code);
const remarks = (length: number) => ({ remarks: '备'.repeat(length) });

describe('renderer transport', () => {
  it('refuses a message over 1 MiB with TOO_LARGE without sending it, and the connection stays', async () => {
    desk = await startDesk();
    const { bridge, closes } = await bridgeTo(desk);
    expect(codeOf(await bridge.invoke('app.ping', {}))).toBe('ok');
    expect(codeOf(await bridge.invoke('intake.draft.save', remarks(400_000)))).toBe('TOO_LARGE');
    expect(codeOf(await bridge.invoke('app.ping', {}))).toBe('ok');
    expect(closes).toEqual([]);
  });

  it('settles a call with TOO_LARGE when the host closes with 1009, then reconnects with the session kept', async () => {
    desk = await startDesk();
    await setUpDesk(await connect(desk));
    const { bridge, closes } = await bridgeTo(desk, { maxMessageBytes: 8 * 1024 * 1024 });
    expect(codeOf(await bridge.invoke('auth.login', { username: MANAGER.username, password: MANAGER.password }))).toBe('ok');
    expect(codeOf(await bridge.invoke('intake.draft.save', remarks(400_000)))).toBe('TOO_LARGE');
    expect(closes).toEqual([{ code: 1009 }]);
    const session = await bridge.invoke('auth.session', {});
    expect(session.ok && session.value).toMatchObject({ state: 'active' });
  });

  it('settles a call that gets no answer in time with CORE_UNAVAILABLE', async () => {
    desk = await startDesk();
    const timers: Array<() => void> = [];
    const { bridge } = await bridgeTo(desk, { setTimer: (fire) => (timers.push(fire), () => undefined) });
    expect(codeOf(await bridge.invoke('app.ping', {}))).toBe('ok');
    timers.length = 0;
    // A wrong password is checked against the slow hash, so the answer is still on its way when the timer fires.
    const call = bridge.invoke('auth.login', { username: 'nobody', password: 'wrong-password' });
    while (timers.length === 0) await new Promise((resolve) => setImmediate(resolve));
    timers[0]!();
    expect(codeOf(await call)).toBe('CORE_UNAVAILABLE');
    expect(codeOf(await bridge.invoke('app.ping', {}))).toBe('ok');
  });

  it("takes over the page's early socket: the first screen's answers are there, nothing is asked twice, and later calls go on the same socket", async () => {
    desk = await startDesk();
    await setUpDesk(await connect(desk));
    const cookie = await redeem(desk.launchUrl());
    const sent: string[] = [];
    let connects = 0;
    const early = startEarlySocket(pageSocket(desk, cookie, sent));
    // The answers may come before the app's bundle runs: they wait in the early socket.
    while (early.received.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    const bridge = createWebSocketBridge({ connect: () => (connects++, pageSocket(desk!, cookie, sent)), early });
    const info = await bridge.invoke('app.info', {});
    expect(info.ok && info.value).toMatchObject({ setupRequired: false });
    const session = await bridge.invoke('auth.session', {});
    expect(session.ok && session.value).toEqual({ state: 'none' });
    expect(codeOf(await bridge.invoke('auth.login', { username: MANAGER.username, password: MANAGER.password }))).toBe('ok');
    // Asked again later, the session is the core's answer now, not the early one.
    const again = await bridge.invoke('auth.session', {});
    expect(again.ok && again.value).toMatchObject({ state: 'active' });
    expect(sent).toEqual(['app.info', 'auth.session', 'auth.login', 'auth.session']);
    expect(connects).toBe(0);
  });

  it('gives the early answers to calls made before the early socket has opened', async () => {
    desk = await startDesk();
    await setUpDesk(await connect(desk));
    const cookie = await redeem(desk.launchUrl());
    const early = startEarlySocket(pageSocket(desk, cookie));
    const bridge = createWebSocketBridge({ connect: () => pageSocket(desk!, cookie), early });
    const [info, session, ping] = await Promise.all([bridge.invoke('app.info', {}), bridge.invoke('auth.session', {}), bridge.invoke('app.ping', {})]);
    expect(info.ok && info.value).toMatchObject({ setupRequired: false });
    expect(session.ok && session.value).toEqual({ state: 'none' });
    expect(codeOf(ping)).toBe('ok');
  });

  it('opens its own socket when the early one has closed', async () => {
    desk = await startDesk();
    const cookie = await redeem(desk.launchUrl());
    const early = startEarlySocket(pageSocket(desk, cookie));
    await new Promise((resolve) => early.socket.addEventListener('open', resolve));
    early.socket.close();
    await new Promise((resolve) => early.socket.addEventListener('close', resolve));
    let connects = 0;
    const bridge = createWebSocketBridge({ connect: () => (connects++, pageSocket(desk!, cookie)), early });
    const info = await bridge.invoke('app.info', {});
    expect(info.ok && info.value).toMatchObject({ setupRequired: true });
    expect(connects).toBe(1);
  });
});
