/** On the home screen, for managers: no drill for 30 days, a failed backup, an unconfirmed recovery key. */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BackupStatus } from '../../../../shared/api';
import { api } from '../../lib/api';
import { recordMessage } from './backup-text';
import { RecoveryKeyStep } from './RecoveryKeyStep';

export function BackupReminder() {
  const { t } = useTranslation();
  const [status, setStatus] = useState<BackupStatus | null>(null);
  const [shownKey, setShownKey] = useState<string | null>(null);

  useEffect(() => {
    const load = (): void => void api.call('backup.status').then((result) => result.ok && setStatus(result.value));
    load();
    return api.on('backup.changed', load);
  }, []);

  if (!status) return <div data-testid="backup-reminders" data-loaded="no" />;
  if (shownKey) return <RecoveryKeyStep recoveryKey={shownKey} onDone={() => setShownKey(null)} />;
  const showPending = async (): Promise<void> => {
    const result = await api.call('backup.recoveryKey.pending');
    if (result.ok && result.value.recoveryKey) setShownKey(result.value.recoveryKey);
  };
  return (
    <div data-testid="backup-reminders" data-loaded="yes">
      {status.recoveryKeyPending && (
        <p className="banner banner--warning" role="status">
          {t('backup.recoveryPending')}{' '}
          <button type="button" onClick={() => void showPending()}>
            {t('backup.recoveryShow')}
          </button>
        </p>
      )}
      {status.lastBackup && !status.lastBackup.ok && (
        <p className="banner banner--warning" role="status">
          {t('home.backupFailed', { message: recordMessage(t, status.lastBackup.error, status.lastBackup.message) })}
        </p>
      )}
      {status.drillDue && (
        <p className="banner banner--warning" role="status" data-testid="drill-reminder">
          {t('home.drillReminder')}
        </p>
      )}
    </div>
  );
}
