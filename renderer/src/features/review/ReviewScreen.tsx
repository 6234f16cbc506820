/**
 * Review queues on the desk (offline): returned to me, waiting for my cross-check, lead approval,
 * final review — with counts, most urgent first, deadlines shown, keyboard-driven. Each queue opens
 * on its first page; more come by the button under it or by ↓ on its last item (docs/decisions/0024).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MethodOutput } from '../../../../shared/api';
import { QUEUE_NAMES, type QueueItem, type QueueName } from '../../../../shared/api/review-contract';
import { FormError } from '../../components/Field';
import { api } from '../../lib/api';
import { errorMessage } from '../../lib/errors';
import { ReviewDetail } from './ReviewDetail';
import { DeadlineBadge } from './DeadlineBadge';
import { Assignment } from './Assignment';
import type { Staff } from '../../../../shared/domain/auth/staff';
import { isLeadRole } from '../../../../shared/domain/auth/roles';

type Queues = MethodOutput<'review.queues'>;
export type { QueueName };
const QUEUES: readonly QueueName[] = QUEUE_NAMES;
/** Said on the window whenever this screen changed or reloaded the queues: the sidebar count follows at once. */
export const REVIEW_CHANGED = 'intake-desk:review-changed';

function visibleQueues(role: string, queues: Queues | null): QueueName[] {
  const lead = isLeadRole(role);
  return QUEUES.filter((name) => (name === 'leadApproval' ? lead : name === 'finalReview' ? role === 'manager' : name === 'attention' ? lead && (queues?.attention.length ?? 0) > 0 : true));
}

export function ReviewScreen({ role }: { role: string }) {
  const { t, i18n } = useTranslation();
  const [queues, setQueues] = useState<Queues | null>(null);
  const [queue, setQueue] = useState<QueueName>('crossCheck');
  const [active, setActive] = useState(0);
  const [open, setOpen] = useState<{ item: QueueItem; queue: QueueName } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [loadedAt, setLoadedAt] = useState(0);
  /** Bulk approval asks first, saying how many; then says what happened. */
  const [confirmBulk, setConfirmBulk] = useState(false);
  const chosen = useRef(false);
  const listRef = useRef<HTMLUListElement>(null);
  const focusList = useRef(false);
  /** Set on the way back from a record, so the queue takes the cursor again once it is on screen. */
  const backToList = useRef(false);
  /** A next page being read (one at a time). */
  const [loadingMore, setLoadingMore] = useState(false);
  const moreInFlight = useRef(false);

  const [staff, setStaff] = useState<Staff[]>([]);

  useEffect(() => {
    if (isLeadRole(role)) void api.call('staff.list').then((result) => result.ok && setStaff(result.value));
  }, [role]);

  const load = useCallback(async () => {
    const result = await api.call('review.queues');
    if (!result.ok) return setError(errorMessage(t, result.error));
    setQueues(result.value);
    setLoadedAt(Date.now());
    setError(null);
    // The first time: open on the first queue that has work for this role, with focus in it (Alt+4 lands there).
    if (!chosen.current) {
      chosen.current = true;
      const first = visibleQueues(role, result.value).find((name) => result.value[name].length > 0);
      if (first) setQueue(first);
      focusList.current = true;
    }
    window.dispatchEvent(new Event(REVIEW_CHANGED));
  }, [t, role]);

  useEffect(() => {
    void load();
  }, [load]);

  // The current item stays in view as the cursor moves down a long queue.
  useEffect(() => {
    listRef.current?.querySelectorAll('[data-testid="queue-item"]')[active]?.scrollIntoView?.({ block: 'nearest' });
  }, [active]);

  // Once the queue is on screen after the first load (or a bulk approval), the focus goes into it.
  useEffect(() => {
    if (!focusList.current || !queues) return;
    focusList.current = false;
    listRef.current?.focus();
  }, [queues, queue]);

  // Back from a record (Esc or its back button): the cursor goes back into the queue, on the row it left.
  useEffect(() => {
    if (open || !backToList.current) return;
    backToList.current = false;
    listRef.current?.focus();
  }, [open]);

  if (open) {
    return (
      <ReviewDetail
        intakeId={open.item.intakeId}
        queue={open.queue}
        onDone={(text) => {
          setOpen(null);
          setMessage(text);
          void load();
        }}
        onBack={() => {
          backToList.current = true;
          setOpen(null);
        }}
      />
    );
  }

  const visible = visibleQueues(role, queues);
  const items = queues?.[queue] ?? [];
  const info = queues?.pages[queue];
  const cursor = info?.cursor ?? null;
  const formatted = (count: number): string => count.toLocaleString(i18n.language);
  const tabCount = (name: QueueName): string => {
    const page = queues?.pages[name];
    if (!page) return String(queues?.[name].length ?? 0);
    return page.capped ? t('review.queueCountMore', { total: formatted(page.count) }) : formatted(page.count);
  };

  /** The next page of the current queue, after the last item listed; the cursor (and, from the button, the focus) moves onto its first item. */
  const loadMore = async (fromButton: boolean): Promise<void> => {
    if (!cursor || moreInFlight.current) return;
    moreInFlight.current = true;
    setLoadingMore(true);
    const name = queue;
    const before = items.length;
    const result = await api.call('review.queuePage', { queue: name, cursor });
    moreInFlight.current = false;
    setLoadingMore(false);
    if (!result.ok) return setError(errorMessage(t, result.error));
    setQueues((current) => {
      if (!current) return current;
      const listed = new Set(current[name].map((item) => item.intakeId));
      return { ...current, [name]: [...current[name], ...result.value.items.filter((item) => !listed.has(item.intakeId))], pages: { ...current.pages, [name]: { ...current.pages[name], cursor: result.value.cursor } } };
    });
    if (result.value.items.length > 0) setActive(before);
    // The button goes away with the last page: the focus goes back into the queue, not to the page.
    if (fromButton) focusList.current = true;
  };
  const clean = queue === 'leadApproval' ? items.filter((item) => item.flags.length === 0) : [];

  const bulkApprove = async (): Promise<void> => {
    setConfirmBulk(false);
    let approved = 0;
    for (const item of clean) {
      const result = await api.call('review.decide', { intakeId: item.intakeId, decision: 'lead_approved' });
      if (result.ok) approved += 1;
      else setError(errorMessage(t, result.error));
    }
    setMessage(t('review.bulkDone', { approved, total: clean.length }));
    focusList.current = true;
    await load();
  };

  const assigning = queue === 'crossCheck' && isLeadRole(role);
  return (
    <section aria-labelledby="review-title" onKeyDown={(event) => {
      // Inputs and buttons keep their own keys (Enter on "bulk approve" is that button, not the record under it).
      if (['INPUT', 'BUTTON', 'SELECT', 'TEXTAREA'].includes((event.target as HTMLElement).tagName) && (event.target as HTMLElement).getAttribute('role') !== 'tab') return;
      if (event.key === 'ArrowDown') {
        event.preventDefault();
        // On the last item listed, ↓ brings the next page and moves onto it.
        if (active >= items.length - 1 && cursor) void loadMore(false);
        else setActive((index) => Math.min(items.length - 1, index + 1));
      }
      if (event.key === 'ArrowUp') { event.preventDefault(); setActive((index) => Math.max(0, index - 1)); }
      if (event.key === 'Enter' && items[active] && (event.target as HTMLElement).getAttribute('role') !== 'tab') { event.preventDefault(); setOpen({ item: items[active], queue }); }
    }}>
      <h1 id="review-title">{t('review.title')}</h1>
      <p className="muted">{t('review.shortcuts')}</p>
      {message && <p role="status" className="success">{message}</p>}
      <FormError message={error} />
      <div role="tablist" className="tabs" aria-label={t('review.title')}>
        {visible.map((name) => (
          <button key={name} type="button" role="tab" aria-selected={name === queue} className={name === queue ? 'tab tab--current' : 'tab'} onClick={() => { setQueue(name); setActive(0); }} data-testid={`queue-${name}`}>
            {t(`review.queue.${name}`)} <span className="count">{tabCount(name)}</span>
          </button>
        ))}
      </div>
      {clean.length > 0 && !confirmBulk && <button type="button" data-testid="bulk-approve" onClick={() => setConfirmBulk(true)}>{t('review.bulkApprove', { count: clean.length })}</button>}
      {confirmBulk && (
        <div role="alertdialog" aria-labelledby="bulk-confirm-text" className="banner banner--warning" data-testid="bulk-confirm">
          <p id="bulk-confirm-text">{t('review.bulkConfirm', { count: clean.length })}</p>
          <button type="button" className="primary" onClick={() => void bulkApprove()}>{t('review.bulkConfirmYes', { count: clean.length })}</button>{' '}
          <button type="button" autoFocus onClick={() => { setConfirmBulk(false); focusList.current = true; void load(); }}>{t('common.cancel')}</button>
        </div>
      )}
      {info && items.length > 0 && (
        <p className="muted" data-testid="queue-total">
          {info.capped ? t('review.queueTotalMore', { total: formatted(info.count) }) : t('review.queueTotal', { total: formatted(info.count) })}
        </p>
      )}
      {items.length === 0 ? (
        <p className="muted">{t('review.empty')}</p>
      ) : (
        // A list box may hold only options: where a lead assigns cross-checks from the row (a picker and
        // a button in each), the queue is a plain list with the current row marked instead.
        <ul ref={listRef} className="queue" role={assigning ? undefined : 'listbox'} aria-label={t(`review.queue.${queue}`)} tabIndex={0} autoFocus data-testid="queue-list">
          {items.map((item, index) => (
            <li key={item.intakeId} role={assigning ? undefined : 'option'} aria-selected={assigning ? undefined : index === active} aria-current={assigning && index === active ? 'true' : undefined} className={index === active ? 'queue__item queue__item--active' : 'queue__item'} onClick={() => setOpen({ item, queue })} data-testid="queue-item">
              <strong>{item.customerName}</strong>
              <span>{t(`review.source.${item.source}`, { defaultValue: item.source })}</span>
              <span>{t(`review.status.${item.status}`)}</span>
              {item.blankOnForm && item.blankOnForm.length > 0 ? (
                <span className="badge-flag" data-testid="queue-needs-details">{t('review.needsDetails', { fields: item.blankOnForm.map((field) => t(`intake.field.${field}`, { defaultValue: field })).join(t('common.listSeparator')) })}</span>
              ) : null}
              {item.flags.filter((flag) => !(flag === 'blank_on_form' && item.blankOnForm && item.blankOnForm.length > 0)).map((flag) => <span key={flag} className="badge-flag">{t(`review.flag.${flag}`, { defaultValue: flag })}</span>)}
              <DeadlineBadge deadline={item.deadline} since={item.since} now={loadedAt} />
              {queue === 'crossCheck' && <Assignment item={item} canAssign={isLeadRole(role)} staff={staff} onAssigned={() => void load()} />}
            </li>
          ))}
        </ul>
      )}
      {cursor && (
        <p>
          <button type="button" data-testid="queue-more" disabled={loadingMore} onClick={() => void loadMore(true)}>
            {loadingMore ? t('review.loadingMore') : t('review.loadMore', { shown: formatted(items.length) })}
          </button>{' '}
          <span className="muted">{t('review.loadMoreHint')}</span>
        </p>
      )}
    </section>
  );
}
