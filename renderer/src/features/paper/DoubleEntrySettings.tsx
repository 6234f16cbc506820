/** The site's blind double entry of paper forms (issue 13 item 5): every form, a share of them, or none. Managers change it; the core checks. */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DOUBLE_ENTRY_MODES, type DoubleEntrySettings as Settings } from '../../../../shared/domain/paper/double-entry';
import { FormError, SelectField, TextField } from '../../components/Field';
import { api } from '../../lib/api';
import { errorMessage, fieldMessage } from '../../lib/errors';

export function DoubleEntrySettings({ canChange }: { canChange: boolean }) {
  const { t } = useTranslation();
  const [settings, setSettings] = useState<Settings | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [percentError, setPercentError] = useState<string | undefined>();

  useEffect(() => {
    void api.call('paper.doubleEntry.get').then((result) => (result.ok ? setSettings(result.value) : setError(errorMessage(t, result.error))));
  }, [t]);

  if (!settings) return <FormError message={error} />;

  const save = async (): Promise<void> => {
    setMessage(null);
    setError(null);
    setPercentError(undefined);
    const result = await api.call('paper.doubleEntry.update', settings);
    if (!result.ok) {
      const code = result.error.fields?.['percent'];
      if (code) return setPercentError(fieldMessage(t, code));
      return setError(errorMessage(t, result.error));
    }
    setSettings(result.value);
    setMessage(t('paper.doubleEntry.saved'));
  };

  return (
    <form className="card" onSubmit={(event) => { event.preventDefault(); void save(); }} aria-labelledby="double-entry-title" data-testid="double-entry-settings">
      <h2 id="double-entry-title">{t('paper.doubleEntry.title')}</h2>
      <p className="muted">{t('paper.doubleEntry.hint')}</p>
      <fieldset disabled={!canChange}>
        <SelectField
          label={t('paper.doubleEntry.mode')}
          value={settings.mode}
          options={DOUBLE_ENTRY_MODES.map((mode) => ({ value: mode, label: t(`paper.doubleEntry.modeOption.${mode}`) }))}
          onChange={(event) => setSettings({ ...settings, mode: event.target.value as Settings['mode'] })}
        />
        {settings.mode === 'share' && (
          <TextField label={t('paper.doubleEntry.percent')} type="number" min={1} max={99} value={settings.percent} error={percentError} onChange={(event) => setSettings({ ...settings, percent: Number(event.target.value) })} />
        )}
      </fieldset>
      <FormError message={error} />
      {message && <p role="status" className="success">{message}</p>}
      {canChange && <button type="submit" className="primary">{t('common.save')}</button>}
    </form>
  );
}
