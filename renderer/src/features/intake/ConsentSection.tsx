/** Notice and consent (PIPL Art. 14–17, 29, 31), recorded with the intake. */
import { memo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CONSENT_METHODS, CONSENT_PURPOSES, type Consent } from '../../../../shared/domain/intake/consent';
import { INPUT_LIMITS } from '../../../../shared/domain/limits';
import { CheckboxField, SelectField, TextField } from '../../components/Field';
import noticeEn from '../../../../resources/consent/2026-11.en.txt?raw';
import noticeZh from '../../../../resources/consent/2026-11.zh-CN.txt?raw';

interface Props {
  consent: Consent;
  minor: boolean;
  issues: Partial<Record<keyof Consent, string>>;
  serverErrors: Record<string, string>;
  showIssues: boolean;
  onChange: (change: Partial<Consent>) => void;
  /** A paper form being transcribed: consent was given on this numbered form, nothing to choose. */
  paperFormNo?: string | undefined;
}

/** Memoised: a keystroke in another field does not render it (issue 12). */
export const ConsentSection = memo(function ConsentSection({ consent, minor, issues, serverErrors, showIssues, onChange, paperFormNo }: Props) {
  const { t, i18n } = useTranslation();
  const [showNotice, setShowNotice] = useState(false);
  const issue = (field: keyof Consent): string | undefined => {
    const code = serverErrors[`consent.${field}`] ?? (showIssues ? issues[field] : undefined);
    return code ? t(`fieldError.${code}`) : undefined;
  };
  return (
    <fieldset className="form-section">
      <legend>{t('intake.sectionConsent')}</legend>
      <button type="button" className="link" aria-expanded={showNotice} onClick={() => setShowNotice((shown) => !shown)}>
        {showNotice ? t('intake.noticeHide') : t('intake.noticeShow')} ({consent.noticeVersion})
      </button>
      {showNotice && <pre className="notice">{i18n.language === 'en' ? noticeEn : noticeZh}</pre>}
      <div className="field" role="group" aria-label={t('intake.consent.purposes')}>
        <span>{t('intake.consent.purposes')}</span>
        {CONSENT_PURPOSES.map((purpose) => (
          <CheckboxField
            key={purpose}
            label={t(`intake.consent.purpose.${purpose}`)}
            checked={consent.purposes.includes(purpose)}
            onChange={(event) => onChange({ purposes: event.target.checked ? [...consent.purposes, purpose] : consent.purposes.filter((p) => p !== purpose) })}
          />
        ))}
        {issue('purposes') && <small className="field__error" role="alert">{issue('purposes')}</small>}
      </div>
      <CheckboxField label={t('intake.consent.idConsent')} name="idConsent" checked={consent.idConsent} onChange={(event) => onChange({ idConsent: event.target.checked })} />
      {issue('idConsent') && <small className="field__error" role="alert">{issue('idConsent')}</small>}
      {minor && <CheckboxField label={t('intake.consent.guardianConsent')} name="guardianConsent" checked={consent.guardianConsent} onChange={(event) => onChange({ guardianConsent: event.target.checked })} />}
      {minor && issue('guardianConsent') && <small className="field__error" role="alert">{issue('guardianConsent')}</small>}
      <CheckboxField label={t('intake.consent.marketing')} name="marketing" checked={consent.marketing} onChange={(event) => onChange({ marketing: event.target.checked })} />
      {paperFormNo !== undefined && (
        <p className="field" data-testid="consent-paper-form">
          {t('intake.consent.method')}{t('common.labelSeparator')}{t('paper.transcribe.consentOnForm', { formNo: paperFormNo })}
        </p>
      )}
      {paperFormNo === undefined && <SelectField
        label={t('intake.consent.method')}
        value={consent.method}
        options={CONSENT_METHODS.map((method) => ({ value: method, label: t(`intake.consent.methodOption.${method}`) }))}
        onChange={(event) => onChange({ method: event.target.value as Consent['method'] })}
      />}
      {paperFormNo === undefined && consent.method === 'paper' && <TextField label={t('intake.consent.paperFormNo')} value={consent.paperFormNo} maxLength={INPUT_LIMITS.paperFormNo} error={issue('paperFormNo')} onChange={(event) => onChange({ paperFormNo: event.target.value })} />}
    </fieldset>
  );
});
