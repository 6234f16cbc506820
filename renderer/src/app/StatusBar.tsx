/** Bottom bar: real outbox size, connection state, and notices about the core. */
import { useTranslation } from 'react-i18next';
import { useDesk } from './store';

export function StatusBar() {
  const { t, i18n } = useTranslation();
  const pending = useDesk((state) => state.pending);
  const dueSoon = useDesk((state) => state.dueSoon);
  const dueSoonMore = useDesk((state) => state.dueSoonMore);
  const connected = useDesk((state) => state.connected);
  const info = useDesk((state) => state.info);
  const sync = useDesk((state) => state.sync);
  const state = sync?.state ?? (connected ? 'connected' : 'unconfigured');
  const label = { unconfigured: t('status.offline'), offline: t('status.offlineNow'), connected: t('status.online'), syncing: t('status.syncing') }[state];
  return (
    <footer className="statusbar" role="status">
      <span className={state === 'connected' || state === 'syncing' ? 'dot dot--online' : 'dot dot--offline'} aria-hidden="true" />
      <span data-testid="sync-connection" data-state={state}>{label}</span>
      <span data-testid="sync-pending">{pending === 0 ? t('status.pending_zero') : t('status.pending', { count: pending })}</span>
      {sync?.serverConfigured && (
        <span className="muted" data-testid="sync-last">
          {sync.lastSyncAt === null ? t('status.neverSynced') : t('status.lastSync', { time: new Date(sync.lastSyncAt).toLocaleString(i18n.language) })}
        </span>
      )}
      {sync !== null && sync.quarantined > 0 && (
        <span className="deadline deadline--escalated" data-testid="sync-quarantined">
          {t('status.quarantined', { count: sync.quarantined })}
        </span>
      )}
      {sync?.problem && (
        <span className="deadline deadline--escalated" data-testid="sync-problem" data-problem={sync.problem}>
          {t(`status.problem.${sync.problem}`)}
        </span>
      )}
      {dueSoon > 0 && <span className="deadline deadline--escalated" data-testid="due-soon">{t(dueSoonMore ? 'review.dueSoonCountMore' : 'review.dueSoonCount', { count: dueSoon })}</span>}
      <span className="statusbar__spacer" />
      <span className="muted">{info ? t('app.version', { version: info.appVersion }) : ''}</span>
    </footer>
  );
}
