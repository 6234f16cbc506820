/**
 * Chooses the screen from the desk's state: setup, sign-in, locked, or the signed-in frame.
 *
 * Only what the sign-in and lock screens need is in the first bundle (issue 12: `npm start` →
 * sign-in painted < 1.5 s). The signed-in frame with every feature, first-run setup, the
 * first-password screen and the recovery screen are separate chunks, loaded by dynamic import;
 * the signed-in frame is fetched as soon as the sign-in screen has painted, so it is there by the
 * time someone has typed a password (docs/decisions/0023-one-frame-keystrokes-and-a-small-first-bundle.md).
 */
import { Suspense, lazy, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import { LockScreen } from '../features/auth/LockScreen';
import { LoginForm } from '../features/auth/LoginForm';
import { toggleLanguage } from '../i18n';
import { api, loadEventSchemas, whenSessionLost } from '../lib/api';
import { bridge } from '../lib/transport';
import { useDesk } from './store';

const loadShell = () => import('./Shell');
const Shell = lazy(() => loadShell().then((module) => ({ default: module.Shell })));
const SetupScreen = lazy(() => import('../features/setup/SetupScreen').then((module) => ({ default: module.SetupScreen })));
const RecoveryScreen = lazy(() => import('../features/backup/RecoveryScreen').then((module) => ({ default: module.RecoveryScreen })));
const FirstPasswordScreen = lazy(() => import('../features/auth/FirstPasswordScreen').then((module) => ({ default: module.FirstPasswordScreen })));

let prefetched = false;
/** Fetch the signed-in frame's chunk (and the event schemas) once the first screen is on screen (after two frames, when the browser is idle). */
function prefetchShell(): void {
  if (prefetched) return;
  prefetched = true;
  const idle = (window as Window & { requestIdleCallback?: (callback: () => void, options?: { timeout: number }) => number }).requestIdleCallback;
  const fetchIt = (): void => {
    void loadEventSchemas().catch(() => undefined);
    void loadShell().catch(() => undefined);
  };
  requestAnimationFrame(() => requestAnimationFrame(() => (idle ? idle(fetchIt, { timeout: 500 }) : setTimeout(fetchIt, 0))));
}

export function App() {
  const { t } = useTranslation();
  // Only what chooses the screen: the sync poll (every 3 s) and sync events change other parts of
  // the store, and rendering the whole app for them landed on keystrokes (issue 12).
  const { info, session, notice, loadError } = useDesk(useShallow((state) => ({ info: state.info, session: state.session, notice: state.notice, loadError: state.loadError })));

  useEffect(() => {
    // The first load is started by main.tsx, before the first render.
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

  const firstScreenShown = Boolean(info && session) || Boolean(loadError);
  useEffect(() => {
    if (firstScreenShown) prefetchShell();
  }, [firstScreenShown]);

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
      <Suspense fallback={<main className="centered"><p>{t('app.loading')}</p></main>}>{screen}</Suspense>
    </>
  );
}
