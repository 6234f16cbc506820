/**
 * One search box for everything (phone, last four, ID, name, pinyin, initials), results as you
 * type, masked; a virtualised list so thousands of results stay fast; Enter opens the card.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useRef, useState } from 'react';
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

/** The UI's page: as many results as one search returns. */
const PAGE = 500;

interface Filters {
  grade: '' | 'vip' | 'ordinary';
  status: string;
  source: '' | 'walk_in' | 'paper_form' | 'online';
  from: string;
  to: string;
}

export function SearchScreen({ canReveal, canCorrect, onCorrect }: { canReveal: boolean; canCorrect: boolean; onCorrect: () => void }) {
  const { t } = useTranslation();
  const [query, setQuery] = useState('');
  const [filters, setFilters] = useState<Filters>({ grade: '', status: '', source: '', from: '', to: '' });
  const [results, setResults] = useState<CustomerSummary[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [active, setActive] = useState(0);
  const [openId, setOpenId] = useState<string | null>(null);
  const listRef = useRef<HTMLDivElement>(null);

  // Results as you type with no fixed debounce: a search goes out at once when none is in flight;
  // keys typed meanwhile coalesce into the one search sent when it answers (the latest input wins),
  // so the last key's results are one round trip away and the core never sees a queue of them.
  const inFlight = useRef(false);
  const wanted = useRef<SearchRequest | null>(null);
  const latest = useRef('');

  const send = useCallback(() => {
    const next = wanted.current;
    if (inFlight.current || !next) return;
    wanted.current = null;
    inFlight.current = true;
    void api.call('customers.search', next.input).then((result) => {
      inFlight.current = false;
      if (next.key === latest.current) {
        if (result.ok) {
          setResults((shown) => (next.input.after ? [...shown, ...result.value] : result.value));
          if (!next.input.after) setActive(0);
          setError(null);
        } else setError(errorMessage(t, result.error));
      }
      send();
    });
  }, [t]);

  useEffect(() => {
    const q = query.trim();
    const active = Object.values(filters).some(Boolean);
    const input: SearchInput = {
      query: q,
      limit: PAGE,
      ...(filters.grade ? { grade: filters.grade } : {}),
      ...(filters.status ? { status: filters.status } : {}),
      ...(filters.source ? { source: filters.source } : {}),
      ...(filters.from ? { from: filters.from } : {}),
      ...(filters.to ? { to: filters.to } : {}),
    };
    latest.current = JSON.stringify(input);
    if (q === '' && !active) {
      wanted.current = null;
      setResults([]);
      return;
    }
    wanted.current = { key: latest.current, input };
    send();
  }, [query, filters, send]);

  // A filter with no query comes in pages: the next one starts after the last customer shown.
  const after = query.trim() === '' && results.length > 0 && results.length % PAGE === 0 ? results.at(-1)?.cursor : undefined;
  const more = (): void => {
    if (!after) return;
    const input = { ...(JSON.parse(latest.current) as SearchInput), after };
    wanted.current = { key: latest.current, input };
    send();
  };

  // TanStack Virtual is not React-Compiler-safe (it returns changing functions); we do not use the compiler.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({ count: results.length, getScrollElement: () => listRef.current, estimateSize: () => 40, overscan: 8 });

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
          if (event.key === 'ArrowDown') { event.preventDefault(); setActive((index) => Math.min(results.length - 1, index + 1)); virtualizer.scrollToIndex(Math.min(results.length - 1, active + 1)); }
          if (event.key === 'ArrowUp') { event.preventDefault(); setActive((index) => Math.max(0, index - 1)); virtualizer.scrollToIndex(Math.max(0, active - 1)); }
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
      <p className="muted" aria-live="polite">{query.trim() || Object.values(filters).some(Boolean) ? (results.length ? t('search.count', { count: results.length }) : t('search.none')) : ''}</p>
      <div ref={listRef} className="results" id="search-results" role="listbox" aria-label={t('search.title')}>
        <div style={{ height: virtualizer.getTotalSize() }} className="results__inner">
          {virtualizer.getVirtualItems().map((item) => {
            const customer = results[item.index];
            if (!customer) return null;
            return (
              <div
                key={customer.id}
                role="option"
                aria-selected={item.index === active}
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
        <button type="button" className="secondary" onClick={more} data-testid="search-more">
          {t('search.more')}
        </button>
      ) : null}
    </section>
  );
}
