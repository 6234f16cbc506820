/**
 * The browser host: the same core and the same built renderer as the Electron shell, served on
 * 127.0.0.1 for machines without the Electron runtime. RPC travels over one WebSocket per page.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { MAX_REQUEST_BYTES, fail, requestIdOf, type RpcResponse } from '../../shared/api/envelope';
import { readOrCreateKeyFile } from '../core/db/key-file';
import { createLogger } from '../core/logger';
import { CoreStartError, CoreSupervisor } from '../core/supervisor';
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
  /** The clock that expires unused launch links (tests move it instead of waiting). */
  launchClock?: () => number;
  /**
   * Serve the renderer while the core is still opening the database (`npm start`): the page loads
   * and parses meanwhile, and its first calls wait for the core. `startBrowserHost` then resolves
   * once it listens, and `coreReady` says when the core is up (or why it cannot start). Without it,
   * it resolves once the core is ready.
   */
  serveWhileCoreStarts?: boolean;
}

export interface BrowserHost {
  readonly origin: string;
  readonly supervisor: CoreSupervisor;
  /** Resolves when the core is ready or the recovery screen is served; rejects when neither can be. */
  readonly coreReady: Promise<void>;
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
  const coreReady = supervisor.start().catch(async (error: unknown) => {
    // The recovery screen's handler (the whole contract, backups, restore) loads only when it is
    // needed: loading it first held up every start by a few hundred ms (issue 12).
    const { isRecoverable, recoveryHandler } = await import('../core/backup/recovery-handler');
    if (!(error instanceof CoreStartError) || !isRecoverable(error.code)) throw error;
    log.error('the database cannot be opened; serving the recovery screen', { code: error.code });
    recovery = recoveryHandler(options.dataDir, error.code, async (restoredKey) => {
      await supervisor.restartAfterRecovery(restoredKey);
      recovery = undefined;
      broadcast(null, { type: 'event', event: 'core.restarted', payload: { reason: 'restored' } });
    });
  });
  /** What requests wait for before they are routed: the core up, or the recovery handler in place. */
  const routable = coreReady.catch(() => undefined);
  if (!options.serveWhileCoreStarts) await coreReady;

  const clients = new ClientRegistry(options.launchClock);
  const sockets = new Map<WebSocket, string>();
  const rendererRoot = path.resolve(options.rendererDir);
  let port = 0;

  const handleRequest = (request: http.IncomingMessage, response: http.ServerResponse): void => {
    const refuse = (status: number, text: string): void => {
      response.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
      response.end(text);
    };
    if (!hostAllowed(request.headers, port)) return refuse(421, 'Unknown host.');
    if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(405, 'Method not allowed.');
    const url = parseUrl(request.url, port);
    if (!url) return refuse(400, 'Bad path.');
    if (url.pathname === '/launch') {
      const secret = clients.redeem(url.searchParams.get('token'));
      if (!secret) return refuse(403, 'This launch link was already used, has expired or is not valid. Start Intake Desk again for a new one.');
      response.writeHead(303, { ...SECURITY_HEADERS, Location: '/', 'Set-Cookie': `${COOKIE_NAME}=${secret}; HttpOnly; SameSite=Strict; Path=/` });
      response.end();
      return;
    }
    if (!clients.clientOf(readCookie(request.headers, COOKIE_NAME))) {
      return refuse(403, 'Open Intake Desk from the link it printed when it started.');
    }
    serveStatic(rendererRoot, url.pathname, request.method === 'HEAD', response, refuse);
  };

  // No input may end the process: the handler's own failures become a 500 for that request only.
  const server = http.createServer((request, response) => {
    try {
      handleRequest(request, response);
    } catch (error) {
      log.error('request failed', { error: error instanceof Error ? error.name : 'unknown' });
      if (!response.headersSent) response.writeHead(500, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
      response.end();
    }
  });
  server.on('clientError', (_error, socket: Duplex) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_REQUEST_BYTES });
  wss.on('error', (error) => log.error('websocket server error', { error: error.name }));

  /** The client's last socket closed (its last tab): the core locks that client's session. */
  const socketGone = (ws: WebSocket, clientId: string, closedByUs: boolean): void => {
    if (!sockets.delete(ws)) return;
    if (closedByUs) return; // a refused frame: the page reconnects at once and keeps its session
    for (const owner of sockets.values()) if (owner === clientId) return;
    supervisor.clientClosed(clientId);
  };

  const answer = (ws: WebSocket, reply: RpcResponse): void => {
    if (ws.readyState !== ws.OPEN) return;
    try {
      ws.send(JSON.stringify({ type: 'response', ...reply }));
    } catch (error) {
      log.error('an answer could not be sent', { error: error instanceof Error ? error.name : 'unknown' });
    }
  };

  /** An answer the core serialised: `{"id":…,"result":…}` becomes `{"type":"response","id":…,"result":…}`, without parsing it. */
  const answerSerialized = (ws: WebSocket, json: string): void => {
    if (ws.readyState !== ws.OPEN) return;
    try {
      ws.send(`{"type":"response",${json.slice(1)}`);
    } catch (error) {
      log.error('an answer could not be sent', { error: error instanceof Error ? error.name : 'unknown' });
    }
  };

  const acceptSocket = (ws: WebSocket, clientId: string): void => {
    sockets.set(ws, clientId);
    let refusedFrame = false;
    // A bad frame (too big, not UTF-8, reserved opcode, RSV bits) makes ws emit `error` and close
    // this one connection with 1009, 1007 or 1002; without this listener the process would exit.
    ws.on('error', (error: Error & { code?: string }) => {
      refusedFrame = true;
      log.warn('websocket frame refused; connection closed', { code: error.code ?? error.name });
    });
    ws.on('message', (data, isBinary) => {
      if (isBinary) return answer(ws, { id: -1, result: fail('BAD_REQUEST', 'binary frames are not accepted') });
      let parsed: unknown;
      try {
        parsed = JSON.parse(bufferText(data));
      } catch {
        return answer(ws, { id: -1, result: fail('BAD_REQUEST', 'not JSON') });
      }
      routable.then((): Promise<RpcResponse | string> => (recovery ? recovery(parsed) : supervisor.callSerialized(clientId, parsed))).then(
        (reply) => (typeof reply === 'string' ? answerSerialized(ws, reply) : answer(ws, reply)),
        () => answer(ws, { id: requestIdOf(parsed), result: fail('INTERNAL', 'internal error') }),
      );
    });
    ws.on('close', () => socketGone(ws, clientId, refusedFrame));
  };

  server.on('upgrade', (request, socket: Duplex, head) => {
    socket.on('error', () => socket.destroy());
    try {
      const clientId = clients.clientOf(readCookie(request.headers, COOKIE_NAME));
      const url = parseUrl(request.url, port);
      if (url?.pathname !== '/rpc' || !hostAllowed(request.headers, port) || !originAllowed(request.headers, port) || !clientId) {
        socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
        return;
      }
      wss.handleUpgrade(request, socket, head, (ws) => acceptSocket(ws, clientId));
    } catch (error) {
      log.error('upgrade failed', { error: error instanceof Error ? error.name : 'unknown' });
      socket.destroy();
    }
  });

  const broadcast = (clientId: string | null, message: unknown): void => {
    const text = JSON.stringify(message);
    for (const [ws, owner] of sockets) if ((clientId === null || owner === clientId) && ws.readyState === ws.OPEN) ws.send(text, () => undefined);
  };
  supervisor.on('event', (clientId, event) => broadcast(clientId, { type: 'event', ...event }));
  supervisor.on('restarted', (reason) => broadcast(null, { type: 'event', event: 'core.restarted', payload: { reason } }));
  supervisor.on('fatal', (error) => log.error('core cannot run', { code: error.code }));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  server.on('error', (error) => log.error('http server error', { error: error.name }));
  port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;

  return {
    origin,
    supervisor,
    coreReady,
    launchUrl: () => `${origin}/launch?token=${clients.issueToken()}`,
    close: async () => {
      // Each window still open is closed now, and the core hears of it before it is asked to stop:
      // its lock (and the signed audit head after it) is written before the worker ends, not raced
      // by the sockets' close events.
      const open = [...sockets.entries()];
      sockets.clear();
      for (const [ws] of open) ws.terminate();
      for (const clientId of new Set(open.map(([, owner]) => owner))) supervisor.clientClosed(clientId);
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await supervisor.stop();
    },
  };
}

function parseUrl(raw: string | undefined, port: number): URL | undefined {
  try {
    return new URL(raw ?? '/', `http://127.0.0.1:${port}`);
  } catch {
    return undefined;
  }
}

function bufferText(data: Buffer | ArrayBuffer | Buffer[]): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}

function serveStatic(root: string, pathname: string, headOnly: boolean, response: http.ServerResponse, refuse: (status: number, text: string) => void): void {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return refuse(400, 'Bad path.');
  }
  // A path that cannot name a file (a NUL byte, which fs refuses by throwing) is a bad request.
  if (decoded.includes('\0')) return refuse(400, 'Bad path.');
  const relative = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
  const file = path.resolve(root, relative);
  // Path traversal: the resolved file must stay inside the renderer folder.
  if (file !== root && !file.startsWith(root + path.sep)) return refuse(404, 'Not found.');
  fs.stat(file, (error, stat) => {
    if (error || !stat.isFile()) return refuse(404, 'Not found.');
    response.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream', 'Content-Length': stat.size });
    if (headOnly) return void response.end();
    const stream = fs.createReadStream(file);
    stream.on('error', () => response.destroy());
    stream.pipe(response);
  });
}
