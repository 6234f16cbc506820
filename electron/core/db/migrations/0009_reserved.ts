/**
 * Version 9 is another change's (issue 14, the counter). This stand-in keeps the registry's numbers
 * contiguous on a branch that lacks it, and is dropped when that change's 0009 is merged.
 */
import type { Migration } from './types';

export const migration0009: Migration = {
  version: 9,
  name: 'reserved',
  up() {
    // Nothing: see the header.
  },
};
