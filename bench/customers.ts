/**
 * Walk-in benchmarks over a large synthetic customer base (default 1,000,000; `--customers N`):
 * search p95 per kind of query through the real dispatcher, beside a raw indexed SQLite lookup on
 * the same database in the same run; submit p99 beside a raw durable INSERT; validation time per
 * keystroke beside a bare regex test; submit while a backup runs beside submit alone. The data
 * folder is cached under bench/.data.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openCore, type Core } from '../electron/core/core';
import { importCustomers, withBulkCache } from '../electron/core/customers/import';
import { readOrCreateKeyFile } from '../electron/core/db/key-file';
import { initializeDesk, isSetUp } from '../electron/core/staff/staff-service';
import { demoCustomer, seededRandom } from '../shared/domain/demo';
import { defaultConsent } from '../shared/domain/intake/consent';
import { FIELD_PRESETS, emptyIntakeFields, type IntakeFields } from '../shared/domain/intake/fields';
import { validateIntake } from '../shared/domain/intake/validate';
import { printTable, sample, type Row } from './stats';

const MANAGER = { username: 'bench.manager', displayName: '压测经理', password: 'Bench2026x' };

async function prepare(dataDir: string, count: number): Promise<Core> {
  const core = openCore({ dataDir, keyHex: readOrCreateKeyFile(dataDir), appVersion: 'bench' });
  if (!isSetUp(core.services)) await initializeDesk(core.services, { organisationName: '压测', siteName: '压测', deskName: '压测', manager: MANAGER });
  const have = (core.db.prepare('SELECT count(*) AS n FROM customers').get() as { n: number }).n;
  if (have < count) {
    const random = seededRandom(have + 1);
    const started = performance.now();
    withBulkCache(core.services, 2 * 1024 ** 3, () => {
      for (let done = have; done < count; done += 10_000) {
        importCustomers(core.services, null, Array.from({ length: Math.min(10_000, count - done) }, () => demoCustomer(random)));
        process.stdout.write(`\rpreparing ${Math.min(done + 10_000, count)} / ${count} customers`);
      }
    });
    core.db.pragma('optimize');
    process.stdout.write(` (${((performance.now() - started) / 1000).toFixed(0)} s, cached in ${dataDir})\n`);
  }
  return core;
}

export async function benchCustomers(count: number): Promise<void> {
  const dataDir = path.resolve('bench', '.data', `customers-${count}`);
  fs.mkdirSync(dataDir, { recursive: true });
  const core = await prepare(dataDir, count);
  const manager = core.services.staff.byUsername(MANAGER.username);
  if (!manager) throw new Error('bench manager missing');
  core.services.sessions.start('bench', manager.id, core.services.ctx.now());
  // The same upkeep the worker runs every 5 seconds.
  const upkeep = setInterval(() => core.maintain(), 5_000);

  // Real values to look for, spread over the table.
  const samples = core.db.prepare('SELECT name, mobile, id_number FROM customers WHERE rowid % :step = 0 LIMIT 200').all({ step: Math.max(1, Math.floor(count / 200)) }) as Array<{ name: string; mobile: string; id_number: string }>;
  const { pinyin } = await import('pinyin-pro');
  let i = 0;
  const next = (): { name: string; mobile: string; id_number: string } => {
    const found = samples[i++ % samples.length];
    if (!found) throw new Error('no sample customers');
    return found;
  };
  const search = (query: string) => core.handle('bench', { id: 1, method: 'customers.search', input: { query, limit: 50 } });
  const raw = {
    mobile: core.db.prepare('SELECT * FROM customers WHERE mobile = ? LIMIT 50'),
    key: core.db.prepare('SELECT c.* FROM customer_search s JOIN customers c ON c.id = s.customer_id WHERE s.kind = ? AND s.term = ? LIMIT 50'),
    prefix: core.db.prepare('SELECT c.* FROM customer_search s JOIN customers c ON c.id = s.customer_id WHERE s.kind = ? AND s.term >= ? AND s.term < ? LIMIT 50'),
    id: core.db.prepare('SELECT * FROM customers WHERE id_number = ? LIMIT 50'),
  };
  const initials = (name: string) => pinyin(name, { pattern: 'first', toneType: 'none', type: 'array', surname: 'head' }).join('');
  const runs = 500;
  const rows: Row[] = [
    { name: 'search: full mobile', samples: await sample(runs, () => search(next().mobile)), baseline: 'raw indexed lookup on customers.mobile', baselineSamples: await sample(runs, () => raw.mobile.all(next().mobile)) },
    { name: 'search: last 4 digits', samples: await sample(runs, () => search(next().mobile.slice(-4))), baseline: 'raw key lookup (mobile4)', baselineSamples: await sample(runs, () => raw.key.all('mobile4', next().mobile.slice(-4))) },
    { name: 'search: full ID number', samples: await sample(runs, () => search(next().id_number)), baseline: 'raw indexed lookup on customers.id_number', baselineSamples: await sample(runs, () => raw.id.all(next().id_number)) },
    { name: 'search: name (characters)', samples: await sample(runs, () => search(next().name)), baseline: 'raw prefix lookup (name)', baselineSamples: await sample(runs, () => { const n = next().name; return raw.prefix.all('name', n, `${n}\uffff`); }) },
    { name: 'search: pinyin initials', samples: await sample(runs, () => search(initials(next().name))), baseline: 'raw prefix lookup (initials)', baselineSamples: await sample(runs, () => { const q = initials(next().name); return raw.prefix.all('initials', q, `${q}\uffff`); }) },
  ];
  printTable(`Customer search over ${count.toLocaleString('en')} customers (dispatcher, in-process)`, rows);

  // Submit: start a draft and submit a complete walk-in, durably (synchronous=FULL).
  const random = seededRandom(99);
  const consent = { ...defaultConsent(), idConsent: true, guardianConsent: true };
  const submitOnce = async (): Promise<void> => {
    const fields: IntakeFields = { ...demoCustomer(random), addressProvince: '吉林省', emergencyName: '联系人', emergencyMobile: '13900001111', guardianName: '监护人', guardianMobile: '13700001111' };
    const draft = await core.handle('bench', { id: 1, method: 'intake.draft.start', input: { customerId: null } });
    if (!draft.result.ok) throw new Error(draft.result.error.code);
    const draftId = (draft.result.value as { id: string }).id;
    const submitted = await core.handle('bench', { id: 2, method: 'intake.submit', input: { draftId, fields, consent, customerId: null, customerPresent: true } });
    if (!submitted.result.ok && submitted.result.error.code !== 'CONFLICT') throw new Error(`${submitted.result.error.code} ${JSON.stringify(submitted.result.error.fields)}`);
  };
  core.db.exec('CREATE TABLE IF NOT EXISTS bench_scratch (id INTEGER PRIMARY KEY, payload TEXT)');
  const scratch = core.db.prepare('INSERT INTO bench_scratch (payload) VALUES (?)');
  const payload = JSON.stringify(emptyIntakeFields());
  printTable('Submit (start draft + submit, durable commit)', [
    { name: 'walk-in submit', samples: await sample(300, submitOnce), baseline: 'raw durable INSERT of one row', baselineSamples: await sample(300, () => core.db.transaction(() => scratch.run(payload)).immediate()) },
  ]);

  // Submit while the daily backup runs (snapshot and encryption on the backup thread).
  const backupFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-desk-bench-backup-'));
  core.services.backups.updateSettings(manager.id, { folder: backupFolder, dailyAt: '02:00', keep: 1 });
  const during: number[] = [];
  const backupStarted = performance.now();
  let backupMs = 0;
  const backup = core.services.backups.backUp(manager.id).then((record) => {
    backupMs = performance.now() - backupStarted;
    if (!record.ok) throw new Error(`backup failed: ${record.error ?? ''}`);
  });
  let backupDone = false;
  void backup.finally(() => (backupDone = true));
  while (!backupDone || during.length < 50) during.push(...(await sample(1, submitOnce)));
  await backup;
  printTable(`Submit while a backup runs (${(backupMs / 1000).toFixed(1)} s backup, ${during.length} submits during it)`, [
    { name: 'walk-in submit during backup', samples: during, baseline: 'walk-in submit, no backup', baselineSamples: await sample(Math.min(300, during.length), submitOnce) },
  ]);
  fs.rmSync(backupFolder, { recursive: true, force: true });

  // Validation per keystroke: the whole form validated after each character typed.
  const target = { ...demoCustomer(random), addressProvince: '吉林省', emergencyName: '联系人', emergencyMobile: '13900001111' };
  const keystrokes: IntakeFields[] = [];
  let typing = emptyIntakeFields();
  for (const field of ['name', 'mobile', 'idNumber', 'emergencyMobile'] as const) {
    for (const char of [...target[field]]) {
      typing = { ...typing, [field]: typing[field] + char };
      keystrokes.push(typing);
    }
  }
  let k = 0;
  const keystroke = (): IntakeFields => keystrokes[k++ % keystrokes.length] ?? typing;
  printTable('Validation per keystroke (shared/domain/intake/validate.ts, as the renderer runs it)', [
    {
      name: 'validateIntake on the whole form',
      samples: await sample(5_000, () => validateIntake(keystroke(), FIELD_PRESETS.ski_lodge)),
      baseline: 'one regex test of the typed field',
      baselineSamples: await sample(5_000, () => /^1[3-9]\d{9}$/.test(keystroke().mobile)),
    },
  ]);
  clearInterval(upkeep);
  core.close();
}
