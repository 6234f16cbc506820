/**
 * A customer's intake facets as bits, carried by every search key (migration 0017,
 * docs/decisions/0033): which sources and which review statuses their intakes have. A query with a
 * source or status filter keeps a key when its bits hold the filter's bits. The numbers are the
 * migration's (its view `customer_intake_facets` and its triggers);
 * tests/integration/search-facets.test.ts checks that they agree.
 */
import type { IntakeSource } from '../../../shared/domain/intake/sources';
import type { ReviewStatus } from '../../../shared/domain/review/machine';

export const SOURCE_BITS: Readonly<Record<IntakeSource, number>> = { walk_in: 1, paper_form: 2, online: 4, correction: 8 };

export const STATUS_BITS: Readonly<Record<ReviewStatus, number>> = {
  draft: 256,
  pending_cross_check: 512,
  returned: 1024,
  pending_lead_approval: 2048,
  pending_final_review: 4096,
  valid: 8192,
  rejected: 16384,
};

const bitOf = (bits: Readonly<Record<string, number>>, value: string): number | undefined => (Object.hasOwn(bits, value) ? bits[value] : undefined);

/**
 * The bits a customer's keys must hold for a source and/or status filter; 0 when neither is set;
 * null when a value has no bit (a status no intake can have), so no key can pass.
 */
export function facetBitsFor(source: string | null, status: string | null): number | null {
  let bits = 0;
  for (const [table, value] of [[SOURCE_BITS, source], [STATUS_BITS, status]] as const) {
    if (value === null) continue;
    const bit = bitOf(table, value);
    if (bit === undefined) return null;
    bits |= bit;
  }
  return bits;
}
