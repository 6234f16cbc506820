/**
 * Consent recorded with every intake (PIPL Art. 14–17 notice and consent, Art. 29 separate consent
 * for sensitive personal information such as ID numbers, Art. 31 guardian consent under 14).
 */
import { z } from 'zod';
import { INPUT_LIMITS } from '../limits';
import { CONSENT_METHODS, CONSENT_PURPOSES, CURRENT_NOTICE_VERSION } from './consent-rules';

export { CONSENT_METHODS, CONSENT_PURPOSES, CURRENT_NOTICE_VERSION, validateConsent } from './consent-rules';

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
