// Issue 9: demo data goes through the one apply path: customers with one to three intakes from every
// source, in every review state, with repeat visits and corrections, and the log rebuilds it exactly.
import { afterEach, describe, expect, it } from 'vitest';
import { openCore, type Core } from '../../electron/core/core';
import { generateKeyHex } from '../../electron/core/db/key-file';
import { openDatabase } from '../../electron/core/db/connection';
import { migrate } from '../../electron/core/db/migrations';
import { allOps, firstDifference, project } from '../../electron/core/oplog/digest';
import { seededRandom } from '../../shared/domain/demo';
import { writeDemoHistory } from '../../scripts/demo-history';
import { tempDataDir } from '../support/desk';

let core: Core | undefined;
afterEach(() => core?.close());

describe('demo history', () => {
  it('covers every source and review state through the apply path, and rebuilds identically', () => {
    core = openCore({ dataDir: tempDataDir('demo'), keyHex: generateKeyHex(), appVersion: 'test', now: () => Date.UTC(2026, 0, 10) });
    const { services, db } = core;
    const team = { specialists: ['stf_demo-a-000001', 'stf_demo-b-000001'], lead: 'stf_demo-l-000001', manager: 'stf_demo-m-000001' };
    const intakes = services.transact(() => writeDemoHistory(services, team, 300, seededRandom(5), Date.UTC(2025, 11, 1)));
    expect(intakes).toBeGreaterThan(300);
    const states = (db.prepare('SELECT DISTINCT status FROM intakes ORDER BY status').all() as Array<{ status: string }>).map((row) => row.status);
    expect(states).toEqual(['pending_cross_check', 'pending_final_review', 'pending_lead_approval', 'rejected', 'returned', 'valid']);
    const sources = (db.prepare('SELECT DISTINCT source FROM intakes ORDER BY source').all() as Array<{ source: string }>).map((row) => row.source);
    expect(sources).toEqual(['correction', 'online', 'paper_form', 'walk_in']);
    expect((db.prepare('SELECT count(*) AS n FROM ops_quarantine').get() as { n: number }).n).toBe(0);
    // Repeat visits carried only what changed: every customer still has the fields of their first visit.
    expect((db.prepare("SELECT count(*) AS n FROM customers WHERE json_extract(doc, '$.addressCity') <> '吉林市' OR json_extract(doc, '$.heightCm') <> '170'").get() as { n: number }).n).toBe(0);
    const scratch = openDatabase(':memory:', generateKeyHex());
    migrate(scratch);
    project(scratch, allOps(db));
    expect(firstDifference(db, scratch)).toBeNull();
    scratch.close();
  });
});
