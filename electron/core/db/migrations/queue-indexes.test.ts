// Issue 12: a review queue page reads one ordered range of an index, never the intakes table row by
// row and never sorting; its bounded count reads the index alone.
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../connection';
import { generateKeyHex } from '../key-file';
import { COUNT_QUERIES, QUEUE_QUERIES } from '../../review/review-service';
import { migrate } from './index';

const PARAMS = { status: 'pending_cross_check', me: 'stf_1', everyone: 0, key: 0, since: 0, id: '', limit: 51, cap: 10_001 };

describe('review queue indexes (versions 13 and 15)', () => {
  it('answers every queue page from a covering index, in urgency order without sorting', () => {
    const db = openDatabase(':memory:', generateKeyHex());
    migrate(db);
    for (const [name, sql] of Object.entries(QUEUE_QUERIES)) {
      if (name === 'needingAttention') continue;
      const statement = db.prepare(`EXPLAIN QUERY PLAN ${sql}`);
      const used = Object.fromEntries(Object.entries(PARAMS).filter(([key]) => sql.includes(`:${key}`)));
      const plan = (statement.all(used) as Array<{ detail: string }>).map((row) => row.detail).join(' | ');
      expect(plan, name).toMatch(/SEARCH i USING COVERING INDEX intakes_queue(_urgency)?/);
      expect(plan, name).not.toMatch(/TEMP B-TREE/);
    }
    for (const [name, sql] of Object.entries(COUNT_QUERIES)) {
      const used = Object.fromEntries(Object.entries(PARAMS).filter(([key]) => sql.includes(`:${key}`)));
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(used) as Array<{ detail: string }>).map((row) => row.detail).join(' | ');
      // A bounded count reads one index range; a count kept per status (migration 19) reads its table's key.
      expect(plan, name).toMatch(/USING COVERING INDEX|SEARCH intake_counts USING PRIMARY KEY/);
    }
    db.close();
  });
});
