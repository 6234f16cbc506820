import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';

const SERVER = path.resolve('dist/server/server.cjs');
// PGlite's first start (initdb in WebAssembly) takes seconds, more on a busy machine.
vi.setConfig({ testTimeout: 120_000 });

describe('npm run server', () => {
  let child: ChildProcess | undefined;
  let dir: string | undefined;
  afterEach(() => {
    child?.kill('SIGTERM');
    child = undefined;
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Starts the built server with these arguments (never on DATABASE_URL) and resolves with its first line. */
  function startServer(args: string[]): Promise<string> {
    const env = { ...process.env };
    delete env.DATABASE_URL;
    child = spawn(process.execPath, [SERVER, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    return new Promise<string>((resolve, reject) => {
      let out = '';
      child?.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString('utf8');
        const end = out.indexOf('\n');
        if (end >= 0) resolve(out.slice(0, end));
      });
      child?.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
    });
  }

  it('starts on embedded PGlite in its data folder, prints where it listens, and answers /health', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-server-cli-'));
    const dataDir = path.join(dir, 'data');
    const firstLine = await startServer(['--data-dir', dataDir, '--port', '0']);
    const match = /^Intake Desk server listening at (http:\/\/127\.0\.0\.1:\d+)$/.exec(firstLine);
    expect(match).not.toBeNull();
    const response = await fetch(`${match?.[1]}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', version: '0.1.0' });
    // Its data lives in the folder it was given.
    expect(fs.readdirSync(dataDir)).toContain('PG_VERSION');
  });

  it('terminates TLS itself with a configured certificate', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-server-tls-'));
    const cert = path.join(dir, 'cert.pem');
    const key = path.join(dir, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    const firstLine = await startServer(['--data-dir', path.join(dir, 'data'), '--port', '0', '--tls-cert', cert, '--tls-key', key]);
    const match = /^Intake Desk server listening at (https:\/\/127\.0\.0\.1:(\d+))$/.exec(firstLine);
    expect(match).not.toBeNull();
    const answer = await new Promise<{ status: number; hsts: string | undefined; body: string }>((resolve, reject) => {
      https
        .get({ host: '127.0.0.1', port: Number(match?.[2]), path: '/health', ca: fs.readFileSync(cert) }, (response) => {
          let body = '';
          response.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, hsts: response.headers['strict-transport-security'], body }));
        })
        .on('error', reject);
    });
    expect(answer.status).toBe(200);
    expect(answer.hsts).toMatch(/max-age=\d+/);
    expect(JSON.parse(answer.body)).toMatchObject({ status: 'ok' });
  });
});
