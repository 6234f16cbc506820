/**
 * Stored values as people read them (issue 11 item 17): option codes, booleans, statuses, roles and
 * staff ids become the words the catalogs give them, so no screen shows `cn_resident_id`, `male`,
 * `true`, `status=valid` or an object id.
 */
import type { TFunction } from 'i18next';

/** Fields whose stored value is a code with a label in `intake.option.<field>.<code>`. */
const OPTION_FIELDS: ReadonlySet<string> = new Set(['idType', 'gender', 'skiDiscipline', 'skiAbility', 'skierType', 'stance', 'grade']);
/** Fields that hold an ISO 3166-1 alpha-2 region code. */
const REGION_FIELDS: ReadonlySet<string> = new Set(['nationality', 'addressCountry']);

function regionName(code: string, language: string): string {
  try {
    return new Intl.DisplayNames([language], { type: 'region' }).of(code) ?? code;
  } catch {
    return code;
  }
}

/** One field's stored value, as shown in history and read-backs. */
export function displayFieldValue(t: TFunction, language: string, field: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return '';
  if (typeof value === 'boolean') return value ? t('common.yes') : t('common.no');
  if (typeof value === 'string' && OPTION_FIELDS.has(field)) return t(`intake.option.${field}.${value}`, { defaultValue: value });
  if (typeof value === 'string' && REGION_FIELDS.has(field)) return regionName(value, language);
  return String(value);
}

/** Detail keys that only carry machine identifiers and say nothing to a person. */
const HIDDEN_DETAILS: ReadonlySet<string> = new Set(['deviceId']);

/** An audit entry's details as "label: value" pairs in the reader's language. */
export function displayAuditDetails(t: TFunction, language: string, details: Record<string, unknown>, who: (id: string) => string): Array<[string, string]> {
  const value = (key: string, raw: unknown): string => {
    if (typeof raw === 'boolean') return raw ? t('common.yes') : t('common.no');
    if (raw === null || raw === undefined) return '';
    if ((key === 'from' || key === 'to') && typeof raw === 'number') return new Date(raw).toLocaleString(language);
    if (typeof raw !== 'string') return String(raw);
    switch (key) {
      case 'status':
        return t(`review.status.${raw}`, { defaultValue: raw });
      case 'role':
        return t(`role.${raw}`, { defaultValue: raw });
      case 'from':
      case 'to':
        return who(raw);
      case 'field':
        return t(`intake.field.${raw}`, { defaultValue: raw });
      case 'fields':
        return raw
          .split(',')
          .filter(Boolean)
          .map((field) => t(`intake.field.${field}`, { defaultValue: t(`audit.detailField.${field}`, { defaultValue: field }) }))
          .join(t('common.listSeparator'));
      case 'reason':
      case 'basis':
        return t(`audit.detailValue.${raw}`, { defaultValue: raw });
      case 'action':
        return t(`action.${raw.replaceAll('.', '/')}`, { defaultValue: raw });
      default:
        return raw;
    }
  };
  return Object.entries(details)
    .filter(([key]) => !HIDDEN_DETAILS.has(key))
    .map(([key, raw]) => [t(`audit.detail.${key}`, { defaultValue: key }), value(key, raw)]);
}
