/**
 * Convergence you can run (issue 9): N desks, each the real core over its own SQLCipher database in
 * a temp folder, make realistic ops (walk-ins, repeat visits of the same customer on several desks
 * before they hear of each other, corrections, review decisions by different staff) and exchange them in a
 * seeded random order, with duplicates and delays; then every desk's projection tables are
 * digested. The same seed gives the same ops, the same ids and the same digest.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openCore, type Core } from '../electron/core/core';
import { allOps, firstDifference, projectionDigest } from '../electron/core/oplog/digest';
import type { StoredOp } from '../electron/core/oplog/types';
import { startDraft, submitWalkIn } from '../electron/core/intake/intake-service';
import { decide } from '../electron/core/review/review-service';
import { defaultConsent } from '../shared/domain/intake/consent';
import { emptyIntakeFields } from '../shared/domain/intake/fields';
import { demoCustomer, seededRandom } from '../shared/domain/demo';
import type { Role } from '../shared/domain/auth/roles';

export interface SimulationResult {
  desks: number;
  ops: number;
  identical: boolean;
  digest: string;
  conflicts: number;
}

const STAFF: ReadonlyArray<readonly [id: string, role: Role]> = [
  ['stf_sim-specialist-1', 'specialist'],
  ['stf_sim-specialist-2', 'specialist'],
  ['stf_sim-specialist-3', 'specialist'],
  ['stf_sim-lead-0000001', 'group_lead'],
  ['stf_sim-manager-00001', 'manager'],
];

function seededIds(random: () => number, label: string): (prefix: string) => string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return (prefix) => {
    let text = '';
    for (let i = 0; i < 20; i += 1) text += alphabet[Math.floor(random() * alphabet.length)];
    return `${prefix}_${label}${text}`;
  };
}

export function simulate(options: { desks: number; ops: number; seed: number }): SimulationResult {
  const random = seededRandom(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-desk-converge-'));
  let clock = Date.UTC(2026, 0, 10, 9, 0, 0);
  const desks: Core[] = [];
  try {
    for (let index = 0; index < options.desks; index += 1) {
      const dataDir = path.join(root, `desk${index}`);
      fs.mkdirSync(dataDir);
      const skew = Math.floor(random() * 60_000) - 30_000;
      desks.push(openCore({ dataDir, keyHex: (index + 1).toString(16).padStart(64, '0'), appVersion: 'sim', now: () => clock + skew, randomId: seededIds(seededRandom(options.seed * 1000 + index + 1), `d${index}`) }));
    }
    const [first] = desks;
    if (!first) throw new Error('no desks');
    first.services.transact(() => {
      for (const [id, role] of STAFF) {
        first.services.ops.append(null, { entity: 'staff', entityId: id, changes: { username: id, displayName: id, role, certified: true, active: true, passwordHash: 'sim', createdAt: clock } });
      }
      first.services.ops.append(null, { entity: 'config', entityId: 'intake_fields', changes: { addressProvince: 'optional', emergencyName: 'optional' } });
    });
    const deliver = (to: Core, ops: readonly StoredOp[]): void => {
      to.services.transact(() => {
        for (const op of ops) to.services.ops.apply(op);
      });
    };
    const shuffled = <T>(items: readonly T[]): T[] => {
      const copy = [...items];
      for (let i = copy.length - 1; i > 0; i -= 1) {
        const j = Math.floor(random() * (i + 1));
        [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
      }
      return copy;
    };
    const exchange = (from: Core, to: Core, share: number): void => {
      const ops = allOps(from.db).filter(() => random() < share);
      const duplicates = ops.filter(() => random() < 0.2);
      deliver(to, shuffled([...ops, ...duplicates]));
    };
    for (const desk of desks.slice(1)) deliver(desk, allOps(first.db));

    const consent = { ...defaultConsent(), idConsent: true, guardianConsent: true };
    const guardian = { guardianName: '监护人', guardianMobile: '13700000000' };
    let made = 0;
    let guard = 0;
    while (made < options.ops && guard < options.ops * 50) {
      guard += 1;
      clock += 1 + Math.floor(random() * 5_000);
      const desk = pick(desks);
      const { services } = desk;
      const before = allOpsCount(desk);
      const action = random();
      const staff = pick(STAFF.filter(([, role]) => role === 'specialist'))[0];
      try {
        if (action < 0.3) {
          const draft = startDraft(services, staff, { customerId: null, source: 'walk_in', reason: '' });
          submitWalkIn(services, staff, { draftId: draft.id, fields: { ...demoCustomer(random), ...guardian }, consent, customerId: null, customerPresent: true, cleared: [] });
        } else if (action < 0.55) {
          const known = services.ctx.db.prepare('SELECT id, name, id_number FROM customers ORDER BY id').all() as Array<{ id: string; name: string; id_number: string }>;
          if (known.length === 0) continue;
          const customer = pick(known);
          const draft = startDraft(services, staff, { customerId: null, source: 'walk_in', reason: '' });
          const fields = { ...emptyIntakeFields(), name: customer.name, idNumber: customer.id_number, mobile: `139${String(Math.floor(random() * 1e8)).padStart(8, '0')}`, heightCm: String(150 + Math.floor(random() * 40)), ...guardian };
          submitWalkIn(services, staff, { draftId: draft.id, fields, consent, customerId: customer.id, customerPresent: true, cleared: random() < 0.2 ? ['remarks'] : [] });
        } else if (action < 0.62) {
          // A correction (更正) of a known customer: opened from their record, one field changed.
          const known = services.ctx.db.prepare('SELECT id FROM customers ORDER BY id').all() as Array<{ id: string }>;
          if (known.length === 0) continue;
          const customer = pick(known);
          const draft = startDraft(services, staff, { customerId: customer.id, source: 'correction', reason: '客户要求更正' });
          submitWalkIn(services, staff, { draftId: draft.id, fields: { ...draft.fields, addressDetail: `更正路 ${Math.floor(random() * 100)} 号`, ...guardian }, consent, customerId: customer.id, customerPresent: true, cleared: [] });
        } else if (action < 0.85) {
          const open = services.ctx.db.prepare("SELECT id, status, entered_by FROM intakes WHERE status IN ('pending_cross_check', 'pending_lead_approval', 'pending_final_review') ORDER BY id").all() as Array<{ id: string; status: string; entered_by: string }>;
          if (open.length === 0) continue;
          const intake = pick(open);
          if (intake.status === 'pending_cross_check') {
            const checker = pick(STAFF.filter(([id, role]) => role === 'specialist' && id !== intake.entered_by))[0];
            decide(services, { staffId: checker, role: 'specialist' }, { intakeId: intake.id, decision: random() < 0.85 ? 'cross_check_passed' : 'cross_check_failed', notes: { mobile: '请核对' }, reason: '', doubtful: false });
          } else if (intake.status === 'pending_lead_approval') {
            decide(services, { staffId: 'stf_sim-lead-0000001', role: 'group_lead' }, { intakeId: intake.id, decision: 'lead_approved', notes: {}, reason: '', doubtful: false });
          } else {
            decide(services, { staffId: 'stf_sim-manager-00001', role: 'manager' }, { intakeId: intake.id, decision: 'final_approved', notes: {}, reason: '', doubtful: false });
          }
        } else {
          const other = pick(desks);
          if (other !== desk) exchange(desk, other, 0.3 + random() * 0.7);
        }
      } catch (error) {
        if (process.env['SIM_DEBUG']) process.stderr.write(`${String(error)} ${JSON.stringify((error as { fields?: unknown }).fields ?? {})}\n`);
        // A decision this desk's view does not allow (yet): what a person would see refused.
      }
      made += ownOps(desk) > before ? ownOps(desk) - before : 0;
    }
    // Everyone hears everything, in a random order, some twice.
    for (let round = 0; round < 2; round += 1) for (const from of desks) for (const to of desks) if (from !== to) exchange(from, to, 1);
    const digests = desks.map((desk) => projectionDigest(desk.db).digest);
    const odd = desks.find((desk) => projectionDigest(desk.db).digest !== digests[0]);
    if (odd && process.env['SIM_DEBUG']) process.stderr.write(`first difference: ${firstDifference(first.db, odd.db)}\n`);
    // Raised for a lead: sensitive fields changed by visits that did not see each other, and intakes decided differently.
    const conflicts = first.services.customers.conflicts(null).length + (first.db.prepare("SELECT count(*) AS n FROM intakes WHERE status = 'needs_attention'").get() as { n: number }).n;
    return { desks: options.desks, ops: made, identical: digests.every((digest) => digest === digests[0]), digest: digests[0] ?? '', conflicts };
  } finally {
    for (const desk of desks) desk.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

function allOpsCount(desk: Core): number {
  return ownOps(desk);
}

function ownOps(desk: Core): number {
  return (desk.db.prepare('SELECT count(*) AS n FROM ops WHERE device_id = ?').get(desk.services.ctx.deviceId) as { n: number }).n;
}
