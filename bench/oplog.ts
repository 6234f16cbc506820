/**
 * Ops applied per second through the one apply path (validate, clock, store once, project), beside
 * raw SQLCipher inserts of the same rows into a table of the same shape, measured in the same run.
 * Target (issue 9): the apply path at least half as fast as raw inserts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openCore } from '../electron/core/core';
import { openDatabase } from '../electron/core/db/connection';
import { generateKeyHex } from '../electron/core/db/key-file';
import { importCustomers } from '../electron/core/customers/import';
import { allOps } from '../electron/core/oplog/digest';
import type { StoredOp } from '../electron/core/oplog/types';
import { migrate } from '../electron/core/db/migrations';
import { searchKeysFor } from '../electron/core/customers/search-keys';
import { demoCustomer, seededRandom } from '../shared/domain/demo';

const BATCH = 1_000;

/** Seconds to insert these ops (and, with `projection`, the rows they project to) with plain prepared INSERTs. */
export function rawInserts(file: string, ops: readonly StoredOp[], projection: boolean): number {
  const raw = openDatabase(file, generateKeyHex());
  migrate(raw);
  const insertOp = raw.prepare('INSERT INTO ops (op_id, device_id, seq, hlc, staff_id, entity, entity_id, changes, schema_version) VALUES (:opId, :deviceId, :seq, :hlc, :staffId, :entity, :entityId, :changes, :schemaVersion)');
  const insertCustomer = raw.prepare(
    'INSERT INTO customers (id, doc, name, mobile, id_number, birth_date, grade, created_at, updated_hlc, field_hlc) VALUES (:id, :doc, :name, :mobile, :idNumber, :birthDate, :grade, 0, :hlc, :fieldHlc)',
  );
  // Each key with the list columns it carries (migration 0020), as the projector writes it.
  const insertKey = raw.prepare('INSERT OR IGNORE INTO customer_search (kind, term, customer_id, summary) VALUES (:kind, :term, :customerId, :summary)');
  const insertWrite = raw.prepare('INSERT INTO field_writes (customer_id, field, as_of, seen, value, intake_id) VALUES (:customerId, :field, :asOf, :asOf, :value, NULL)');
  const started = performance.now();
  for (let index = 0; index < ops.length; index += BATCH) {
    const batch = ops.slice(index, index + BATCH);
    raw.transaction(() => {
      for (const op of batch) {
        insertOp.run({ ...op, changes: JSON.stringify(op.changes) });
        if (!projection) continue;
        const text = (key: string): string => String(op.changes[key] ?? '');
        insertCustomer.run({ id: op.entityId, doc: JSON.stringify(op.changes), name: text('name'), mobile: text('mobile'), idNumber: text('idNumber'), birthDate: text('birthDate'), grade: 'ordinary', hlc: op.hlc, fieldHlc: '{}' });
        const summary = [text('name'), text('mobile'), text('idNumber'), text('birthDate'), 'ordinary'].join('\u001f');
        for (const key of searchKeysFor({ name: text('name'), mobile: text('mobile'), idNumber: text('idNumber') })) insertKey.run({ ...key, customerId: op.entityId, summary });
        for (const field of ['name', 'idNumber', 'birthDate', 'mobile']) insertWrite.run({ customerId: op.entityId, field, asOf: op.hlc, value: JSON.stringify(op.changes[field] ?? '') });
      }
    })();
  }
  const seconds = (performance.now() - started) / 1000;
  raw.close();
  return seconds;
}

export function benchOplog(count = 20_000): void {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-desk-bench-oplog-'));
  try {
    const source = openCore({ dataDir: path.join(root, 'source'), keyHex: generateKeyHex(), appVersion: 'bench' });
    fs.mkdirSync(path.join(root, 'target'), { recursive: true });
    const random = seededRandom(9);
    for (let done = 0; done < count; done += BATCH) importCustomers(source.services, null, Array.from({ length: Math.min(BATCH, count - done) }, () => demoCustomer(random)));
    const ops = allOps(source.db).filter((op) => op.entity === 'customer');
    source.close();

    const target = openCore({ dataDir: path.join(root, 'target'), keyHex: generateKeyHex(), appVersion: 'bench' });
    const applyStarted = performance.now();
    for (let index = 0; index < ops.length; index += BATCH) {
      const batch = ops.slice(index, index + BATCH);
      target.services.transact(() => {
        for (const op of batch) target.services.ops.apply(op);
      });
    }
    const applySeconds = (performance.now() - applyStarted) / 1000;
    target.close();

    // Baseline 1: the op rows alone. Baseline 2: the same rows the apply path writes (the op, the
    // customer row, its search keys and sensitive-field writes), inserted directly: no validation,
    // no clock, no last-writer-wins, no idempotency checks.
    const rawOps = rawInserts(path.join(root, 'raw-ops.db'), ops, false);
    const rawAll = rawInserts(path.join(root, 'raw-all.db'), ops, true);

    const applied = ops.length / applySeconds;
    const line = (label: string, value: number, unit: string): void => console.log(`${label.padEnd(64)}${Math.round(value).toLocaleString('en').padStart(12)} ${unit}`);
    console.log(`\nOp log apply path (${ops.length.toLocaleString('en')} customer ops, batches of 1,000 per transaction)`);
    line('ops applied (validate, clock, store once, project)', applied, 'ops/s');
    line('baseline: raw SQLCipher inserts of the same rows (op + projection)', ops.length / rawAll, 'ops/s');
    line('baseline: raw SQLCipher inserts of the op rows alone', ops.length / rawOps, 'ops/s');
    console.log(`${'ratio to raw inserts of the same rows (target >= 0.5)'.padEnd(64)}${(applied / (ops.length / rawAll)).toFixed(2).padStart(12)}`);
    console.log(`${'ratio to raw inserts of the op rows alone'.padEnd(64)}${(applied / (ops.length / rawOps)).toFixed(2).padStart(12)}`);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}
