// Issue 12: review queues in pages (docs/decisions/0024). Walking a queue page after page by its
// cursor lists every record waiting in it exactly once, most urgent first (deadline, then time
// waiting), never one of the person's own entries and never a colleague's assigned check; the
// counts are exact up to their cap and say "more than" beyond it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCore, type Core } from '../../electron/core/core';
import { generateKeyHex } from '../../electron/core/db/key-file';
import { createStaff, initializeDesk } from '../../electron/core/staff/staff-service';
import { assign, queuesFor } from '../../electron/core/review/review-service';
import { QUEUE_NAMES, type QueueItem, type QueueName } from '../../shared/api/review-contract';
import { DEFAULT_DEADLINES, deadlineOf } from '../../shared/domain/review/deadlines';
import type { ReviewStatus } from '../../shared/domain/review/machine';
import type { Role } from '../../shared/domain/auth/roles';
import { seededRandom } from '../../shared/domain/demo';
import { writeDemoHistory } from '../../scripts/demo-history';
import { TEST_CLOCK_START, tempDataDir } from '../support/desk';

let core: Core;
const ids: Record<string, string> = {};
const NOW = TEST_CLOCK_START;

interface Row { id: string; source: string; status: string; status_since: number; started_at: number; submitted_at: number; entered_by: string; assigned_to: string | null }

beforeAll(async () => {
  core = openCore({ dataDir: tempDataDir('queue-pages'), keyHex: generateKeyHex(), appVersion: 'test', now: () => NOW });
  ids['manager'] = await initializeDesk(core.services, { organisationName: '分页', siteName: '分页', deskName: '分页', manager: { username: 'page.manager', displayName: '分页经理', password: 'Queues2026x' } });
  for (const [username, role] of [['me.myself', 'specialist'], ['other.one', 'specialist'], ['other.two', 'specialist'], ['lead.one', 'group_lead']] as const) {
    ids[username] = (await createStaff(core.services, ids['manager'], { username, displayName: username, role, certified: true, password: 'Password123', passwordSetByStaff: true })).id;
  }
  // Records received in the last hours (so online deadlines differ from the order they were reviewed in), by three people.
  core.services.transact(() => writeDemoHistory(core.services, { specialists: [ids['me.myself']!, ids['other.one']!, ids['other.two']!, ids['lead.one']!], lead: ids['lead.one']!, manager: ids['manager']! }, 1500, seededRandom(12), NOW - 3 * 86_400_000));
  // Some checks assigned to a colleague: only the assignee (and leads) see them.
  const open = core.db.prepare("SELECT id FROM intakes WHERE status = 'pending_cross_check' AND entered_by = ? LIMIT 40").pluck().all(ids['other.one']) as string[];
  for (const intakeId of open) assign(core.services, { staffId: ids['lead.one']!, role: 'group_lead' }, intakeId, ids['other.two']!);
  for (const who of ['me.myself', 'lead.one', 'manager']) core.services.sessions.start(who, ids[who]!, NOW);
}, 240_000);

afterAll(() => core.close());

async function call<T>(session: string, method: string, input: unknown): Promise<T> {
  const response = await core.handle(session, { id: 1, method, input });
  if (!response.result.ok) throw new Error(`${method}: ${response.result.error.code} ${response.result.error.message}`);
  return response.result.value as T;
}

/** The queue as the person meets it: the first page, then every next page by its cursor. */
async function walk(session: string, queue: QueueName): Promise<{ pages: QueueItem[][]; count: number; capped: boolean }> {
  const first = await call<Record<QueueName, QueueItem[]> & { pages: Record<QueueName, { count: number; capped: boolean; cursor: string | null }> }>(session, 'review.queues', {});
  const pages = [first[queue]];
  let cursor = first.pages[queue].cursor;
  while (cursor) {
    const next = await call<{ items: QueueItem[]; cursor: string | null }>(session, 'review.queuePage', { queue, cursor });
    pages.push(next.items);
    cursor = next.cursor;
  }
  return { pages, count: first.pages[queue].count, capped: first.pages[queue].capped };
}

/** What the queue should hold, in urgency order, worked out from the stored rows and the deadline rules. */
function expected(queue: QueueName, staffId: string, role: Role): string[] {
  const rows = core.db.prepare('SELECT id, source, status, status_since, started_at, submitted_at, entered_by, assigned_to FROM intakes').all() as Row[];
  const lead = role !== 'specialist';
  const wanted = rows.filter((row) => {
    if (queue === 'returnedToMe') return (row.status === 'returned' || row.status === 'rejected') && row.entered_by === staffId;
    if (queue === 'crossCheck') return row.status === 'pending_cross_check' && row.entered_by !== staffId && (lead || row.assigned_to === null || row.assigned_to === staffId);
    if (queue === 'leadApproval') return lead && row.status === 'pending_lead_approval' && row.entered_by !== staffId;
    if (queue === 'finalReview') return role === 'manager' && row.status === 'pending_final_review' && row.entered_by !== staffId;
    return false;
  });
  const deadlines = { ...DEFAULT_DEADLINES, returnedDueMinutes: core.services.config.review().returnedDueMinutes };
  const due = (row: Row): number => deadlineOf({ source: row.source, status: row.status as ReviewStatus, receivedAt: row.source === 'online' ? row.started_at : row.submitted_at, statusSince: row.status_since }, NOW, deadlines)?.dueAt ?? Number.MAX_SAFE_INTEGER;
  return wanted.sort((a, b) => due(a) - due(b) || a.status_since - b.status_since || (a.id < b.id ? -1 : 1)).map((row) => row.id);
}

describe('review queues in pages', () => {
  for (const [session, role] of [['me.myself', 'specialist'], ['lead.one', 'group_lead'], ['manager', 'manager']] as const) {
    it(`${role}: every queue, page after page, lists each record waiting once, most urgent first, none of their own`, async () => {
      const staffId = ids[session]!;
      for (const queue of QUEUE_NAMES.filter((name) => name !== 'attention')) {
        const { pages, count, capped } = await walk(session, queue);
        const listed = pages.flat();
        const want = expected(queue, staffId, role);
        expect(listed.map((item) => item.intakeId), `${role} ${queue}`).toEqual(want);
        expect(new Set(listed.map((item) => item.intakeId)).size).toBe(listed.length);
        expect(pages.every((page) => page.length <= 50)).toBe(true);
        if (want.length > 50) expect(pages.length, `${role} ${queue}`).toBeGreaterThan(1);
        expect({ count, capped }).toEqual({ count: want.length, capped: false });
        if (queue !== 'returnedToMe') expect(listed.some((item) => item.enteredBy === staffId)).toBe(false);
        else expect(listed.every((item) => item.enteredBy === staffId)).toBe(true);
      }
    });
  }

  it('the queues hold more than a page each, and online records come before the rest by their deadline', () => {
    // The lead entered records too: the counts that subtract a person's own have some to subtract.
    expect(core.db.prepare("SELECT count(*) FROM intakes WHERE status = 'pending_cross_check' AND entered_by = ?").pluck().get(ids['lead.one'])).toBeGreaterThan(0);
    expect(expected('crossCheck', ids['me.myself']!, 'specialist').length).toBeGreaterThan(100);
    expect(expected('returnedToMe', ids['me.myself']!, 'specialist').length).toBeGreaterThan(50);
    const first = queuesFor(core.services, { staffId: ids['lead.one']!, role: 'group_lead' }).crossCheck;
    expect(first[0]?.source).toBe('online');
    // Every online record (a deadline) before every other (none).
    const others = first.findIndex((item) => item.source !== 'online');
    if (others >= 0) expect(first.slice(others).some((item) => item.source === 'online')).toBe(false);
  });

  it('counts exactly up to the cap and says "more than" beyond it, reading no further', () => {
    const actor = { staffId: ids['manager']!, role: 'manager' as const };
    const capped = queuesFor(core.services, actor, { page: 20, countCap: 100 });
    const want = expected('crossCheck', actor.staffId, 'manager').length;
    expect(want).toBeGreaterThan(100);
    expect(capped.crossCheck).toHaveLength(20);
    expect(capped.pages.crossCheck).toMatchObject({ count: 100, capped: true });
    const roomy = queuesFor(core.services, actor, { page: 20, countCap: want });
    expect(roomy.pages.crossCheck).toMatchObject({ count: want, capped: false });
  });

  it('has a cheap form that counts nothing: the first pages, and "more" where there are more', async () => {
    const cheap = await call<Record<QueueName, QueueItem[]> & { pages: Record<QueueName, { count: number; capped: boolean; cursor: string | null }> }>('manager', 'review.queues', { counts: false });
    const full = await call<typeof cheap>('manager', 'review.queues', {});
    expect(cheap.crossCheck.map((item) => item.intakeId)).toEqual(full.crossCheck.map((item) => item.intakeId));
    expect(cheap.pages.crossCheck).toEqual({ count: 50, capped: true, cursor: full.pages.crossCheck.cursor });
    expect(full.pages.crossCheck.count).toBeGreaterThan(100);
  });

  it('refuses a cursor that is not a queue position, naming it', async () => {
    const response = await core.handle('manager', { id: 1, method: 'review.queuePage', input: { queue: 'crossCheck', cursor: 'drop table' } });
    expect(response.result.ok).toBe(false);
    if (!response.result.ok) expect(response.result.error).toMatchObject({ code: 'VALIDATION', fields: { cursor: 'invalid' } });
  });
});
