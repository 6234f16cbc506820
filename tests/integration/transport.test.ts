// The renderer's WebSocket transport (renderer/src/lib/ws-bridge.ts) against a real browser host:
// a message over the limit is refused before sending (TOO_LARGE) and the connection stays; a 1009
// close from the host settles the call with TOO_LARGE and the next call reconnects with the
// session intact; every call has a timeout that settles it with CORE_UNAVAILABLE.
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeskBridge } from '../../shared/api/bridge';
import type { RpcResult } from '../../shared/api/envelope';
import { createWebSocketBridge, type WebSocketBridgeOptions } from '../../renderer/src/lib/ws-bridge';
import { MANAGER, redeem, setUpDesk, startDesk, connect } from '../support/desk';

type Desk = Awaited<ReturnType<typeof startDesk>>;
let desk: Desk | undefined;
afterEach(async () => {
  await desk?.close();
  desk = undefined;
});

async function bridgeTo(host: Desk, options: Partial<WebSocketBridgeOptions> = {}): Promise<{ bridge: DeskBridge; closes: unknown[] }> {
  const cookie = await redeem(host.launchUrl());
  const bridge = createWebSocketBridge({
    connect: () => new WebSocket(`${host.origin.replace('http', 'ws')}/rpc`, { headers: { Cookie: cookie, Origin: host.origin } }) as unknown as globalThis.WebSocket,
    ...options,
  });
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
});
