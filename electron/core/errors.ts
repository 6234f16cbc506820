/**
 * How the core refuses, in its own words: services throw a DomainError with a reason code; the RPC
 * layer (electron/core/rpc/dispatcher.ts) translates it into the wire error. Services never import
 * from rpc/.
 */
export const DOMAIN_ERROR_CODES = ['NOT_FOUND', 'FORBIDDEN', 'VALIDATION', 'CONFLICT', 'UNAUTHENTICATED', 'ACCOUNT_LOCKED', 'ALREADY_SET_UP', 'INVALID_CREDENTIALS', 'SETUP_REQUIRED'] as const;
export type DomainErrorCode = (typeof DOMAIN_ERROR_CODES)[number];

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    /** Field name → message code (a key under `fieldError.` in the catalogs). */
    readonly fields?: Record<string, string>,
    readonly details?: Record<string, number | string>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
