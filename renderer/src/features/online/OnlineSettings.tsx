/**
 * Settings → 线上提交 (issue 15): a manager turns online submissions on once the desk is registered
 * with the central server (the submission key pair is made and shared with every enrolled desk in
 * the keyring), sees the page's address and its printable QR poster, closes the page, and sets how
 * long an unprocessed submission is kept. The core checks the permission again.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { OnlineSettingsView } from '../../../../shared/api/online-methods';
import { FormError } from '../../components/Field';
import { useDesk } from '../../app/store';
import { api } from '../../lib/api';
import { errorMessage } from '../../lib/errors';

export function OnlineSettings() {
  const { t } = useTranslation();
  const canManage = useDesk((state) => state.session?.state === 'active' && state.session.permissions.includes('policy.manage'));
  const enrolled = useDesk((state) => state.sync?.enrolled ?? false);
  const [settings, setSettings] = useState<OnlineSettingsView | null>(null);
  const [retention, setRetention] = useState('30');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void api.call('online.settings').then((result) => {
      if (!result.ok) return;
      setSettings(result.value);
      setRetention(String(result.value.retentionDays));
    });
  }, [enrolled]);

  const configure = async (open: boolean): Promise<void> => {
    setBusy(true);
    setError(null);
    const days = Number(retention);
    const result = await api.call('online.configure', { open, ...(Number.isInteger(days) && days >= 1 && days <= 365 ? { retentionDays: days } : {}) });
    setBusy(false);
    if (!result.ok) return setError(errorMessage(t, result.error));
    setSettings(result.value);
  };

  if (!settings) return null;
  return (
    <section className="card" aria-labelledby="online-settings-title" data-testid="online-settings">
      <h2 id="online-settings-title">{t('onlineDesk.settings.title')}</h2>
      <p className="muted">{t('onlineDesk.settings.intro')}</p>
      {!settings.available ? (
        <p className="muted" data-testid="online-not-enrolled">{t('onlineDesk.settings.notEnrolled')}</p>
      ) : (
        <>
          <p role="status" data-testid="online-state">
            {settings.open ? t('onlineDesk.settings.isOpen') : t('onlineDesk.settings.isClosed')}
          </p>
          {settings.url && (
            <dl className="facts">
              <dt>{t('onlineDesk.settings.url')}</dt>
              <dd className="mono" data-testid="online-url">{settings.url}</dd>
              <dt>{t('onlineDesk.settings.poster')}</dt>
              <dd className="mono">{`${settings.url}/poster`}</dd>
            </dl>
          )}
          {canManage && (
            <div className="actions">
              <label htmlFor="online-retention">{t('onlineDesk.settings.retention')}</label>{' '}
              <input id="online-retention" type="number" min={1} max={365} value={retention} onChange={(event) => setRetention(event.target.value)} />{' '}
              <button type="button" className="primary" disabled={busy} data-testid="online-open" onClick={() => void configure(true)}>
                {settings.open ? t('onlineDesk.settings.republish') : t('onlineDesk.settings.open')}
              </button>
              {settings.open && (
                <button type="button" disabled={busy} data-testid="online-close" onClick={() => void configure(false)}>
                  {t('onlineDesk.settings.close')}
                </button>
              )}
            </div>
          )}
        </>
      )}
      <FormError message={error} />
    </section>
  );
}
