/**
 * A desk with history written through the op log (scripts/demo-history.ts: customers, submits in
 * every source and reviews in every state), its manager signed in as `client`. Each batch is
 * written some days back; the keys of every batch but the last are merged into the search index,
 * the last batch's still wait for the merge (docs/decisions/0031), as on a desk in use.
 */
import { openCore, type Core } from '../../electron/core/core';
import { mergeAllPendingKeys } from '../../electron/core/customers/pending-keys';
import { generateKeyHex } from '../../electron/core/db/key-file';
import { initializeDesk } from '../../electron/core/staff/staff-service';
import { seededRandom } from '../../shared/domain/demo';
import { writeDemoHistory } from '../../scripts/demo-history';
import { TEST_CLOCK_START, tempDataDir } from './desk';

export interface HistoryDesk {
  core: Core;
  dataDir: string;
  keyHex: string;
  managerId: string;
}

export interface HistoryBatch {
  customers: number;
  seed: number;
  daysAgo: number;
}

/** `otherTypist`: a second enterer's staff id (by default the manager enters everything). */
export async function openHistoryDesk(prefix: string, client: string, batches: readonly HistoryBatch[], options: { otherTypist?: string } = {}): Promise<HistoryDesk> {
  const dataDir = tempDataDir(prefix);
  const keyHex = generateKeyHex();
  const core = openCore({ dataDir, keyHex, appVersion: 'test', now: () => TEST_CLOCK_START });
  const managerId = await initializeDesk(core.services, { organisationName: '历史', siteName: '历史', deskName: '历史', manager: { username: 'history.manager', displayName: '历史经理', password: 'History2026x' } });
  const team = { specialists: [managerId, options.otherTypist ?? managerId], lead: managerId, manager: managerId };
  batches.forEach((batch, index) => {
    if (index > 0) mergeAllPendingKeys(core.db);
    core.services.transact(() => writeDemoHistory(core.services, team, batch.customers, seededRandom(batch.seed), TEST_CLOCK_START - batch.daysAgo * 86_400_000));
  });
  core.services.sessions.start(client, managerId, TEST_CLOCK_START);
  return { core, dataDir, keyHex, managerId };
}
