import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const SERVER = path.resolve('dist/server/server.cjs');

describe('npm run server', () => {
  let child: ChildProcess | undefined;
  let dir: string | undefined;
  afterEach(() => {
    child?.kill('SIGTERM');
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('starts on embedded PGlite in its data folder, prints where it listens, and answers /health', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-server-cli-'));
    const dataDir = path.join(dir, 'data');
    const env = { ...process.env };
    delete env.DATABASE_URL;
    child = spawn(process.execPath, [SERVER, '--data-dir', dataDir, '--port', '0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const firstLine = await new Promise<string>((resolve, reject) => {
      let out = '';
      child?.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString('utf8');
        const end = out.indexOf('\n');
        if (end >= 0) resolve(out.slice(0, end));
      });
      child?.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
    });
    const match = /^Intake Desk server listening at (http:\/\/127\.0\.0\.1:\d+)$/.exec(firstLine);
    expect(match).not.toBeNull();
    const response = await fetch(`${match?.[1]}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', version: '0.1.0' });
    // Its data lives in the folder it was given.
    expect(fs.readdirSync(dataDir)).toContain('PG_VERSION');
  });
});
