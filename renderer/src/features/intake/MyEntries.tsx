/** "My entries today" (我今天的录入): what this person entered today, each with its review status. */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MethodOutput } from '../../../../shared/api';
import { api } from '../../lib/api';

export function MyEntries() {
  const { t, i18n } = useTranslation();
  const [entries, setEntries] = useState<MethodOutput<'review.mine'> | null>(null);
  useEffect(() => {
    void api.call('review.mine', {}).then((result) => result.ok && setEntries(result.value));
  }, []);
  if (!entries) return null;
  return (
    <section aria-labelledby="my-entries-title">
      <h2 id="my-entries-title">{t('intake.myEntries', { count: entries.length })}</h2>
      <table className="table" data-testid="my-entries">
        <tbody>
          {entries.map((entry) => (
            <tr key={entry.intakeId} data-testid="my-entry">
              <td>{new Date(entry.submittedAt).toLocaleTimeString(i18n.language)}</td>
              <td>{entry.name}</td>
              <td>{t(`review.status.${entry.status}`, { defaultValue: entry.status })}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
