// Issue 12: a review queue page reads one ordered range of an index, never the intakes table row by row.
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../connection';
import { generateKeyHex } from '../key-file';
import { QUEUE_QUERIES } from '../../review/review-service';
import { currentVersion, migrate } from './index';
import { migration0013 } from './0013_queue_indexes';

describe('review queue indexes (version 13)', () => {
  it('answers every queue query from a covering index, in status_since order without sorting', () => {
    const db = openDatabase(':memory:', generateKeyHex());
    migrate(db);
    // Registered in MIGRATIONS; applied here too when a database predates it.
    if (currentVersion(db) < migration0013.version) migration0013.up(db);
    for (const [name, sql] of Object.entries(QUEUE_QUERIES)) {
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...(name === 'byStatusOf' ? ['pending_cross_check', 'stf_1'] : name === 'byStatus' ? ['returned'] : [])) as Array<{ detail: string }>).map((row) => row.detail);
      if (name === 'needingAttention') continue;
      expect(plan.join(' | '), name).toMatch(/SEARCH i USING COVERING INDEX intakes_queue/);
      expect(plan.join(' | '), name).not.toMatch(/TEMP B-TREE/);
    }
    db.close();
  });
});
