/**
 * A possible duplicate, named: the stored customers this record may duplicate, each openable beside
 * the record under review (both masked), so the lead or manager can compare them field by field.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MethodOutput } from '../../../../shared/api';
import type { CustomerSummary } from '../../../../shared/api/intake-contract';
import type { IntakeFields } from '../../../../shared/domain/intake/fields';
import { FormError } from '../../components/Field';
import { api } from '../../lib/api';
import { displayFieldValue } from '../../lib/display';
import { errorMessage } from '../../lib/errors';

const COMPARED = ['name', 'mobile', 'idType', 'idNumber', 'birthDate', 'gender', 'addressProvince', 'addressCity', 'addressDistrict', 'emergencyName', 'emergencyMobile'] as const;

export function DuplicateCompare({ fields, duplicates }: { fields: IntakeFields; duplicates: CustomerSummary[] }) {
  const { t, i18n } = useTranslation();
  const [open, setOpen] = useState<{ summary: CustomerSummary; card: MethodOutput<'customers.card'> } | null>(null);
  const [error, setError] = useState<string | null>(null);
  if (duplicates.length === 0) return null;

  const compare = async (summary: CustomerSummary): Promise<void> => {
    const result = await api.call('customers.card', { id: summary.id });
    if (!result.ok) return setError(errorMessage(t, result.error));
    setError(null);
    setOpen({ summary, card: result.value });
  };

  return (
    <section className="banner banner--warning" aria-labelledby="duplicates-title" data-testid="possible-duplicates">
      <h2 id="duplicates-title">{t('review.duplicateTitle')}</h2>
      <ul>
        {duplicates.map((summary) => (
          <li key={summary.id} data-testid="possible-duplicate">
            {t('review.duplicateOf', { name: summary.name, mobile: summary.mobile, year: summary.birthYear })}{' '}
            <button type="button" onClick={() => void compare(summary)}>{t('review.duplicateCompare')}</button>
          </li>
        ))}
      </ul>
      <FormError message={error} />
      {open && (
        <table className="table" data-testid="duplicate-compare" aria-label={t('review.duplicateCompare')}>
          <thead>
            <tr>
              <th scope="col">{t('audit.detail.field')}</th>
              <th scope="col">{t('review.duplicateThis')}</th>
              <th scope="col">{t('review.duplicateStored', { name: open.summary.name })}</th>
            </tr>
          </thead>
          <tbody>
            {COMPARED.map((field) => (
              <tr key={field} data-field={field}>
                <th scope="row">{t(`intake.field.${field}`)}</th>
                <td>{displayFieldValue(t, i18n.language, field, fields[field])}</td>
                <td>{displayFieldValue(t, i18n.language, field, open.card.fields[field])}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
