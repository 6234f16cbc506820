/** The signed-in frame: header with site, desk and person, navigation by role, status bar, shortcuts. */
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionInfo } from '../../../shared/api';
import { AuditScreen } from '../features/audit/AuditScreen';
import { OnlineScreen } from '../features/online/OnlineScreen';
import { useOnlineCounts } from '../features/online/useOnlineCounts';
import { SearchScreen } from '../features/customers/SearchScreen';
import { WalkInScreen } from '../features/intake/WalkInScreen';
import { ReviewScreen } from '../features/review/ReviewScreen';
import { HomeScreen } from '../features/home/HomeScreen';
import { SettingsScreen } from '../features/settings/SettingsScreen';
import { StaffScreen } from '../features/staff/StaffScreen';
import { toggleLanguage } from '../i18n';
import { api } from '../lib/api';
import { pagesFor, type PageId } from './navigation';
import { StatusBar } from './StatusBar';
import { useDesk } from './store';
import { useActivityHeartbeat } from './useActivity';
import { useReviewCounts } from './useReviewCounts';

type ActiveSession = Extract<SessionInfo, { state: 'active' | 'locked' }>;

export function Shell({ session }: { session: ActiveSession }) {
  const { t } = useTranslation();
  const info = useDesk((state) => state.info);
  const pages = pagesFor(session.permissions);
  const [page, setPage] = useState<PageId>('home');
  const [showShortcuts, setShowShortcuts] = useState(false);
  useActivityHeartbeat(session.idleLockMs);
  const reviewCount = useReviewCounts(session.permissions.includes('review.act'), page);
  const online = useOnlineCounts(session.permissions.includes('intake.create'), page);

  const lock = useCallback(async () => {
    const result = await api.call('auth.lock');
    if (result.ok) useDesk.getState().setSession(result.value);
  }, []);

  const signOut = async (): Promise<void> => {
    const result = await api.call('auth.logout');
    useDesk.getState().setSession(result.ok ? result.value : { state: 'none' });
  };

  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (event.ctrlKey && !event.altKey && event.key.toLowerCase() === 'l') {
        event.preventDefault();
        void lock();
      } else if (event.altKey && /^[1-9]$/.test(event.key)) {
        const target = pages[Number(event.key) - 1];
        if (target) {
          event.preventDefault();
          setPage(target);
        }
      } else if (event.key === 'F1') {
        event.preventDefault();
        setShowShortcuts((shown) => !shown);
      } else if (event.key === 'F2') {
        event.preventDefault();
        toggleLanguage();
      } else if (event.key === 'Escape') {
        setShowShortcuts(false);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [lock, pages]);

  const current = pages.includes(page) ? page : 'home';

  return (
    <div className="shell">
      <header className="topbar">
        <div className="topbar__place">
          <strong>{t('app.name')}</strong>
          <span>{info?.organisationName}</span>
          <span>{info?.siteName}</span>
          <span className="badge">{info?.deskName}</span>
        </div>
        <div className="topbar__person">
          <span title={t('shell.signedInAs')} data-testid="signed-in-user">
            {session.staff.displayName}{t('common.parenthesized', { text: t(`role.${session.staff.role}`) })}
          </span>
          <button type="button" onClick={() => toggleLanguage()} title={`${t('common.languageLabel')} (F2)`}>
            {t('common.language')}
          </button>
          <button type="button" onClick={() => setShowShortcuts((shown) => !shown)} title="F1">
            {t('shell.shortcuts')} <kbd>F1</kbd>
          </button>
          <button type="button" onClick={() => void lock()} title={t('shell.lockShortcut')}>
            {t('shell.lock')} <kbd>{t('shell.lockShortcut')}</kbd>
          </button>
          <button type="button" onClick={() => void signOut()}>
            {t('shell.signOut')}
          </button>
        </div>
      </header>
      <div className="shell__body">
        <nav className="sidenav" aria-label={t('app.name')}>
          <ul>
            {pages.map((id, index) => (
              <li key={id}>
                <button type="button" className={id === current ? 'sidenav__item sidenav__item--current' : 'sidenav__item'} aria-current={id === current ? 'page' : undefined} onClick={() => setPage(id)}>
                  <span>{t(`nav.${id}`)}{id === 'review' && reviewCount > 0 && <span className="count" data-testid="review-count"> {reviewCount}</span>}
                    {id === 'online' && online.waiting > 0 && <span className="count" data-testid="online-count"> {online.waiting}</span>}
                    {id === 'online' && online.alerts > 0 && <span className="deadline deadline--escalated" data-testid="online-alert-count" title={t('onlineDesk.queue.alerts', { count: online.alerts })}> {t('onlineDesk.navAlerts', { count: online.alerts })}</span>}</span>
                  <kbd>Alt+{index + 1}</kbd>
                </button>
              </li>
            ))}
          </ul>
        </nav>
        <main className="content">
          {!session.staff.certified && (
            <p className="banner banner--warning" role="status">
              {t('shell.notCertified')}
            </p>
          )}
          {current === 'home' && <HomeScreen session={session} />}
          {current === 'walkin' && <WalkInScreen certified={session.staff.certified} />}
          {current === 'search' && <SearchScreen canReveal={session.permissions.includes('customer.reveal')} canCorrect={session.permissions.includes('intake.create') && session.staff.certified} onCorrect={() => setPage('walkin')} />}
          {current === 'review' && <ReviewScreen role={session.staff.role} />}
          {current === 'staff' && <StaffScreen canManage={session.permissions.includes('staff.manage')} selfId={session.staff.id} />}
          {current === 'settings' && <SettingsScreen />}
          {current === 'audit' && <AuditScreen canReadStaff={session.permissions.includes('staff.read')} />}
          {current === 'online' && <OnlineScreen />}
        </main>
      </div>
      <StatusBar />
      {showShortcuts && (
        <div className="dialog-backdrop" onClick={() => setShowShortcuts(false)}>
          <section className="dialog" role="dialog" aria-modal="true" aria-labelledby="shortcuts-title" onClick={(event) => event.stopPropagation()}>
            <h2 id="shortcuts-title">{t('shell.shortcutsTitle')}</h2>
            <dl className="shortcuts">
              <dt><kbd>Ctrl+L</kbd></dt><dd>{t('shortcut.lock')}</dd>
              <dt><kbd>Alt+1…9</kbd></dt><dd>{t('shortcut.nav')}</dd>
              <dt><kbd>Enter</kbd></dt><dd>{t('shortcut.submit')}</dd>
              <dt><kbd>Tab</kbd></dt><dd>{t('shortcut.next')}</dd>
              <dt><kbd>F1</kbd></dt><dd>{t('shortcut.help')}</dd>
              <dt><kbd>F2</kbd></dt><dd>{t('shortcut.language')}</dd>
              <dt><kbd>F3</kbd></dt><dd>{t('shortcut.finder')}</dd>
              <dt><kbd>F4</kbd></dt><dd>{t('shortcut.load')}</dd>
              <dt><kbd>F6</kbd></dt><dd>{t('shortcut.place')}</dd>
              <dt><kbd>F7</kbd></dt><dd>{t('shortcut.arrived')}</dd>
              <dt><kbd>F8</kbd></dt><dd>{t('onlineDesk.shortcut')}</dd>
              <dt><kbd>F9</kbd></dt><dd>{t('shortcut.blankOnForm')}</dd>
              <dt><kbd>Ctrl+Enter</kbd></dt><dd>{t('shortcut.selfReview')}</dd>
              <dt><kbd>Esc</kbd></dt><dd>{t('shortcut.escape')}</dd>
              <dt><kbd>↑</kbd> <kbd>↓</kbd> <kbd>Enter</kbd></dt><dd>{t('shortcut.lists')}</dd>
              <dt><kbd>P</kbd> / <kbd>F</kbd></dt><dd>{t('shortcut.crossCheck')}</dd>
              <dt><kbd>A</kbd> / <kbd>R</kbd></dt><dd>{t('shortcut.approve')}</dd>
              <dt><kbd>Alt+=</kbd> / <kbd>Alt+-</kbd> / <kbd>Alt+0</kbd></dt><dd>{t('shortcut.scanZoom')}</dd>
              <dt><kbd>Alt+R</kbd> / <kbd>Alt+←↑→↓</kbd></dt><dd>{t('shortcut.scanTurn')}</dd>
            </dl>
            <button type="button" autoFocus onClick={() => setShowShortcuts(false)}>
              {t('common.close')}
            </button>
          </section>
        </div>
      )}
    </div>
  );
}
