/**
 * The consent rules without zod (the customer's online page bundles them; ./consent.ts re-exports
 * everything here with the consent's schema). PIPL Art. 14–17 notice and consent, Art. 29 separate
 * consent for the ID number, Art. 31 guardian consent under 14.
 */
import type { Consent } from './consent';

/** The notice text shown at the counter lives in resources/consent/<version>.<lang>.txt. */
export const CURRENT_NOTICE_VERSION = '2026-11';
export const CONSENT_PURPOSES = ['registration', 'service', 'safety'] as const;
export const CONSENT_METHODS = ['counter', 'paper', 'online'] as const;

/** Consent problems by consent field, as message codes. */
export function validateConsent(consent: Consent, context: { minor: boolean; hasIdNumber: boolean }): Partial<Record<keyof Consent, string>> {
  const issues: Partial<Record<keyof Consent, string>> = {};
  if (!consent.purposes.includes('registration')) issues.purposes = 'consent_registration_required';
  if (context.hasIdNumber && !consent.idConsent) issues.idConsent = 'consent_id_required';
  if (context.minor && !consent.guardianConsent) issues.guardianConsent = 'consent_guardian_required';
  if (consent.method === 'paper' && consent.paperFormNo.trim() === '') issues.paperFormNo = 'required';
  return issues;
}
