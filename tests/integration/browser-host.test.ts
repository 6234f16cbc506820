// The loopback host lets in this launch's browser only: one-time token, cookie, Host and Origin checks.
import http from 'node:http';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redeem, startDesk } from '../support/desk';

type Desk = Awaited<ReturnType<typeof startDesk>>;
let desk: Desk;
let cookie: string;
let port: number;

beforeAll(async () => {
  desk = await startDesk();
  cookie = await redeem(desk.launchUrl());
  port = Number(new URL(desk.origin).port);
});
afterAll(() => desk.close());

function get(pathname: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: pathname, headers }, (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
      })
      .on('error', reject);
  });
}

function upgrade(headers: Record<string, string>): Promise<'open' | number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/rpc`, { headers });
    ws.once('open', () => {
      ws.close();
      resolve('open');
    });
    ws.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
    ws.once('error', () => resolve(0));
  });
}

describe('browser host', () => {
  it('serves the renderer with a strict CSP to the cookie holder', async () => {
    const page = await get('/', { Cookie: cookie });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<div id="root">');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).not.toContain('unsafe');
  });

  it('refuses requests without the cookie', async () => {
    expect((await get('/')).status).toBe(403);
  });

  it('accepts a launch token once only, setting an HttpOnly SameSite=Strict cookie', async () => {
    const url = new URL(desk.launchUrl());
    const first = await get(url.pathname + url.search);
    expect(first.status).toBe(303);
    expect(first.headers['set-cookie']?.[0]).toMatch(/HttpOnly; SameSite=Strict/);
    expect((await get(url.pathname + url.search)).status).toBe(403);
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    expect((await get('/', { Cookie: cookie, Host: `evil.example:${port}` })).status).toBe(421);
  });

  it('refuses path traversal out of the renderer folder', async () => {
    expect((await get('/..%2f..%2fpackage.json', { Cookie: cookie })).status).toBe(404);
    expect((await get('/../../package.json', { Cookie: cookie })).status).toBe(404);
  });

  it('opens the RPC socket only for our own Origin with the cookie', async () => {
    expect(await upgrade({ Cookie: cookie, Origin: desk.origin })).toBe('open');
    expect(await upgrade({ Cookie: cookie, Origin: 'http://evil.example' })).toBe(403);
    expect(await upgrade({ Origin: desk.origin })).toBe(403);
    expect(await upgrade({ Cookie: cookie })).toBe(403);
  });
});
