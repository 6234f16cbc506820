/**
 * The "线上提交" queue (issue 15): every submission this desk pulled, most urgent first, each with
 * its countdown from the server's receipt time; who is working on which (claims reach every desk
 * through the op log and run out when not finished); what could not be opened (quarantine); the
 * follow-up list with each attempt to reach the customer and its outcome; for a lead, the alert at
 * 90 minutes and the breaches of the 2-hour rule. Loading happens at the walk-in screen (F8).
 */
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MethodOutput } from '../../../../shared/api/contract';
import { FOLLOW_UP_ATTEMPT_KINDS, FOLLOW_UP_OUTCOME_KINDS, type OnlineQueueItem } from '../../../../shared/api/online-methods';
import { FormError } from '../../components/Field';
import { api } from '../../lib/api';
import { errorMessage } from '../../lib/errors';
import { DeadlineBadge } from '../review/DeadlineBadge';

type Queue = MethodOutput<'online.queue'>;

export function OnlineScreen() {
  const { t, i18n } = useTranslation();
  const [queue, setQueue] = useState<Queue | null>(null);
  const [loadedAt, setLoadedAt] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [reasonFor, setReasonFor] = useState<string | null>(null);
  const [reason, setReason] = useState('');

  const refresh = useCallback(async (): Promise<void> => {
    const result = await api.call('online.queue');
    if (!result.ok) return setError(errorMessage(t, result.error));
    setQueue(result.value);
    setLoadedAt(Date.now());
  }, [t]);

  useEffect(() => {
    void refresh();
    const timer = setInterval(() => void refresh(), 30_000);
    return () => clearInterval(timer);
  }, [refresh]);

  const act = async (work: () => Promise<{ ok: boolean; error?: Parameters<typeof errorMessage>[1] }>): Promise<void> => {
    setError(null);
    const result = await work();
    if (!result.ok && result.error) setError(errorMessage(t, result.error));
    await refresh();
  };

  const time = (at: number): string => new Date(at).toLocaleTimeString(i18n.language, { hour: '2-digit', minute: '2-digit' });

  const row = (item: OnlineQueueItem, followUp: boolean) => (
    <li key={item.submissionId} className="queue__item" data-testid="online-item" data-receipt={item.receiptCode}>
      <strong className="mono">{item.receiptCode}</strong>
      <span>{t('onlineDesk.queue.received', { time: time(item.receivedAt) })}</span>
      {!followUp && <DeadlineBadge deadline={item.deadline} since={item.receivedAt} now={loadedAt} />}
      {item.state === 'quarantined' ? (
        <span className="form-error" data-testid="online-quarantined">{t(`onlineDesk.problem.${item.problem ?? 'malformed'}`, { defaultValue: t('onlineDesk.problem.malformed') })}</span>
      ) : (
        <span>
          {item.name} <span className="mono">{item.mobile}</span>
        </span>
      )}
      {item.folded > 0 && <span className="muted">{t('onlineDesk.queue.folded', { count: item.folded })}</span>}
      {item.claim && <span className="badge" data-testid="online-claim">{item.claim.mine ? t('onlineDesk.queue.mine') : t('onlineDesk.queue.claimedBy', { name: item.claim.name })}</span>}
      {followUp ? (
        <span className="actions">
          {t('onlineDesk.queue.attempts', { count: item.attempts })}
          {FOLLOW_UP_ATTEMPT_KINDS.map((kind) => (
            <button key={kind} type="button" onClick={() => void act(() => api.call('online.attempt', { submissionId: item.submissionId, kind, note: '' }))}>
              {t(`onlineDesk.attempt.${kind}`)}
            </button>
          ))}
          <label>
            {t('onlineDesk.queue.outcome')}{' '}
            <select value={item.outcome} onChange={(event) => void act(() => api.call('online.outcome', { submissionId: item.submissionId, outcome: event.target.value as (typeof FOLLOW_UP_OUTCOME_KINDS)[number], note: '' }))}>
              {FOLLOW_UP_OUTCOME_KINDS.map((outcome) => (
                <option key={outcome} value={outcome}>
                  {t(`onlineDesk.outcome.${outcome || 'none'}`)}
                </option>
              ))}
            </select>
          </label>
        </span>
      ) : (
        <span className="actions">
          {item.state === 'ready' && !item.claim && (
            <button type="button" onClick={() => void act(() => api.call('online.claim', { submissionId: item.submissionId }))}>
              {t('onlineDesk.queue.claim')}
            </button>
          )}
          {item.claim?.mine && (
            <button type="button" onClick={() => void act(() => api.call('online.release', { submissionId: item.submissionId }))}>
              {t('onlineDesk.queue.release')}
            </button>
          )}
          <button type="button" onClick={() => { setReasonFor(item.submissionId); setReason(''); }}>
            {t('onlineDesk.queue.toFollowUp')}
          </button>
        </span>
      )}
      {reasonFor === item.submissionId && (
        <form
          className="actions"
          onSubmit={(event) => {
            event.preventDefault();
            if (reason.trim() === '') return;
            setReasonFor(null);
            void act(() => api.call('online.followUp', { submissionId: item.submissionId, reason }));
          }}
        >
          <label htmlFor={`reason-${item.submissionId}`}>{t('onlineDesk.queue.followUpReason')}</label>{' '}
          <input id={`reason-${item.submissionId}`} autoFocus maxLength={500} value={reason} onChange={(event) => setReason(event.target.value)} />{' '}
          <button type="submit" className="primary">{t('onlineDesk.queue.toFollowUp')}</button>{' '}
          <button type="button" onClick={() => setReasonFor(null)}>{t('common.cancel')}</button>
        </form>
      )}
    </li>
  );

  return (
    <section aria-labelledby="online-title" data-testid="online-screen">
      <h1 id="online-title">{t('onlineDesk.queue.title')}</h1>
      <p className="muted">{t('onlineDesk.queue.hint')}</p>
      <FormError message={error} />
      {queue && queue.alerts > 0 && (
        <p className="banner banner--warning" role="alert" data-testid="online-alerts">
          {t('onlineDesk.queue.alerts', { count: queue.alerts })}
        </p>
      )}
      {queue && !queue.settings.enabled && <p className="muted">{t('onlineDesk.queue.notEnabled')}</p>}
      {queue && (queue.items.length === 0 ? <p className="muted" data-testid="online-empty">{t('onlineDesk.queue.empty')}</p> : <ul className="queue">{queue.items.map((item) => row(item, false))}</ul>)}
      {queue && queue.followUp.length > 0 && (
        <>
          <h2>{t('onlineDesk.queue.followUpTitle')}</h2>
          <ul className="queue" data-testid="online-follow-up">
            {queue.followUp.map((item) => row(item, true))}
          </ul>
        </>
      )}
      {queue && queue.breaches.length > 0 && (
        <>
          <h2>{t('onlineDesk.queue.breachesTitle')}</h2>
          <ul className="queue" data-testid="online-breaches">
            {queue.breaches.map((breach) => (
              <li key={breach.submissionId} className="queue__item">
                <strong className="mono">{breach.receiptCode}</strong>
                <span>{t('onlineDesk.queue.received', { time: time(breach.receivedAt) })}</span>
                <span className="deadline deadline--breached">{t('onlineDesk.queue.breachedAt', { time: time(breach.breachedAt) })}</span>
                {breach.processedAt !== null && <span>{t('onlineDesk.queue.processedAt', { time: time(breach.processedAt) })}</span>}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
