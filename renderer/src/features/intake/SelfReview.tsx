/** Self-review (初步审核): what is missing or doubtful, and a read-back to confirm with the customer (复述确认). */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Consent } from '../../../../shared/domain/intake/consent';
import type { FieldName, IntakeFields } from '../../../../shared/domain/intake/fields';
import type { IntakeValidation } from '../../../../shared/domain/intake/validate';
import { MAINLAND, regionName } from '../../../../shared/domain/regions';
import { displayFieldValue } from '../../lib/display';

/** Every field the form captures, in form order (issue 11 item 11); the address is read back as one line. */
const BEFORE_ADDRESS: FieldName[] = ['name', 'nationality', 'mobile', 'landline', 'idType', 'idNumber'];
const AFTER_ADDRESS: FieldName[] = ['emergencyName', 'emergencyMobile', 'guardianName', 'guardianMobile', 'skiDiscipline', 'skiAbility', 'skierType', 'heightCm', 'weightKg', 'bootMondo', 'stance', 'helmet', 'lessons', 'grade', 'remarks'];

interface Props {
  fields: IntakeFields;
  /** Stored values this capture clears (a known customer). */
  cleared?: readonly FieldName[] | undefined;
  validation: IntakeValidation;
  consentIssues: Partial<Record<keyof Consent, string>>;
  onBack: () => void;
  onConfirm: (customerPresent: boolean) => void;
  /** Whether to ask if the customer is still here (not for a paper form, typed after they left). */
  askPresent?: boolean;
  /** A paper form's required fields the customer left blank (表上未填): read back as such. */
  blankOnForm?: readonly FieldName[] | undefined;
}

export function SelfReview({ fields, cleared = [], validation, consentIssues, onBack, onConfirm, askPresent = true, blankOnForm = [] }: Props) {
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
    // Defaults the person did not choose are not read back: no helmet, no lessons, an ordinary grade, no gender.
    if (value === false || (field === 'grade' && value === 'ordinary') || (field === 'gender' && value === 'unspecified')) return '';
    if (field === 'idType' && fields.idNumber.trim() === '') return '';
    return displayFieldValue(t, i18n.language, field, value);
  };
  const mainland = fields.addressCountry === MAINLAND;
  const address = [mainland ? '' : regionName(fields.addressCountry, i18n.language), fields.addressProvince, fields.addressCity, fields.addressDistrict, fields.addressDetail]
    .map((part) => part.trim())
    .filter(Boolean)
    .join(' ');
  // A gender chosen in the form, else the one the ID number gives.
  const gender = shown('gender') || (validation.derived.gender ? displayFieldValue(t, i18n.language, 'gender', validation.derived.gender) : '');
  const birthDate = validation.derived.birthDate ?? (fields.birthDate.trim() || undefined);
  const row = (key: string, label: string, value: string) => (
    <div key={key} className="facts__row" data-testid={`read-back-${key}`}>
      <dt>{label}</dt>
      <dd className="read-back__value">{value}</dd>
    </div>
  );
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
        {BEFORE_ADDRESS.filter((field) => shown(field) !== '').map((field) => row(field, t(`intake.field.${field}`), shown(field)))}
        {birthDate &&
          row('birthDate', t('intake.field.birthDate'), validation.derived.birthDate ? `${birthDate}${t('common.parenthesized', { text: t('intake.age', { age: validation.derived.age }) })}` : birthDate)}
        {gender !== '' && row('gender', t('intake.field.gender'), gender)}
        {address !== '' && row('address', t('intake.readBackAddress'), address)}
        {AFTER_ADDRESS.filter((field) => shown(field) !== '').map((field) => row(field, t(`intake.field.${field}`), shown(field)))}
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
      {blankOnForm.length > 0 && (
        <p className="banner banner--warning" data-testid="self-review-blank-on-form">
          {t('review.needsDetails', { fields: blankOnForm.map((field) => t(`intake.field.${field}`)).join(t('common.listSeparator')) })}
        </p>
      )}
      {askPresent && (
        <label className="field--checkbox field">
          <input type="checkbox" checked={present} onChange={(event) => setPresent(event.target.checked)} /> {t('intake.customerPresent')}
        </label>
      )}
      <div className="actions">
        <button type="button" className="primary" data-confirm-submit disabled={blocked} autoFocus={!blocked} onClick={() => onConfirm(present)}>
          {t('intake.confirmSubmit')}
        </button>
        <button type="button" autoFocus={blocked} onClick={onBack}>
          {t('intake.backToForm')}
        </button>
      </div>
    </section>
  );
}
