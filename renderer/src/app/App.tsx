/** Chooses the screen from the desk's state: setup, sign-in, locked, or the signed-in frame. */
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { FirstPasswordScreen } from '../features/auth/FirstPasswordScreen';
import { LockScreen } from '../features/auth/LockScreen';
import { LoginForm } from '../features/auth/LoginForm';
import { SetupScreen } from '../features/setup/SetupScreen';
import { RecoveryScreen } from '../features/backup/RecoveryScreen';
import { toggleLanguage } from '../i18n';
import { api, whenSessionLost } from '../lib/api';
import { bridge } from '../lib/transport';
import { Shell } from './Shell';
import { useDesk } from './store';

export function App() {
  const { t } = useTranslation();
  const { info, session, notice, loadError } = useDesk();

  useEffect(() => {
    const desk = useDesk.getState();
    void desk.load();
    whenSessionLost(() => {
      void api.call('auth.session').then((result) => result.ok && useDesk.getState().setSession(result.value));
    });
    const unsubscribers = [
      api.on('session.locked', ({ reason }) => {
        const current = useDesk.getState().session;
        if (current && current.state !== 'none') useDesk.getState().setSession({ ...current, state: 'locked' }, reason === 'idle');
      }),
      api.on('sync.status', ({ pending, connected }) => useDesk.setState({ pending, connected })),
      api.on('core.restarted', () => {
        useDesk.getState().setNotice('coreRestarted');
        void useDesk.getState().load();
      }),
      bridge.on('transport.closed', () => {
        useDesk.getState().setNotice('disconnected');
        const retry = setInterval(() => {
          void api.call('app.ping').then((result) => {
            if (!result.ok) return;
            clearInterval(retry);
            useDesk.getState().setNotice(null);
            void useDesk.getState().load();
          });
        }, 1_000);
      }),
    ];
    // Sync runs in the core on its own; the status bar asks how it is going.
    const syncPoll = setInterval(() => void useDesk.getState().refreshSync(), 3_000);
    return () => {
      clearInterval(syncPoll);
      unsubscribers.forEach((unsubscribe) => unsubscribe());
    };
  }, []);

  useEffect(() => {
    // F2 switches the language on every screen, also before sign-in and on the first-password screen.
    const onKey = (event: KeyboardEvent): void => {
      if (event.key === 'F2' && (!session || session.state !== 'active' || session.staff.mustChangePassword)) {
        event.preventDefault();
        toggleLanguage();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [session]);

  const banner = notice && (
    <div className="banner banner--notice" role="alert" data-testid="core-notice">
      <span>{t(`status.${notice}`)}</span>
      <button type="button" onClick={() => useDesk.getState().setNotice(null)}>
        {t('common.close')}
      </button>
    </div>
  );

  let screen;
  if (loadError === 'DATABASE_UNAVAILABLE') screen = <RecoveryScreen />;
  else if (loadError) screen = <main className="centered"><p className="form-error" role="alert">{t(`error.${loadError}`)}</p></main>;
  else if (!info || !session) screen = <main className="centered"><p>{t('app.loading')}</p></main>;
  else if (info.setupRequired) screen = <SetupScreen />;
  else if (session.state === 'none') {
    screen = (
      <main className="centered">
        <div className="login-place">
          <p className="login-place__name">{t('app.name')}</p>
          <p>{info.organisationName} · {info.siteName} · {info.deskName}</p>
        </div>
        <LoginForm title={t('login.title')} />
        <button type="button" className="link" onClick={() => toggleLanguage()}>{t('common.language')} <kbd>F2</kbd></button>
      </main>
    );
  } else if (session.state === 'locked') screen = <LockScreen name={session.staff.displayName} username={session.staff.username} />;
  else if (session.staff.mustChangePassword) screen = <FirstPasswordScreen name={session.staff.displayName} />;
  else screen = <Shell session={session} />;

  return (
    <>
      {banner}
      {screen}
    </>
  );
}
