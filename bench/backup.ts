/**
 * Backup while working (issue 14 item 1): what a person at the counter waits for while the desk
 * takes its backup. A demo desk (written through the op log by `npm run demo`) runs in the browser
 * host; a WebSocket client submits walk-ins one after another through the core worker, first with
 * no backup running (the baseline, same run, same database), then while the manager's "back up now"
 * runs again and again. The goal: no submit waits more than 100 ms because of a backup.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startBrowserHost } from '../electron/browser-host/server';
import { databasePath } from '../electron/core/paths';
import type { MethodInput, MethodName } from '../shared/api/contract';
import type { RpcResult } from '../shared/api/envelope';
import { demoCustomer, seededRandom } from '../shared/domain/demo';
import { defaultConsent } from '../shared/domain/intake/consent';
import { emptyIntakeFields, type IntakeFields } from '../shared/domain/intake/fields';
import { connect, type RpcClient } from '../tests/support/desk';
import { percentile } from './stats';

const DEMO_MANAGER = { username: 'demo.manager', password: 'Demo2026x' };

async function call<M extends MethodName>(client: RpcClient, method: M, input: MethodInput<M>): Promise<unknown> {
  const result = (await client.call(method, input)) as RpcResult<unknown>;
  if (!result.ok) throw new Error(`${method}: ${result.error.code} ${result.error.message}`);
  return result.value;
}

export async function benchBackupDuringEntry(distDir: string, customers: number, samples: number): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-desk-bench-backup-'));
  const dataDir = path.join(root, 'desk');
  const folder = path.join(root, 'backups');
  fs.mkdirSync(folder);
  try {
    console.log(`\nBackup while working: preparing a demo desk of ${customers.toLocaleString('en')} customers (npm run demo) …`);
    const demo = spawnSync(process.execPath, [path.join(distDir, 'cli', 'demo.cjs'), '--customers', String(customers), '--data-dir', dataDir, '--seed', '20261206'], { stdio: ['ignore', 'ignore', 'ignore'] });
    if (demo.status !== 0) throw new Error('npm run demo failed');
    const host = await startBrowserHost({ dataDir, workerFile: path.join(distDir, 'electron', 'core-worker.cjs'), rendererDir: path.join(distDir, 'renderer'), appVersion: 'bench' });
    const counter = await connect(host);
    const manager = await connect(host);
    try {
      await call(counter, 'auth.login', DEMO_MANAGER);
      await call(manager, 'auth.login', DEMO_MANAGER);
      await call(manager, 'backup.settings.update', { folder, dailyAt: '02:00', keep: 3 });
      // Setting the folder backs up at once (a missed day): let that one finish first.
      while ((await call(manager, 'backup.status', {}) as { running?: boolean }).running) await new Promise((resolve) => setTimeout(resolve, 100));

      const random = seededRandom(1206);
      const consent = { ...defaultConsent(), idConsent: true, guardianConsent: true };
      const submitOnce = async (): Promise<number> => {
        const fields: IntakeFields = { ...emptyIntakeFields(), ...demoCustomer(random), addressProvince: '吉林省', emergencyName: '联系人', emergencyMobile: '13900001111', guardianName: '监护人', guardianMobile: '13700001111' };
        const started = performance.now();
        const draft = (await call(counter, 'intake.draft.start', { customerId: null })) as { id: string };
        const result = (await counter.call('intake.submit', { draftId: draft.id, fields, consent, customerId: null, customerPresent: true, cleared: [] })) as RpcResult<unknown>;
        if (!result.ok && result.error.code !== 'CONFLICT') throw new Error(`intake.submit: ${result.error.code}`);
        return performance.now() - started;
      };

      const quiet: number[] = [];
      while (quiet.length < samples) quiet.push(await submitOnce());

      const during: number[] = [];
      const backups: Array<{ ms: number; bytes: number }> = [];
      while (during.length < samples || backups.length < 3) {
        const started = performance.now();
        let done = false;
        const backup = (call(manager, 'backup.now', {}) as Promise<{ ok: boolean; name: string | null; message: string | null }>).then((record) => {
          done = true;
          if (!record.ok || !record.name) throw new Error(`backup failed: ${record.message ?? ''}`);
          backups.push({ ms: performance.now() - started, bytes: fs.statSync(path.join(folder, record.name)).size });
        });
        while (!done) during.push(await submitOnce());
        await backup;
      }

      const dbBytes = fs.statSync(databasePath(dataDir)).size;
      const f = (values: number[], p: number): string => ` ${percentile(values, p).toFixed(1)} ms`.padStart(12);
      const max = (values: number[]): string => ` ${Math.max(...values).toFixed(1)} ms`.padStart(12);
      console.log(`Data: ${customers.toLocaleString('en')} demo customers, database ${(dbBytes / 1024 ** 2).toFixed(0)} MB encrypted; load average ${os.loadavg().map((n) => n.toFixed(1)).join(' ')}`);
      console.log(`Path: WebSocket client → browser host → core worker (draft start + submit, durable), while a second client runs backup.now`);
      console.log(`${'figure'.padEnd(44)}${'n'.padStart(6)}${'p50'.padStart(12)}${'p95'.padStart(12)}${'p99'.padStart(12)}${'max'.padStart(12)}  goal`);
      console.log(`${'submit while a backup runs'.padEnd(44)}${String(during.length).padStart(6)}${f(during, 50)}${f(during, 95)}${f(during, 99)}${max(during)}  no wait > 100 ms`);
      console.log(`${'baseline: submit, no backup (same run)'.padEnd(44)}${String(quiet.length).padStart(6)}${f(quiet, 50)}${f(quiet, 95)}${f(quiet, 99)}${max(quiet)}`);
      const took = backups.map((b) => b.ms);
      console.log(`${'backup.now (snapshot + seal + write)'.padEnd(44)}${String(backups.length).padStart(6)}${f(took, 50)}${f(took, 95)}${f(took, 99)}${max(took)}  archive ${((backups[0]?.bytes ?? 0) / 1024 ** 2).toFixed(1)} MB`);
    } finally {
      counter.close();
      manager.close();
      await host.close();
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}
