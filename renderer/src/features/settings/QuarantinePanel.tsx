/** Ops this desk kept back because it could not read them (issue 9): shown to the manager, applied again after an upgrade. */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MethodOutput } from '../../../../shared/api';
import { FormError } from '../../components/Field';
import { api } from '../../lib/api';
import { errorMessage } from '../../lib/errors';

export function QuarantinePanel() {
  const { t, i18n } = useTranslation();
  const [entries, setEntries] = useState<MethodOutput<'sync.quarantine'> | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    void api.call('sync.quarantine').then((result) => (result.ok ? setEntries(result.value) : setError(errorMessage(t, result.error))));
  }, [t]);

  return (
    <section className="card" aria-labelledby="quarantine-title" data-testid="quarantine">
      <h2 id="quarantine-title">{t('settings.quarantine.title')}</h2>
      <p className="muted">{t('settings.quarantine.note')}</p>
      <FormError message={error} />
      {entries && entries.length === 0 && <p>{t('settings.quarantine.empty')}</p>}
      {entries && entries.length > 0 && (
        <table className="table">
          <thead>
            <tr><th>{t('settings.quarantine.received')}</th><th>{t('settings.quarantine.kind')}</th><th>{t('settings.quarantine.reason')}</th></tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <tr key={entry.opId} data-testid="quarantine-entry">
                <td>{new Date(entry.receivedAt).toLocaleString(i18n.language)}</td>
                <td className="mono">{entry.entity}</td>
                <td>{t(`settings.quarantine.why.${entry.reason.split(':')[0] ?? ''}`, { defaultValue: entry.reason })}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
