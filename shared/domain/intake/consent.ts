/**
 * Consent recorded with every intake (PIPL Art. 14–17 notice and consent, Art. 29 separate consent
 * for sensitive personal information such as ID numbers, Art. 31 guardian consent under 14).
 */
import { z } from 'zod';
import { INPUT_LIMITS } from '../limits';

/** The notice text shown at the counter lives in resources/consent/<version>.<lang>.txt. */
export const CURRENT_NOTICE_VERSION = '2026-11';
export const CONSENT_PURPOSES = ['registration', 'service', 'safety'] as const;
export const CONSENT_METHODS = ['counter', 'paper', 'online'] as const;

export const consentSchema = z.object({
  noticeVersion: z.string().min(1).max(20),
  purposes: z.array(z.enum(CONSENT_PURPOSES)).max(CONSENT_PURPOSES.length),
  idConsent: z.boolean(),
  guardianConsent: z.boolean(),
  marketing: z.boolean(),
  method: z.enum(CONSENT_METHODS),
  paperFormNo: z.string().max(INPUT_LIMITS.paperFormNo, { message: 'too_long' }).default(''),
});
export type Consent = z.infer<typeof consentSchema>;

export function defaultConsent(): Consent {
  return { noticeVersion: CURRENT_NOTICE_VERSION, purposes: [...CONSENT_PURPOSES], idConsent: false, guardianConsent: false, marketing: false, method: 'counter', paperFormNo: '' };
}

/** Consent problems by consent field, as message codes. */
export function validateConsent(consent: Consent, context: { minor: boolean; hasIdNumber: boolean }): Partial<Record<keyof Consent, string>> {
  const issues: Partial<Record<keyof Consent, string>> = {};
  if (!consent.purposes.includes('registration')) issues.purposes = 'consent_registration_required';
  if (context.hasIdNumber && !consent.idConsent) issues.idConsent = 'consent_id_required';
  if (context.minor && !consent.guardianConsent) issues.guardianConsent = 'consent_guardian_required';
  if (consent.method === 'paper' && consent.paperFormNo.trim() === '') issues.paperFormNo = 'required';
  return issues;
}
