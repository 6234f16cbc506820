/** Self-review (初步审核): what is missing or doubtful, and a read-back to confirm with the customer (复述确认). */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Consent } from '../../../../shared/domain/intake/consent';
import type { FieldName, IntakeFields } from '../../../../shared/domain/intake/fields';
import type { IntakeValidation } from '../../../../shared/domain/intake/validate';
import { MAINLAND, regionName } from '../../../../shared/domain/regions';

const READ_BACK: FieldName[] = ['name', 'nationality', 'addressCountry', 'mobile', 'idNumber', 'emergencyName', 'emergencyMobile', 'guardianName', 'guardianMobile', 'skiDiscipline', 'skiAbility', 'heightCm', 'weightKg', 'bootMondo'];

interface Props {
  fields: IntakeFields;
  /** Stored values this capture clears (a known customer). */
  cleared?: readonly FieldName[] | undefined;
  validation: IntakeValidation;
  consentIssues: Partial<Record<keyof Consent, string>>;
  onBack: () => void;
  onConfirm: (customerPresent: boolean) => void;
}

export function SelfReview({ fields, cleared = [], validation, consentIssues, onBack, onConfirm }: Props) {
  const { t, i18n } = useTranslation();
  const [present, setPresent] = useState(true);
  const errors = Object.entries(validation.errors);
  const consentErrors = Object.entries(consentIssues).filter(([, code]) => code);
  const warnings = Object.entries(validation.warnings);
  const blocked = errors.length > 0 || consentErrors.length > 0;
  const shown = (field: FieldName): string => {
    const value = field === 'mobile' || field === 'idNumber' ? validation.normalized[field] : fields[field];
    // Nationality and address country are read back only when not the mainland (the default).
    if (field === 'nationality' || field === 'addressCountry') return value === MAINLAND ? '' : regionName(String(value), i18n.language);
    if (field === 'skiDiscipline' || field === 'skiAbility') return value ? t(`intake.option.${field}.${String(value)}`) : '';
    return String(value);
  };
  return (
    <section className="card card--wide self-review" role="dialog" aria-labelledby="self-review-title" data-testid="self-review">
      <h2 id="self-review-title">{t('intake.reviewTitle')}</h2>
      {blocked ? (
        <>
          <h3>{t('intake.missing')}</h3>
          <ul className="issues">
            {errors.map(([field, issue]) => (
              <li key={field}>{t(`intake.field.${field}`)}{t('common.labelSeparator')}{t(`fieldError.${issue?.code ?? 'invalid'}`, { ...issue?.params })}</li>
            ))}
            {consentErrors.map(([field, code]) => (
              <li key={field}>{t('intake.sectionConsent')}{t('common.labelSeparator')}{t(`fieldError.${code ?? 'invalid'}`)}</li>
            ))}
          </ul>
        </>
      ) : (
        <p className="success">{t('intake.allGood')}</p>
      )}
      {warnings.length > 0 && (
        <>
          <h3>{t('intake.doubtful')}</h3>
          <ul className="issues">
            {warnings.map(([field, issue]) => (
              <li key={field}>{t(`intake.field.${field}`)}{t('common.labelSeparator')}{t(`fieldError.${issue?.code ?? 'invalid'}`)}</li>
            ))}
          </ul>
        </>
      )}
      <h3>{t('intake.readBack')}</h3>
      <dl className="facts">
        {READ_BACK.filter((field) => shown(field) !== '').map((field) => (
          <div key={field} className="facts__row">
            <dt>{t(`intake.field.${field}`)}</dt>
            <dd>{shown(field)}</dd>
          </div>
        ))}
        {validation.derived.birthDate && (
          <div className="facts__row">
            <dt>{t('intake.field.birthDate')}</dt>
            <dd>{validation.derived.birthDate}{t('common.parenthesized', { text: t('intake.age', { age: validation.derived.age }) })}</dd>
          </div>
        )}
      </dl>
      {cleared.length > 0 && (
        <>
          <h3>{t('intake.clearedTitle')}</h3>
          <ul className="issues" data-testid="self-review-cleared">
            {cleared.map((field) => (
              <li key={field}>{t(`intake.field.${field}`)}{t('common.labelSeparator')}{t('intake.willClear')}</li>
            ))}
          </ul>
        </>
      )}
      <label className="field--checkbox field">
        <input type="checkbox" checked={present} onChange={(event) => setPresent(event.target.checked)} /> {t('intake.customerPresent')}
      </label>
      <div className="actions">
        <button type="button" className="primary" disabled={blocked} autoFocus={!blocked} onClick={() => onConfirm(present)}>
          {t('intake.confirmSubmit')}
        </button>
        <button type="button" autoFocus={blocked} onClick={onBack}>
          {t('intake.backToForm')}
        </button>
      </div>
    </section>
  );
}
