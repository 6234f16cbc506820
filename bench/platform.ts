/**
 * Platform benchmarks: core cold start (worker start + open + migrate) and RPC round trip through
 * the browser host, each beside a raw baseline measured in the same run on the same machine.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { startBrowserHost } from '../electron/browser-host/server';
import { openCore } from '../electron/core/core';
import { generateKeyHex } from '../electron/core/db/key-file';
import { CoreSupervisor } from '../electron/core/supervisor';
import { connect } from '../tests/support/desk';
import { printTable, sample, type Row } from './stats';

const tempDir = (label: string): string => fs.mkdtempSync(path.join(os.tmpdir(), `intake-desk-bench-${label}-`));

export async function benchPlatform(distDir: string): Promise<void> {
  const workerFile = path.join(distDir, 'electron', 'core-worker.cjs');
  const rendererDir = path.join(distDir, 'renderer');
  const rows: Row[] = [];

  // Cold start on a new data folder (creates and migrates) and on an existing one.
  const emptyWorker = path.join(tempDir('noop'), 'noop.cjs');
  fs.writeFileSync(emptyWorker, "require('node:worker_threads').parentPort.postMessage('ready');");
  const rawWorker = await sample(15, () => new Promise<void>((resolve) => {
    const worker = new Worker(emptyWorker);
    worker.once('message', () => void worker.terminate().then(() => resolve()));
  }));
  const keyHex = generateKeyHex();
  const existingDir = tempDir('existing');
  const coldNew = await sample(15, async () => {
    const supervisor = new CoreSupervisor(workerFile, { dataDir: tempDir('new'), keyHex, appVersion: 'bench' });
    await supervisor.start();
    await supervisor.stop();
  });
  const coldExisting = await sample(15, async () => {
    const supervisor = new CoreSupervisor(workerFile, { dataDir: existingDir, keyHex, appVersion: 'bench' });
    await supervisor.start();
    await supervisor.stop();
  });
  const rawOpen = await sample(15, () => {
    const db = new Database(path.join(tempDir('raw'), 'raw.db'));
    db.prepare('SELECT 1').get();
    db.close();
  });
  rows.push({ name: 'core cold start, new database', samples: coldNew, baseline: 'empty worker start + plain SQLite open', baselineSamples: rawWorker.map((value, i) => value + (rawOpen[i] ?? 0)) });
  rows.push({ name: 'core cold start, existing database', samples: coldExisting, baseline: 'empty worker start + plain SQLite open', baselineSamples: rawWorker.map((value, i) => value + (rawOpen[i] ?? 0)) });

  // RPC round trip: WebSocket → browser host → worker → dispatcher and back, beside the same
  // dispatcher called directly in this process.
  const host = await startBrowserHost({ dataDir: tempDir('host'), workerFile, rendererDir, appVersion: 'bench' });
  const client = await connect(host);
  await sample(200, () => client.call('app.ping')); // warm-up
  const roundTrip = await sample(3000, () => client.call('app.ping'));
  client.close();
  await host.close();
  const core = openCore({ dataDir: tempDir('direct'), keyHex, appVersion: 'bench' });
  await sample(200, () => core.handle('bench', { id: 1, method: 'app.ping', input: {} }));
  const direct = await sample(3000, () => core.handle('bench', { id: 1, method: 'app.ping', input: {} }));
  core.close();
  rows.push({ name: 'RPC round trip via browser host (app.ping)', samples: roundTrip, baseline: 'same dispatcher, direct in-process call', baselineSamples: direct });

  printTable('Platform', rows);
}
