// Issue 12 (docs/decisions/0035): how many intakes are in each review status, per person who entered
// them, is kept as intakes change, so a review queue's count costs a row or two. These tests hold the
// kept counts to a count of the intakes — after submits and review history, after a status change,
// an intake entered by someone else, a removal, and on a desk that upgrades from schema 18 — and the
// manager's queue counts to the intakes themselves.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCore, type Core } from '../../electron/core/core';
import { openDatabase } from '../../electron/core/db/connection';
import { databasePath } from '../../electron/core/paths';
import { TEST_CLOCK_START } from '../support/desk';
import { openHistoryDesk } from '../support/history-desk';
import { asSchema19 } from '../support/schema-19';

const CLIENT = 'counts-test';
let core: Core;
let dataDir: string;
let keyHex: string;
let managerId: string;

beforeEach(async () => {
  ({ core, dataDir, keyHex, managerId } = await openHistoryDesk('intake-counts', CLIENT, [{ customers: 120, seed: 21, daysAgo: 10 }], { otherTypist: 'stf_other-typist' }));
});

afterEach(() => core.close());

type Counts = Record<string, number>;
const kept = (): Counts =>
  Object.fromEntries((core.db.prepare('SELECT status, entered_by, n FROM intake_counts WHERE n <> 0').all() as Array<{ status: string; entered_by: string; n: number }>).map((row) => [`${row.status}|${row.entered_by}`, row.n]));
const counted = (): Counts =>
  Object.fromEntries((core.db.prepare('SELECT status, entered_by, count(*) AS n FROM intakes GROUP BY status, entered_by').all() as Array<{ status: string; entered_by: string; n: number }>).map((row) => [`${row.status}|${row.entered_by}`, row.n]));

describe('intake counts kept per status and enterer', () => {
  it('equal a count of the intakes after submits and review history', () => {
    const counts = counted();
    expect(Object.keys(counts).length).toBeGreaterThan(3);
    expect(kept()).toEqual(counts);
    // No count ever goes below zero.
    expect(core.db.prepare('SELECT count(*) FROM intake_counts WHERE n < 0').pluck().get()).toBe(0);
  });

  it('follow a status change, an intake entered by someone else, and a removal', () => {
    const intake = core.db.prepare("SELECT id FROM intakes WHERE status = 'pending_cross_check' LIMIT 1").pluck().get() as string;
    core.db.prepare("UPDATE intakes SET status = 'valid' WHERE id = ?").run(intake);
    expect(kept()).toEqual(counted());
    core.db.prepare("UPDATE intakes SET entered_by = 'stf_someone-else' WHERE id = ?").run(intake);
    expect(kept()).toEqual(counted());
    core.db.prepare('DELETE FROM intakes WHERE id = ?').run(intake);
    expect(kept()).toEqual(counted());
  });

  it('give the manager\'s queues the counts the intakes give', async () => {
    const response = await core.handle(CLIENT, { id: 1, method: 'review.queues', input: {} });
    if (!response.result.ok) throw new Error(response.result.error.code);
    const pages = (response.result.value as { pages: Record<string, { count: number; capped: boolean }> }).pages;
    const others = (status: string): number => core.db.prepare('SELECT count(*) FROM intakes WHERE status = ? AND entered_by <> ?').pluck().get(status, managerId) as number;
    expect(pages['crossCheck']?.count).toBe(others('pending_cross_check'));
    expect(pages['leadApproval']?.count).toBe(others('pending_lead_approval'));
    expect(pages['finalReview']?.count).toBe(others('pending_final_review'));
    expect(others('pending_cross_check') + others('pending_lead_approval') + others('pending_final_review')).toBeGreaterThan(0);
  });

  it('are worked out when a desk from before them opens', () => {
    const before = counted();
    core.close();
    const old = openDatabase(databasePath(dataDir), keyHex);
    asSchema19(old);
    old.exec('DROP TRIGGER intake_counts_insert; DROP TRIGGER intake_counts_update; DROP TRIGGER intake_counts_delete; DROP TABLE intake_counts; PRAGMA user_version = 18;');
    old.close();
    core = openCore({ dataDir, keyHex, appVersion: 'test', now: () => TEST_CLOCK_START });
    expect(kept()).toEqual(before);
  });
});
