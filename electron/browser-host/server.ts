/**
 * The browser host: the same core and the same built renderer as the Electron shell, served on
 * 127.0.0.1 for machines without the Electron runtime. RPC travels over one WebSocket per page.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { readOrCreateKeyFile } from '../core/db/key-file';
import { createLogger } from '../core/logger';
import { CoreStartError, CoreSupervisor } from '../core/supervisor';
import type { RpcResponse } from '../../shared/api/envelope';
import { isRecoverable, recoveryHandler } from '../core/backup/recovery-handler';
import { COOKIE_NAME, ClientRegistry, SECURITY_HEADERS, hostAllowed, originAllowed, readCookie } from './security';

const log = createLogger('browser-host');

export interface BrowserHostOptions {
  dataDir: string;
  workerFile: string;
  rendererDir: string;
  appVersion: string;
  port?: number;
  clockOffsetMs?: number;
  /**
   * Where the core's clock starts (ms since the epoch), running on normally from there; tests set it
   * so that no result depends on today's date. Turned into an offset here, once, so a core worker
   * that is restarted after a crash carries on from the same clock instead of starting over.
   */
  clockStartMs?: number;
}

export interface BrowserHost {
  readonly origin: string;
  readonly supervisor: CoreSupervisor;
  /** A fresh one-time launch URL (each can be opened once). */
  launchUrl(): string;
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

const MAX_MESSAGE_BYTES = 1024 * 1024;

export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const keyHex = readOrCreateKeyFile(options.dataDir);
  const clockOffsetMs = (options.clockStartMs !== undefined ? options.clockStartMs - Date.now() : 0) + (options.clockOffsetMs ?? 0);
  const supervisor = new CoreSupervisor(options.workerFile, {
    dataDir: options.dataDir,
    keyHex,
    appVersion: options.appVersion,
    ...(clockOffsetMs !== 0 ? { clockOffsetMs } : {}),
  });
  // A database that cannot be opened gets the recovery screen, never a crash or an empty desk.
  let recovery: ((request: unknown) => Promise<RpcResponse>) | undefined;
  try {
    await supervisor.start();
  } catch (error) {
    if (!(error instanceof CoreStartError) || !isRecoverable(error.code)) throw error;
    log.error('the database cannot be opened; serving the recovery screen', { code: error.code });
    recovery = recoveryHandler(options.dataDir, error.code, async (restoredKey) => {
      await supervisor.restartAfterRecovery(restoredKey);
      recovery = undefined;
      broadcast(null, { type: 'event', event: 'core.restarted', payload: { reason: 'restored' } });
    });
  }

  const clients = new ClientRegistry();
  const sockets = new Map<WebSocket, string>();
  const rendererRoot = path.resolve(options.rendererDir);
  let port = 0;

  const server = http.createServer((request, response) => {
    const refuse = (status: number, text: string): void => {
      response.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
      response.end(text);
    };
    if (!hostAllowed(request.headers, port)) return refuse(421, 'Unknown host.');
    if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(405, 'Method not allowed.');
    const url = new URL(request.url ?? '/', `http://127.0.0.1:${port}`);
    if (url.pathname === '/launch') {
      const secret = clients.redeem(url.searchParams.get('token'));
      if (!secret) return refuse(403, 'This launch link was already used or is not valid. Start Intake Desk again for a new one.');
      response.writeHead(303, { ...SECURITY_HEADERS, Location: '/', 'Set-Cookie': `${COOKIE_NAME}=${secret}; HttpOnly; SameSite=Strict; Path=/` });
      response.end();
      return;
    }
    if (!clients.clientOf(readCookie(request.headers, COOKIE_NAME))) {
      return refuse(403, 'Open Intake Desk from the link it printed when it started.');
    }
    serveStatic(rendererRoot, url.pathname, request.method === 'HEAD', response, refuse);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  server.on('upgrade', (request, socket, head) => {
    const clientId = clients.clientOf(readCookie(request.headers, COOKIE_NAME));
    const url = new URL(request.url ?? '/', `http://127.0.0.1:${port}`);
    if (url.pathname !== '/rpc' || !hostAllowed(request.headers, port) || !originAllowed(request.headers, port) || !clientId) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      sockets.set(ws, clientId);
      ws.on('message', (data, isBinary) => {
        if (isBinary) return;
        let parsed: unknown;
        try {
          parsed = JSON.parse(data.toString('utf8'));
        } catch {
          ws.send(JSON.stringify({ type: 'response', id: -1, result: { ok: false, error: { code: 'BAD_REQUEST', message: 'not JSON' } } }));
          return;
        }
        void (recovery ? recovery(parsed) : supervisor.call(clientId, parsed)).then((reply) => {
          if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'response', ...reply }));
        });
      });
      ws.on('close', () => sockets.delete(ws));
    });
  });

  const broadcast = (clientId: string | null, message: unknown): void => {
    const text = JSON.stringify(message);
    for (const [ws, owner] of sockets) if ((clientId === null || owner === clientId) && ws.readyState === ws.OPEN) ws.send(text);
  };
  supervisor.on('event', (clientId, event) => broadcast(clientId, { type: 'event', ...event }));
  supervisor.on('restarted', (reason) => broadcast(null, { type: 'event', event: 'core.restarted', payload: { reason } }));
  supervisor.on('fatal', (error) => log.error('core cannot run', { code: error.code }));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;

  return {
    origin,
    supervisor,
    launchUrl: () => `${origin}/launch?token=${clients.issueToken()}`,
    close: async () => {
      for (const ws of sockets.keys()) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await supervisor.stop();
    },
  };
}

function serveStatic(root: string, pathname: string, headOnly: boolean, response: http.ServerResponse, refuse: (status: number, text: string) => void): void {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return refuse(400, 'Bad path.');
  }
  const relative = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
  const file = path.resolve(root, relative);
  // Path traversal: the resolved file must stay inside the renderer folder.
  if (file !== root && !file.startsWith(root + path.sep)) return refuse(404, 'Not found.');
  fs.stat(file, (error, stat) => {
    if (error || !stat.isFile()) return refuse(404, 'Not found.');
    response.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream', 'Content-Length': stat.size });
    if (headOnly) response.end();
    else fs.createReadStream(file).pipe(response);
  });
}
