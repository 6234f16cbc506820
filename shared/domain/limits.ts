/**
 * Maximum lengths of the free-text inputs that are not record fields (those are `TEXT_LIMITS` in
 * intake/fields.ts). Each number is used twice: by the RPC contract's zod schema, which the core
 * enforces, and by the form's `maxLength`, so the person cannot type more than will be accepted.
 */
export const INPUT_LIMITS = {
  /** Why a masked value is revealed or a record is opened for correction (audited). */
  reason: 200,
  /** Why a lead sends back or a manager rejects a record. */
  reviewReason: 500,
  /** A cross-checker's note on one field. */
  reviewNote: 200,
  /** The customer search box. */
  searchQuery: 50,
  /** The number printed on a paper consent form. */
  paperFormNo: 40,
  /** Where a batch of paper forms was collected (lodge, bus, ticket window). */
  paperPlace: 60,
  organisationName: 60,
  siteName: 60,
  deskName: 40,
  displayName: 40,
  username: 32,
  password: 128,
} as const;
