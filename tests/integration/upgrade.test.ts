// Issue 9: a database written by the version before field-level changes (schema 3; fixture made by
// tests/fixtures/make-upgrade-fixture.sh from that code) migrates with nothing lost, field by field,
// its projections still rebuild from its log, and a repeat visit on an old customer erases nothing.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openCore, type Core } from '../../electron/core/core';
import { generateKeyHex } from '../../electron/core/db/key-file';
import { openDatabase } from '../../electron/core/db/connection';
import { SCHEMA_VERSION, migrate } from '../../electron/core/db/migrations';
import { allOps, firstDifference, project } from '../../electron/core/oplog/digest';
import { startDraft, submitWalkIn } from '../../electron/core/intake/intake-service';
import { decide } from '../../electron/core/review/review-service';
import { defaultConsent } from '../../shared/domain/intake/consent';
import { emptyIntakeFields } from '../../shared/domain/intake/fields';
import { ROOT, tempDataDir } from '../support/desk';

const FIXTURE = path.join(ROOT, 'tests', 'fixtures', 'v3-desk');
type Row = Record<string, unknown>;
const manifest = JSON.parse(fs.readFileSync(path.join(FIXTURE, 'manifest.json'), 'utf8')) as { schemaVersion: number; ops: number } & Record<'customers' | 'intakes' | 'review_events' | 'audit_log' | 'staff', Row[]>;

let core: Core | undefined;
afterEach(() => core?.close());

function openCopy(): Core {
  const dataDir = tempDataDir('upgrade');
  for (const file of ['intake-desk.db', 'desk.key']) fs.copyFileSync(path.join(FIXTURE, file), path.join(dataDir, file));
  const key = fs.readFileSync(path.join(dataDir, 'desk.key'), 'utf8').trim();
  core = openCore({ dataDir, keyHex: key, appVersion: 'test', now: () => Date.UTC(2026, 10, 21, 1, 0, 0) });
  return core;
}

const KEYS: Record<string, string> = { customers: 'id', intakes: 'id', review_events: 'id', audit_log: 'seq', staff: 'id' };

describe('upgrading a schema-3 desk', () => {
  it('keeps every row and every field of customers, intakes, review events, staff and the audit log', () => {
    expect(manifest.schemaVersion).toBe(3);
    const { db, services } = openCopy();
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    for (const [table, rows] of Object.entries({ customers: manifest.customers, intakes: manifest.intakes, review_events: manifest.review_events, audit_log: manifest.audit_log, staff: manifest.staff })) {
      const key = KEYS[table] ?? 'id';
      const all = db.prepare(`SELECT * FROM ${table} ORDER BY ${key}`).all() as Row[];
      // Opening an older desk seals its unkeyed audit chain with one keyed entry (docs/decisions/0008-keyed-audit-chain.md).
      const now = table === 'audit_log' ? all.slice(0, rows.length) : all;
      if (table === 'audit_log') expect(all.slice(rows.length).map((row) => row['action'])).toEqual(['audit.chain_keyed']);
      expect(now.map((row) => row[key]), table).toEqual(rows.map((row) => row[key]));
      rows.forEach((before, index) => {
        const after = now[index] ?? {};
        for (const [column, value] of Object.entries(before)) {
          if (column === 'doc' || column === 'fields') {
            const was = JSON.parse(String(value)) as Row;
            const is = JSON.parse(String(after[column])) as Row;
            for (const [field, fieldValue] of Object.entries(was)) expect(is[field], `${table} ${String(before[key])} ${column}.${field}`).toEqual(fieldValue);
          } else {
            expect(after[column], `${table} ${String(before[key])} ${column}`).toEqual(value);
          }
        }
      });
    }
    expect((db.prepare('SELECT count(*) AS n FROM ops').get() as { n: number }).n).toBe(manifest.ops);
    expect(services.audit.verify().ok).toBe(true);
  });

  it('still rebuilds every projection from its log, identically', () => {
    const { db } = openCopy();
    const scratch = openDatabase(':memory:', generateKeyHex());
    migrate(scratch);
    project(scratch, allOps(db));
    expect(firstDifference(db, scratch)).toBeNull();
    scratch.close();
  });

  it('takes a repeat visit on an old customer field by field', () => {
    const { services } = openCopy();
    const old = manifest.customers.find((row) => row['name'] === '李雪松');
    expect(old).toBeDefined();
    const customerId = String(old?.['id']);
    const staffId = String(manifest.staff.find((row) => row['username'] === 'staff.a')?.['id']);
    const checker = String(manifest.staff.find((row) => row['username'] === 'staff.b')?.['id']);
    const lead = String(manifest.staff.find((row) => row['username'] === 'lead.l')?.['id']);
    // The old pending intake of this customer is approved first (it made the customer), then the visit.
    const oldIntake = String(manifest.intakes.find((row) => row['customer_id'] === customerId)?.['id']);
    decide(services, { staffId: checker, role: 'specialist' }, { intakeId: oldIntake, decision: 'cross_check_passed', notes: {}, reason: '', doubtful: false });
    decide(services, { staffId: lead, role: 'group_lead' }, { intakeId: oldIntake, decision: 'lead_approved', notes: {}, reason: '', doubtful: false });
    const draft = startDraft(services, staffId, { customerId: null, source: 'walk_in', reason: '' });
    const visit = submitWalkIn(services, staffId, { draftId: draft.id, fields: { ...emptyIntakeFields(), name: '李雪松', mobile: '13812349999', idNumber: '110105198001010016' }, consent: { ...defaultConsent(), idConsent: true }, customerId, customerPresent: true, cleared: [] });
    decide(services, { staffId: checker, role: 'specialist' }, { intakeId: visit.intakeId, decision: 'cross_check_passed', notes: {}, reason: '', doubtful: false });
    decide(services, { staffId: lead, role: 'group_lead' }, { intakeId: visit.intakeId, decision: 'lead_approved', notes: {}, reason: '', doubtful: false });
    const doc = JSON.parse(String(services.customers.byId(customerId)?.doc)) as Row;
    const was = JSON.parse(String(old?.['doc'])) as Row;
    expect(doc).toEqual({ ...was, mobile: '13812349999' });
  });
});
