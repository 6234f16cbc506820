/** Returning customers offered while typing (masked), to load instead of making a second record. */
import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import type { CustomerSummary } from '../../../../shared/api/intake-contract';

/** Memoised: renders when the offers change, not per keystroke (give it a stable `onLoad`). */
export const MatchesPanel = memo(function MatchesPanel({ matches, onLoad }: { matches: CustomerSummary[]; onLoad: (match: CustomerSummary) => void }) {
  const { t } = useTranslation();
  return (
    <aside className="matches" aria-labelledby="matches-title" data-testid="matches">
      <h2 id="matches-title">{t('intake.matchesTitle')}</h2>
      <ul>
        {matches.map((match, index) => (
          <li key={match.id}>
            <span>{match.name}</span> <span className="mono">{match.mobile}</span> <span className="mono">{match.idNumber}</span> <span>{match.birthYear}</span>{' '}
            <span className="muted">{match.matchedOn.map((on) => t(`intake.matchOn.${on}`)).join(t('common.listSeparator'))}</span>{' '}
            {/* The first offer loads with one key from anywhere on the screen (F4); the others by Tab and Enter. */}
            <button type="button" data-testid="load-customer" aria-keyshortcuts={index === 0 ? 'F4' : undefined} onClick={() => onLoad(match)}>
              {t('intake.loadCustomer')}
              {index === 0 && <> <kbd>{t('intake.loadShortcut')}</kbd></>}
            </button>
          </li>
        ))}
      </ul>
    </aside>
  );
});
