// Issue 9: one apply path for every op (validated, clock advanced, stored once, projected), the same
// set of ops in any order giving the same tables, rebuild from the log, and desks that converge.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { openCore, type Core } from '../../electron/core/core';
import { startDraft, submitWalkIn } from '../../electron/core/intake/intake-service';
import { decide } from '../../electron/core/review/review-service';
import { allOps, projectionDigest } from '../../electron/core/oplog/digest';
import { OpLog, OpRefused } from '../../electron/core/oplog/oplog';
import { OP_KINDS } from '../../electron/core/op-kinds';
import type { StoredOp } from '../../electron/core/oplog/types';
import { defaultConsent } from '../../shared/domain/intake/consent';
import { emptyIntakeFields, type IntakeFields } from '../../shared/domain/intake/fields';
import { seededRandom } from '../../shared/domain/demo';
import { simulate } from '../../scripts/simulate';
import { ROOT, tempDataDir } from '../support/desk';

const T0 = Date.UTC(2026, 0, 10, 9, 0, 0);
const opened: Core[] = [];

function desk(label: string, clock: { now: number }, dataDir = tempDataDir(label)): Core {
  let n = 0;
  const core = openCore({ dataDir, keyHex: 'ab'.repeat(32), appVersion: 'test', now: () => clock.now, randomId: (prefix) => `${prefix}_${label}-${String(++n).padStart(12, '0')}` });
  opened.push(core);
  return core;
}

afterEach(() => {
  for (const core of opened.splice(0)) core.close();
});

const FULL: IntakeFields = {
  ...emptyIntakeFields(), name: '周雪', mobile: '13812345678', idNumber: '11010519491231002X', addressProvince: '吉林省', addressCity: '吉林市',
  emergencyName: '周强', emergencyMobile: '13900001111', skiDiscipline: 'ski', skiAbility: 'beginner', heightCm: '168', remarks: '旧伤',
};

/** A small history on one desk: staff, a walk-in, two repeat visits, decisions in both orders. */
function history(): StoredOp[] {
  const clock = { now: T0 };
  const core = desk('src', clock);
  const { services } = core;
  services.transact(() => {
    for (const [id, role] of [['stf_a-0000000001', 'specialist'], ['stf_b-0000000001', 'specialist'], ['stf_l-0000000001', 'group_lead']] as const) {
      services.ops.append(null, { entity: 'staff', entityId: id, changes: { username: id, displayName: id, role, certified: true, active: true, passwordHash: 'x', createdAt: T0 } });
    }
  });
  const consent = { ...defaultConsent(), idConsent: true };
  const submit = (fields: IntakeFields, customerId: string | null) => {
    clock.now += 1_000;
    const draft = startDraft(services, 'stf_a-0000000001', { customerId: null, source: 'walk_in', reason: '' });
    return submitWalkIn(services, 'stf_a-0000000001', { draftId: draft.id, fields, consent, customerId, customerPresent: true, cleared: [] });
  };
  const approve = (intakeId: string) => {
    clock.now += 1_000;
    decide(services, { staffId: 'stf_b-0000000001', role: 'specialist' }, { intakeId, decision: 'cross_check_passed', notes: {}, reason: '', doubtful: false });
    decide(services, { staffId: 'stf_l-0000000001', role: 'group_lead' }, { intakeId, decision: 'lead_approved', notes: {}, reason: '', doubtful: false });
  };
  const first = submit(FULL, null);
  approve(first.intakeId);
  const a = submit({ ...emptyIntakeFields(), name: FULL.name, idNumber: FULL.idNumber, mobile: '13812340001' }, first.customerId);
  const b = submit({ ...emptyIntakeFields(), name: FULL.name, idNumber: FULL.idNumber, mobile: '13812340002', heightCm: '170' }, first.customerId);
  approve(b.intakeId);
  approve(a.intakeId);
  // A later change to a colleague's account and to a setting: the newer value must win in any order.
  clock.now += 1_000;
  services.transact(() => {
    services.ops.append(null, { entity: 'staff', entityId: 'stf_a-0000000001', changes: { displayName: '甲（改名）' } });
    services.ops.append(null, { entity: 'config', entityId: 'review_policy', changes: { walkInTargetMinutes: 7 } });
  });
  return allOps(core.db);
}

function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

describe('one apply path', () => {
  it('keeps ops of a kind it does not know in quarantine and applies them when a version that knows the kind opens the desk', () => {
    const ops = history();
    const dataDir = tempDataDir('upgrade-q');
    const clock = { now: T0 + 3_600_000 };
    // "This version": the same core, but without the review-event kind registered.
    const older = desk('old', clock, dataDir);
    const { review_event: _unknownHere, ...olderKinds } = OP_KINDS;
    const olderLog = new OpLog(older.db, older.services.ctx, olderKinds);
    older.services.transact(() => {
      for (const op of ops) olderLog.apply(op);
    });
    const waiting = ops.filter((op) => op.entity === 'review_event').length;
    expect(waiting).toBeGreaterThan(0);
    expect(older.services.ops.quarantined().filter((entry) => entry.reason.startsWith('unknown_kind'))).toHaveLength(waiting);
    expect((older.db.prepare('SELECT count(*) AS n FROM review_events').get() as { n: number }).n).toBe(0);
    older.close();
    opened.splice(opened.indexOf(older), 1);
    // "After the upgrade": the full registry opens the same folder and applies what waited.
    const upgraded = desk('new', clock, dataDir);
    expect(upgraded.services.ops.quarantined()).toEqual([]);
    expect((upgraded.db.prepare('SELECT count(*) AS n FROM review_events').get() as { n: number }).n).toBe(waiting);
    const reference = desk('ref', clock);
    reference.services.transact(() => {
      for (const op of ops) reference.services.ops.apply(op);
    });
    expect(projectionDigest(upgraded.db).digest).toBe(projectionDigest(reference.db).digest);
  });

  it('stores an op once (by op id), refuses a far-future clock, and quarantines what it cannot read', () => {
    const ops = history();
    const clock = { now: T0 + 3_600_000 };
    const { services, db } = desk('dst', clock);
    const sample = ops[0] as StoredOp;
    services.transact(() => {
      expect(services.ops.apply(sample).outcome).toBe('applied');
      expect(services.ops.apply(sample).outcome).toBe('duplicate');
      expect(services.ops.apply({ ...sample, opId: 'op_other-000000000' }).outcome).toBe('quarantined'); // same device + sequence
      expect(services.ops.apply({ ...sample, opId: 'op_kind-0000000000', seq: 9001, entity: 'loyalty_card', kind: 'loyalty_card' }).outcome).toBe('quarantined');
      expect(services.ops.apply({ ...sample, opId: 'op_newer-000000000', seq: 9002, schemaVersion: 99 }).outcome).toBe('quarantined');
      expect(services.ops.apply({ ...sample, opId: 'op_bad-00000000000', seq: 9003, entity: 'customer', kind: 'customer', changes: { shoeColour: 'red' } }).outcome).toBe('quarantined');
      expect(() => services.ops.apply({ ...sample, opId: 'op_future-00000000', seq: 9004, hlc: `${String(clock.now + 6 * 60_000).padStart(15, '0')}-00000-devX` })).toThrow(OpRefused);
    });
    expect(services.ops.quarantined().map((entry) => entry.reason.split(':')[0]).sort()).toEqual(['invalid_payload', 'newer_schema', 'sequence_taken', 'unknown_kind']);
    expect((db.prepare('SELECT count(*) AS n FROM ops').get() as { n: number }).n).toBe(1);
    // A foreign op within the drift limit moves this desk's clock past it.
    const ahead = `${String(clock.now + 4 * 60_000).padStart(15, '0')}-00000-devY`;
    services.transact(() => services.ops.apply({ ...sample, opId: 'op_ahead-000000000', deviceId: 'devY', seq: 1, hlc: ahead }));
    expect(services.meta.get('hlc_last')! > ahead).toBe(true);
  });

  it('gives one digest for the same ops in 1,000 random orders, with duplicates', () => {
    const ops = history();
    const clock = { now: T0 + 3_600_000 };
    const random = seededRandom(2026);
    const digests = new Set<string>();
    const core = desk('orders', clock);
    for (let order = 0; order < 1000; order += 1) {
      // Each order on an empty projection: clear the tables the ops project into, then apply.
      core.services.transact(() => {
        for (const table of ['staff', 'config', 'customers', 'customer_search', 'intakes']) core.db.prepare(`DELETE FROM ${table}`).run();
      });
      core.db.exec('DROP TRIGGER review_events_append_only_delete; DELETE FROM review_events; DROP TRIGGER ops_append_only_delete; DELETE FROM ops;');
      core.db.exec("CREATE TRIGGER ops_append_only_delete BEFORE DELETE ON ops BEGIN SELECT RAISE(ABORT, 'ops are append-only'); END; CREATE TRIGGER review_events_append_only_delete BEFORE DELETE ON review_events BEGIN SELECT RAISE(ABORT, 'review events are append-only'); END;");
      const delivery = shuffle([...ops, ...ops.filter(() => random() < 0.3)], random);
      core.services.transact(() => {
        for (const op of delivery) core.services.ops.apply(op);
      });
      digests.add(projectionDigest(core.db).digest);
    }
    expect(digests.size).toBe(1);
    const customer = core.db.prepare('SELECT doc FROM customers').get() as { doc: string };
    expect(JSON.parse(customer.doc)).toMatchObject({ mobile: '13812340002', heightCm: '170', addressCity: '吉林市', remarks: '旧伤' });
    expect((core.db.prepare("SELECT display_name FROM staff WHERE id = 'stf_a-0000000001'").get() as { display_name: string }).display_name).toBe('甲（改名）');
  }, 300_000);

  it('rebuilds every projection from the log and finds it identical; a changed row is named', () => {
    const clock = { now: T0 };
    const dataDir = tempDataDir('rebuild');
    const core = desk('rebuild', clock, dataDir);
    for (const op of history()) core.services.transact(() => core.services.ops.apply(op));
    fs.writeFileSync(path.join(dataDir, 'desk.key'), 'ab'.repeat(32), { mode: 0o600 });
    core.close();
    opened.splice(opened.indexOf(core), 1);
    const run = (): { code: number; last: string } => {
      try {
        const out = execFileSync('node', [path.join(ROOT, 'dist', 'cli', 'rebuild.cjs'), '--data-dir', dataDir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
        return { code: 0, last: out.trim().split('\n').pop() ?? '' };
      } catch (error) {
        const out = String((error as { stdout?: string }).stdout ?? '');
        return { code: (error as { status?: number }).status ?? -1, last: out.trim().split('\n').pop() ?? '' };
      }
    };
    const good = run();
    expect(good.code).toBe(0);
    expect(good.last).toMatch(/^rebuild: tables \d+ rows \d+ identical yes$/);
    const tampered = openCore({ dataDir, keyHex: 'ab'.repeat(32), appVersion: 'test' });
    tampered.db.prepare("UPDATE customers SET name = '改过'").run();
    tampered.close();
    const bad = run();
    expect(bad.code).toBe(1);
    expect(bad.last).toMatch(/identical no .*customers cus_\S+: column /);
  });
});

describe('convergence', () => {
  it('desks that exchange the same ops in any order hold identical tables (property, small sizes)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 3 }), fc.integer({ min: 10, max: 40 }), fc.integer({ min: 1, max: 1_000_000 }), (desks, ops, seed) => {
        const result = simulate({ desks, ops, seed });
        expect(result.ops).toBeGreaterThanOrEqual(ops);
        expect(result.identical).toBe(true);
      }),
      { numRuns: 4 },
    );
  });

  it('prints the same line for the same seed', () => {
    const a = simulate({ desks: 3, ops: 60, seed: 42 });
    const b = simulate({ desks: 3, ops: 60, seed: 42 });
    expect(a).toEqual(b);
    expect(a.identical).toBe(true);
    expect(a.ops).toBeGreaterThanOrEqual(60);
  });
});
