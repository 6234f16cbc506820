/** Bottom bar: real outbox size, connection state, and notices about the core. */
import { useTranslation } from 'react-i18next';
import { useDesk } from './store';

export function StatusBar() {
  const { t } = useTranslation();
  const pending = useDesk((state) => state.pending);
  const dueSoon = useDesk((state) => state.dueSoon);
  const connected = useDesk((state) => state.connected);
  const info = useDesk((state) => state.info);
  return (
    <footer className="statusbar" role="status">
      <span className={connected ? 'dot dot--online' : 'dot dot--offline'} aria-hidden="true" />
      <span data-testid="sync-connection">{connected ? t('status.online') : t('status.offline')}</span>
      <span data-testid="sync-pending">{pending === 0 ? t('status.pending_zero') : t('status.pending', { count: pending })}</span>
      {dueSoon > 0 && <span className="deadline deadline--escalated" data-testid="due-soon">{t('review.dueSoonCount', { count: dueSoon })}</span>}
      <span className="statusbar__spacer" />
      <span className="muted">{info ? t('app.version', { version: info.appVersion }) : ''}</span>
    </footer>
  );
}
