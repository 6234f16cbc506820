// Issue 12: review queues on a desk with thousands of records waiting. "Returned to me" lists the
// person's own returned records even when more than a queue page of other people's are older.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCore, type Core } from '../../electron/core/core';
import { generateKeyHex } from '../../electron/core/db/key-file';
import { createStaff, initializeDesk } from '../../electron/core/staff/staff-service';
import type { QueueItem } from '../../shared/api/review-contract';
import { seededRandom } from '../../shared/domain/demo';
import { writeDemoHistory } from '../../scripts/demo-history';
import { TEST_CLOCK_START, tempDataDir } from '../support/desk';

let core: Core;
let mine = '';

beforeAll(async () => {
  core = openCore({ dataDir: tempDataDir('queues'), keyHex: generateKeyHex(), appVersion: 'test', now: () => TEST_CLOCK_START });
  const managerId = await initializeDesk(core.services, { organisationName: '队列', siteName: '队列', deskName: '队列', manager: { username: 'queue.manager', displayName: '队列经理', password: 'Queues2026x' } });
  const other = (await createStaff(core.services, managerId, { username: 'other.one', displayName: '他人', role: 'specialist', certified: true, password: 'Password123', passwordSetByStaff: true })).id;
  mine = (await createStaff(core.services, managerId, { username: 'me.myself', displayName: '本人', role: 'specialist', certified: true, password: 'Password123', passwordSetByStaff: true })).id;
  const lead = (await createStaff(core.services, managerId, { username: 'lead.one', displayName: '组长', role: 'group_lead', certified: true, password: 'Password123', passwordSetByStaff: true })).id;
  // Other people's records first (older), then this person's: more than one page of each.
  core.services.transact(() => writeDemoHistory(core.services, { specialists: [other, other], lead, manager: managerId }, 3200, seededRandom(3), TEST_CLOCK_START - 30 * 86_400_000));
  core.services.transact(() => writeDemoHistory(core.services, { specialists: [mine, other], lead, manager: managerId }, 1200, seededRandom(4), TEST_CLOCK_START - 10 * 86_400_000));
  core.services.sessions.start('me', mine, TEST_CLOCK_START);
}, 120_000);

afterAll(() => core.close());

describe('review queues with thousands waiting', () => {
  it("lists this person's own returned records even behind a page of other people's", async () => {
    const count = (status: string, enteredBy?: string): number =>
      (core.db.prepare(`SELECT count(*) AS n FROM intakes WHERE status = ?${enteredBy ? ' AND entered_by = ?' : ''}`).get(...(enteredBy ? [status, enteredBy] : [status])) as { n: number }).n;
    expect(count('returned') + count('rejected')).toBeGreaterThan(500);
    const ownReturned = count('returned', mine);
    const ownRejected = count('rejected', mine);
    expect(ownReturned + ownRejected).toBeGreaterThan(0);
    const response = await core.handle('me', { id: 1, method: 'review.queues', input: {} });
    if (!response.result.ok) throw new Error(response.result.error.code);
    const queues = response.result.value as { returnedToMe: QueueItem[]; pages: { returnedToMe: { count: number } } };
    expect(queues.returnedToMe.every((item) => item.enteredBy === mine)).toBe(true);
    // The first page, and the count of all of them (docs/decisions/0024).
    expect(queues.returnedToMe.length).toBe(Math.min(50, ownReturned + ownRejected));
    expect(queues.pages.returnedToMe.count).toBe(ownReturned + ownRejected);
  });
});
