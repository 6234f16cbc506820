/**
 * The confirmation view for the customer (客户确认单): what was recorded, masked, for the customer to
 * check before leaving; printable (a second screen can show the same view).
 */
import { useTranslation } from 'react-i18next';
import type { Consent } from '../../../../shared/domain/intake/consent';
import type { IntakeFields } from '../../../../shared/domain/intake/fields';
import { maskIdNumber, maskMobile, maskName } from '../../../../shared/domain/masking';
import { displayFieldValue } from '../../lib/display';

export function CustomerConfirmation({ fields, consent }: { fields: IntakeFields; consent: Consent }) {
  const { t, i18n } = useTranslation();
  const rows: Array<[string, string]> = [
    [t('intake.field.name'), maskName(fields.name)],
    [t('intake.field.mobile'), fields.mobile ? maskMobile(fields.mobile) : ''],
    [t('intake.field.idType'), fields.idNumber ? displayFieldValue(t, i18n.language, 'idType', fields.idType) : ''],
    [t('intake.field.idNumber'), fields.idNumber ? maskIdNumber(fields.idNumber) : ''],
    [t('intake.field.skiDiscipline'), displayFieldValue(t, i18n.language, 'skiDiscipline', fields.skiDiscipline)],
    [t('intake.field.skiAbility'), displayFieldValue(t, i18n.language, 'skiAbility', fields.skiAbility)],
    [t('intake.field.heightCm'), fields.heightCm],
    [t('intake.field.weightKg'), fields.weightKg],
    [t('intake.field.bootMondo'), fields.bootMondo],
    [t('intake.consent.purposes'), consent.purposes.map((purpose) => t(`intake.consent.purpose.${purpose}`)).join(t('common.listSeparator'))],
    [t('intake.consent.idConsent'), consent.idConsent ? t('common.yes') : t('common.no')],
    [t('intake.consent.marketing'), consent.marketing ? t('common.yes') : t('common.no')],
  ];
  return (
    <section aria-labelledby="confirmation-title" className="card" data-testid="customer-confirmation">
      <h2 id="confirmation-title">{t('intake.confirmationTitle')}</h2>
      <p className="muted">{t('intake.confirmationNote')}</p>
      <dl className="facts">
        {rows
          .filter(([, value]) => value !== '')
          .map(([label, value]) => (
            <div key={label} className="facts__row">
              <dt>{label}</dt>
              <dd>{value}</dd>
            </div>
          ))}
      </dl>
      <button type="button" onClick={() => window.print()}>{t('intake.confirmationPrint')}</button>
    </section>
  );
}
