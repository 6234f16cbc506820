/** Configuration documents (organisation, security settings): read merged, written as ops. */
import { securitySettingsSchema, type SecuritySettings } from '../../../shared/api/contract';
import { DEFAULT_REVIEW_SETTINGS, reviewSettingsSchema, type ReviewSettings } from '../../../shared/api/review-contract';
import { FIELD_PRESETS, type FieldConfig } from '../../../shared/domain/intake/fields';
import type { Db } from '../db/connection';

export const DEFAULT_SECURITY: SecuritySettings = { maxFailedLogins: 5, lockoutMinutes: 5, idleLockMinutes: 5 };

export interface Organisation {
  organisationName: string;
  siteName: string;
}

export class ConfigRepo {
  private readonly getStmt;

  constructor(db: Db) {
    this.getStmt = db.prepare<{ id: string }, { doc: string }>('SELECT doc FROM config WHERE id = :id');
  }

  doc(id: string): Record<string, unknown> | undefined {
    const row = this.getStmt.get({ id });
    return row ? (JSON.parse(row.doc) as Record<string, unknown>) : undefined;
  }

  organisation(): Organisation | undefined {
    const doc = this.doc('organisation');
    if (!doc || typeof doc['organisationName'] !== 'string' || typeof doc['siteName'] !== 'string') return undefined;
    return { organisationName: doc['organisationName'], siteName: doc['siteName'] };
  }

  /** Which optional fields this site shows and requires (default: the ski-lodge preset). */
  intakeFields(): FieldConfig {
    return { ...FIELD_PRESETS.ski_lodge, ...(this.doc('intake_fields') as Partial<FieldConfig> | undefined) };
  }

  /** Review policy and deadlines this site has set (lead approving own cross-check, targets). */
  review(): ReviewSettings {
    const parsed = reviewSettingsSchema.safeParse({ ...DEFAULT_REVIEW_SETTINGS, ...this.doc('review_policy') });
    return parsed.success ? parsed.data : DEFAULT_REVIEW_SETTINGS;
  }

  security(): SecuritySettings {
    const parsed = securitySettingsSchema.safeParse({ ...DEFAULT_SECURITY, ...this.doc('security') });
    return parsed.success ? parsed.data : DEFAULT_SECURITY;
  }
}
