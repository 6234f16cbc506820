/**
 * Version 14: a required field the customer left blank on a paper form (issue 13, user trial). The
 * transcriber marks it "blank on form"; the marks are kept with the draft, with each transcription
 * (`paper_entries`, so double entry compares them) and on the intake, which then waits for the
 * missing details ("needs: mobile") in front of the cross-checker and the lead. JSON arrays of
 * field names. Also an index of the intakes by the sheet they transcribe, so a sheet that became
 * two intakes (two desks, offline, each taking the second entry of a double-entered sheet) is found
 * and shown to the lead.
 */
import type { Migration } from './types';

export const migration0014: Migration = {
  version: 14,
  name: 'paper_blank_on_form',
  up(db) {
    db.exec(`
      ALTER TABLE drafts ADD COLUMN blank_on_form TEXT NOT NULL DEFAULT '[]';
      ALTER TABLE paper_entries ADD COLUMN blank_on_form TEXT NOT NULL DEFAULT '[]';
      ALTER TABLE intakes ADD COLUMN blank_on_form TEXT NOT NULL DEFAULT '[]';
      CREATE INDEX intakes_paper_sheet ON intakes (paper_batch_id, paper_serial) WHERE paper_batch_id IS NOT NULL;
    `);
  },
};
