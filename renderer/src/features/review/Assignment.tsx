/** Who cross-checks: the lead assigns (the desk's suggestion preselected); others see the assignee or the suggestion. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { QueueItem } from '../../../../shared/api/review-contract';
import type { Staff } from '../../../../shared/domain/auth/staff';
import { api } from '../../lib/api';
import { errorMessage } from '../../lib/errors';

export function Assignment({ item, canAssign, staff, onAssigned }: { item: QueueItem; canAssign: boolean; staff: Staff[]; onAssigned: () => void }) {
  const { t } = useTranslation();
  const [choice, setChoice] = useState(item.assignedTo?.id ?? item.suggested?.id ?? '');
  const [error, setError] = useState<string | null>(null);
  const eligible = staff.filter((member) => member.active && member.certified && member.id !== item.enteredBy && member.role !== 'supervisor' && member.role !== 'maintainer');

  if (!canAssign) {
    if (item.assignedTo) return <span className="muted">{t('review.assignedTo', { name: item.assignedTo.name })}</span>;
    return item.suggested ? <span className="muted">{t('review.suggested', { name: item.suggested.name })}</span> : null;
  }
  const assign = async (): Promise<void> => {
    const result = await api.call('review.assign', { intakeId: item.intakeId, staffId: choice });
    if (!result.ok) return setError(errorMessage(t, result.error));
    onAssigned();
  };
  return (
    <span className="row-actions" onClick={(event) => event.stopPropagation()}>
      {item.assignedTo && <span className="muted">{t('review.assignedTo', { name: item.assignedTo.name })}</span>}
      <select aria-label={t('review.assignLabel')} value={choice} onChange={(event) => setChoice(event.target.value)}>
        {eligible.map((member) => (
          <option key={member.id} value={member.id}>{member.displayName}{member.id === item.suggested?.id ? ` (${t('review.suggestedShort')})` : ''}</option>
        ))}
      </select>
      <button type="button" disabled={!choice} onClick={() => void assign()}>{t('review.assign')}</button>
      {error && <small className="field__error" role="alert">{error}</small>}
    </span>
  );
}
