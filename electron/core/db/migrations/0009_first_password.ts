/**
 * Version 9: a staff account whose password was set by a manager (a new account, or a reset) must
 * change it at its next sign-in before it may do anything else (issue 11 item 18). The flag is a
 * staff field like any other, replicated through the op log; 0 for every existing account.
 */
import type { Migration } from './types';

export const migration0009: Migration = {
  version: 9,
  name: 'first_password',
  up(db) {
    db.exec('ALTER TABLE staff ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0');
  },
};
