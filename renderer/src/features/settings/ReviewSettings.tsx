/** Review policy and deadlines for this site. */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ReviewSettings as Settings } from '../../../../shared/api/review-contract';
import { CheckboxField, FormError, TextField } from '../../components/Field';
import { api } from '../../lib/api';
import { errorMessage } from '../../lib/errors';

export function ReviewSettings({ canChange }: { canChange: boolean }) {
  const { t } = useTranslation();
  const [settings, setSettings] = useState<Settings | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    void api.call('review.settings.get').then((result) => (result.ok ? setSettings(result.value) : setError(errorMessage(t, result.error))));
  }, [t]);

  if (!settings) return <FormError message={error} />;

  const save = async (): Promise<void> => {
    setMessage(null);
    setError(null);
    const result = await api.call('review.settings.update', settings);
    if (!result.ok) return setError(result.error.fields ? t('fieldError.number_range', { min: 1, max: 1440 }) : errorMessage(t, result.error));
    setSettings(result.value);
    setMessage(t('settings.reviewSaved'));
  };

  return (
    <form className="card" onSubmit={(event) => { event.preventDefault(); void save(); }} aria-labelledby="review-settings-title">
      <h2 id="review-settings-title">{t('settings.reviewTitle')}</h2>
      <fieldset disabled={!canChange}>
        <CheckboxField label={t('settings.leadMayApproveOwnCrossCheck')} checked={settings.leadMayApproveOwnCrossCheck} onChange={(event) => setSettings({ ...settings, leadMayApproveOwnCrossCheck: event.target.checked })} />
        <TextField label={t('settings.walkInTargetMinutes')} type="number" min={1} max={30} value={settings.walkInTargetMinutes} onChange={(event) => setSettings({ ...settings, walkInTargetMinutes: Number(event.target.value) })} />
        <TextField label={t('settings.returnedDueMinutes')} type="number" min={10} max={1440} value={settings.returnedDueMinutes} onChange={(event) => setSettings({ ...settings, returnedDueMinutes: Number(event.target.value) })} />
      </fieldset>
      <FormError message={error} />
      {message && <p role="status" className="success">{message}</p>}
      {canChange && <button type="submit" className="primary">{t('common.save')}</button>}
    </form>
  );
}
