import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { buildSync } from 'esbuild';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

// The core's bundle run from V8's code cache (docs/decisions/0038), on a small bundle in a temp
// folder. Each run is a process of its own, as each start of the desk is: within one process V8
// keeps what it compiled in memory and would not look at the cache on disk at all.
const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) fs.rmSync(folder, { recursive: true, force: true });
});

let runner = '';
beforeAll(() => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-desk-code-cache-runner-'));
  runner = path.join(folder, 'runner.cjs');
  // Runs the bundle named on the command line, prints whether it came from the cache, and stays
  // a moment so the cache is written (writeAfterMs 0).
  const entry = path.join(folder, 'runner.ts');
  fs.writeFileSync(entry, `import { runWithCodeCache } from ${JSON.stringify(path.join(__dirname, 'code-cache'))};\nconst run = runWithCodeCache(process.argv[2] ?? '', 0);\nprocess.stdout.write(JSON.stringify(run));\nsetTimeout(() => undefined, 200);\n`);
  buildSync({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', outfile: runner, logLevel: 'error' });
});
afterAll(() => fs.rmSync(path.dirname(runner), { recursive: true, force: true }));

function runWithCodeCache(file: string): { fromCache: boolean } {
  const run = spawnSync(process.execPath, [runner, file], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout) as { fromCache: boolean };
}

function bundle(body: string): { file: string; runs: () => number } {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-desk-code-cache-'));
  folders.push(folder);
  const file = path.join(folder, 'core.cjs');
  const counter = path.join(folder, 'runs.txt');
  // The bundle records each run in a file next to it (through the require and __dirname it is given).
  fs.writeFileSync(file, `const fs = require('node:fs'); const path = require('node:path'); ${body}\nfs.appendFileSync(path.join(__dirname, 'runs.txt'), 'x');\nmodule.exports = { ran: true };\n`);
  return { file, runs: () => (fs.existsSync(counter) ? fs.readFileSync(counter, 'utf8').length : 0) };
}

const cacheFiles = (file: string): string[] => {
  const folder = path.join(path.dirname(file), '.v8-cache');
  return fs.existsSync(folder) ? fs.readdirSync(folder).filter((name) => name.endsWith('.bin')) : [];
};

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('runWithCodeCache', () => {
  it('compiles from source the first time, writes the cache after the wait, and runs from it the next time', async () => {
    const { file, runs } = bundle('function add(a, b) { return a + b; } add(1, 2);');
    expect(runWithCodeCache(file).fromCache).toBe(false);
    expect(runs()).toBe(1);
    await until(() => cacheFiles(file).length === 1);
    expect(cacheFiles(file)).toHaveLength(1);
    expect(runWithCodeCache(file).fromCache).toBe(true);
    expect(runs()).toBe(2);
  });

  it('never reads the cache of another build of the bundle, even one of the same length and time, and removes it', async () => {
    const { file, runs } = bundle("fs.writeFileSync(path.join(__dirname, 'which.txt'), 'build A');");
    const which = (): string => fs.readFileSync(path.join(path.dirname(file), 'which.txt'), 'utf8');
    runWithCodeCache(file);
    expect(which()).toBe('build A');
    await until(() => cacheFiles(file).length === 1);
    const old = cacheFiles(file)[0];
    // The same length, the same time: V8's own check would run build A's code for it.
    const { mtime } = fs.statSync(file);
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace("'build A'", "'build B'"));
    fs.utimesSync(file, mtime, mtime);
    expect(runWithCodeCache(file).fromCache).toBe(false);
    expect(which()).toBe('build B');
    expect(runs()).toBe(2);
    await until(() => cacheFiles(file).length === 1 && cacheFiles(file)[0] !== old);
    expect(cacheFiles(file)).toHaveLength(1);
    expect(cacheFiles(file)[0]).not.toBe(old);
    expect(runWithCodeCache(file).fromCache).toBe(true);
    expect(which()).toBe('build B');
  });

  it('runs from source when the cache is damaged, and writes a good one', async () => {
    const { file, runs } = bundle('const value = 3;');
    runWithCodeCache(file);
    await until(() => cacheFiles(file).length === 1);
    const cache = path.join(path.dirname(file), '.v8-cache', cacheFiles(file)[0]!);
    fs.writeFileSync(cache, Buffer.from('not a code cache'));
    expect(runWithCodeCache(file).fromCache).toBe(false);
    expect(runs()).toBe(2);
    await until(() => fs.statSync(cache).size > 100);
    expect(runWithCodeCache(file).fromCache).toBe(true);
  });

  it('still runs when its folder cannot be written (a packaged, read-only app)', async () => {
    const { file, runs } = bundle('const value = 4;');
    fs.writeFileSync(path.join(path.dirname(file), '.v8-cache'), 'a file where the folder would be');
    expect(runWithCodeCache(file).fromCache).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(runWithCodeCache(file).fromCache).toBe(false);
    expect(runs()).toBe(2);
  });
});
