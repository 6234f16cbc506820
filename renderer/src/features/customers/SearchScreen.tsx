/**
 * One search box for everything (phone, last four, ID, name, pinyin, initials), results as you
 * type, masked; a virtualised list so thousands of results stay fast; Enter opens the card.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MethodInput } from '../../../../shared/api/contract';
import type { CustomerSummary } from '../../../../shared/api/intake-contract';
import { INPUT_LIMITS } from '../../../../shared/domain/limits';
import { FormError } from '../../components/Field';
import { api } from '../../lib/api';
import { errorMessage } from '../../lib/errors';
import { CustomerCard } from './CustomerCard';

type SearchInput = MethodInput<'customers.search'>;

/** One search waiting to go out: `key` names the input it answers (without the page cursor). */
interface SearchRequest {
  key: string;
  input: SearchInput;
}

/**
 * What the list shows: the answer for the input `key` names ('' for none); whether it comes in pages
 * (a filter with no query) and whether its last page came back full (then more may match).
 */
interface Shown {
  key: string;
  results: CustomerSummary[];
  paged: boolean;
  full: boolean;
}
const NOTHING: Shown = { key: '', results: [], paged: false, full: false };

/** The UI's page: as many results as one search returns. */
const PAGE = 500;
/** A search slower than this shows "searching"; a faster one shows nothing in between. */
const SEARCHING_AFTER_MS = 400;
/** Each row's height in pixels (styles.css `.result`). */
const ROW_HEIGHT = 40;

interface Filters {
  grade: '' | 'vip' | 'ordinary';
  status: string;
  source: '' | 'walk_in' | 'paper_form' | 'online';
  from: string;
  to: string;
}

/** The search the text and filters on screen ask for, or null when they ask for none. */
function searchFor(query: string, filters: Filters): SearchInput | null {
  const q = query.trim();
  if (q === '' && !Object.values(filters).some(Boolean)) return null;
  return {
    query: q,
    limit: PAGE,
    ...(filters.grade ? { grade: filters.grade } : {}),
    ...(filters.status ? { status: filters.status } : {}),
    ...(filters.source ? { source: filters.source } : {}),
    ...(filters.from ? { from: filters.from } : {}),
    ...(filters.to ? { to: filters.to } : {}),
  };
}

export function SearchScreen({ canReveal, canCorrect, onCorrect }: { canReveal: boolean; canCorrect: boolean; onCorrect: () => void }) {
  const { t } = useTranslation();
  const [query, setQuery] = useState('');
  const [filters, setFilters] = useState<Filters>({ grade: '', status: '', source: '', from: '', to: '' });
  const [shown, setShown] = useState<Shown>(NOTHING);
  const [error, setError] = useState<string | null>(null);
  const [active, setActive] = useState(0);
  const [openId, setOpenId] = useState<string | null>(null);
  /** The answer for the text on screen is taking long enough to say so. */
  const [slow, setSlow] = useState(false);
  /** The input whose search failed (its error is shown): no longer waited for. */
  const [failed, setFailed] = useState<string | null>(null);
  const listRef = useRef<HTMLDivElement>(null);

  const wantedInput = useMemo(() => searchFor(query, filters), [query, filters]);
  const key = wantedInput ? JSON.stringify(wantedInput) : '';
  // The list and the count are those of the answer for what is on screen; until it arrives, the
  // answer before stays (never read as "nothing found"), and an answer for an older text is dropped.
  const answered = shown.key === key;
  const waiting = !answered && failed !== key;
  const results = shown.results;

  // Results as you type with no fixed debounce: a search goes out at once when none is in flight;
  // keys typed meanwhile coalesce into the one search sent when it answers (the latest input wins),
  // so the last key's results are one round trip away and the core never sees a queue of them.
  const inFlight = useRef(false);
  const wanted = useRef<SearchRequest | null>(null);
  const latest = useRef('');
  /** The next page asked for (key and cursor), so a page is asked for once however often ↓ or the scroll ask. */
  const pageAsked = useRef<string | null>(null);
  /** ↓ on the last row asked for the next page (or found it on its way): the cursor moves onto its first row, at `before`. */
  const moveOnto = useRef<{ key: string; before: number } | null>(null);

  const send = useCallback(() => {
    const next = wanted.current;
    if (inFlight.current || !next) return;
    wanted.current = null;
    inFlight.current = true;
    void api.call('customers.search', next.input).then((result) => {
      inFlight.current = false;
      if (next.key === latest.current) {
        if (result.ok) {
          const page = result.value;
          const full = page.length >= PAGE;
          if (next.input.after) {
            setShown((before) => {
              if (before.key !== next.key) return before;
              const listed = new Set(before.results.map((customer) => customer.id));
              return { ...before, results: [...before.results, ...page.filter((customer) => !listed.has(customer.id))], full };
            });
            if (moveOnto.current?.key === next.key && page.length > 0) setActive(moveOnto.current.before);
            moveOnto.current = null;
          } else {
            setShown({ key: next.key, results: page, paged: next.input.query === '', full });
            setActive(0);
            if (listRef.current) listRef.current.scrollTop = 0;
          }
          setError(null);
        } else {
          if (next.input.after) pageAsked.current = null;
          else setFailed(next.key);
          setError(errorMessage(t, result.error));
        }
      }
      send();
    });
  }, [t]);

  useEffect(() => {
    latest.current = key;
    pageAsked.current = null;
    moveOnto.current = null;
    setFailed(null);
    if (!wantedInput) {
      wanted.current = null;
      setShown(NOTHING);
      return;
    }
    wanted.current = { key, input: wantedInput };
    send();
  }, [key, wantedInput, send]);

  // "Searching" only for an answer that keeps the person waiting, so a fast one never flashes it.
  // Keys typed while waiting do not restart the wait.
  useEffect(() => {
    if (!waiting) return;
    const timer = setTimeout(() => setSlow(true), SEARCHING_AFTER_MS);
    return () => {
      clearTimeout(timer);
      setSlow(false);
    };
  }, [waiting]);

  // A filter with no query comes in pages: the next one starts after the last customer shown, for as
  // long as the page before came back full (an empty or short page is the last).
  const after = answered && shown.paged && shown.full ? results.at(-1)?.cursor : undefined;
  const more = useCallback(
    (move?: { before: number }): void => {
      if (!after || !wantedInput) return;
      if (move) moveOnto.current = { key, before: move.before };
      if (pageAsked.current === `${key} ${after}`) return;
      pageAsked.current = `${key} ${after}`;
      wanted.current = { key, input: { ...wantedInput, after } };
      send();
    },
    [after, key, wantedInput, send],
  );

  // TanStack Virtual is not React-Compiler-safe (it returns changing functions); we do not use the compiler.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({ count: results.length, getScrollElement: () => listRef.current, estimateSize: () => ROW_HEIGHT, overscan: 8 });

  // The current row stays in view as the cursor moves (and onto the first row of a page ↓ brought).
  useEffect(() => {
    if (active < results.length) virtualizer.scrollToIndex(active);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only when the cursor moves; the virtualizer changes every render
  }, [active]);

  // Scrolled to the end of the list (by hand, or by the cursor): the next page comes.
  const onScroll = (): void => {
    const list = listRef.current;
    if (after && list && list.scrollTop + list.clientHeight >= list.scrollHeight - ROW_HEIGHT) more();
  };

  // A list as long as the limit (or a last page that came back full) may not be all that match:
  // it says "the first N", never a total it does not know. "Nothing found" only answers the text on screen.
  const count = results.length;
  const counted = count === 0 ? '' : !shown.full ? t('search.count', { count }) : shown.paged ? t('search.countFirst', { count }) : t('search.countFirstNarrow', { count });
  const status = key === '' ? '' : waiting ? (slow ? t('search.searching') : counted) : !answered ? '' : count === 0 ? t('search.none') : counted;

  if (openId) return <CustomerCard id={openId} canReveal={canReveal} canCorrect={canCorrect} onClose={() => setOpenId(null)} onCorrect={onCorrect} />;

  return (
    <section aria-labelledby="search-title">
      <h1 id="search-title">{t('search.title')}</h1>
      <label htmlFor="customer-search">{t('search.label')}</label>
      <input
        id="customer-search"
        className="search-box"
        autoFocus
        autoComplete="off"
        placeholder={t('search.placeholder')}
        maxLength={INPUT_LIMITS.searchQuery}
        value={query}
        role="combobox"
        aria-expanded={results.length > 0}
        aria-controls="search-results"
        onChange={(event) => setQuery(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'ArrowDown') {
            event.preventDefault();
            // On the last row listed, ↓ brings the next page and moves onto it.
            if (after && active >= results.length - 1) more({ before: results.length });
            else setActive((index) => Math.min(results.length - 1, index + 1));
          }
          if (event.key === 'ArrowUp') { event.preventDefault(); setActive((index) => Math.max(0, index - 1)); }
          if (event.key === 'Enter' && results[active]) setOpenId(results[active].id);
        }}
      />
      <div className="filters" role="group" aria-label={t('search.filters')}>
        <label>
          {t('intake.field.grade')}
          <select value={filters.grade} onChange={(event) => setFilters({ ...filters, grade: event.target.value as Filters['grade'] })}>
            <option value="">{t('search.any')}</option>
            <option value="vip">{t('intake.option.grade.vip')}</option>
            <option value="ordinary">{t('intake.option.grade.ordinary')}</option>
          </select>
        </label>
        <label>
          {t('search.statusLabel')}
          <select value={filters.status} onChange={(event) => setFilters({ ...filters, status: event.target.value })}>
            <option value="">{t('search.any')}</option>
            <option value="pending_cross_check">{t('search.status.pending_cross_check')}</option>
          </select>
        </label>
        <label>
          {t('search.sourceLabel')}
          <select value={filters.source} onChange={(event) => setFilters({ ...filters, source: event.target.value as Filters['source'] })}>
            <option value="">{t('search.any')}</option>
            <option value="walk_in">{t('search.source.walk_in')}</option>
            <option value="paper_form">{t('search.source.paper_form')}</option>
            <option value="online">{t('search.source.online')}</option>
          </select>
        </label>
        <label>
          {t('search.from')}
          <input type="date" value={filters.from} onChange={(event) => setFilters({ ...filters, from: event.target.value })} />
        </label>
        <label>
          {t('search.to')}
          <input type="date" value={filters.to} onChange={(event) => setFilters({ ...filters, to: event.target.value })} />
        </label>
      </div>
      <FormError message={error} />
      <p className="muted" aria-live="polite" data-testid="search-status">{status}</p>
      <div ref={listRef} className="results" id="search-results" role="listbox" aria-label={t('search.title')} aria-busy={waiting} onScroll={onScroll}>
        <div style={{ height: virtualizer.getTotalSize() }} className="results__inner">
          {virtualizer.getVirtualItems().map((item) => {
            const customer = results[item.index];
            if (!customer) return null;
            return (
              <div
                key={customer.id}
                role="option"
                aria-selected={item.index === active}
                aria-posinset={item.index + 1}
                aria-setsize={after ? -1 : results.length}
                className={item.index === active ? 'result result--active' : 'result'}
                style={{ transform: `translateY(${item.start}px)` }}
                onClick={() => setOpenId(customer.id)}
                data-testid="search-result"
              >
                <span>{customer.name}</span>
                <span className="mono">{customer.mobile}</span>
                <span className="mono">{customer.idNumber}</span>
                <span>{customer.birthYear}</span>
                <span>{t(`intake.option.grade.${customer.grade}`)}</span>
              </div>
            );
          })}
        </div>
      </div>
      {after ? (
        <p>
          <button type="button" className="secondary" onClick={() => more()} data-testid="search-more">
            {t('search.more')}
          </button>{' '}
          <span className="muted">{t('search.moreHint')}</span>
        </p>
      ) : null}
    </section>
  );
}
