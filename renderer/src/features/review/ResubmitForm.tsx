/**
 * Fix and resubmit a returned record with the entry form itself (issue 11 item 10): the same
 * fields, pickers and validation as a walk-in. Personal fields arrive masked; one still showing its
 * mask is unchanged (the core keeps the stored value) and can be shown in full to edit it. With a
 * resident ID, birth date and gender come from the number, as on entry, so they are not free text
 * that the core would overwrite.
 */
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { FIELD_PRESETS, type FieldConfig, type FieldName, type IntakeFields } from '../../../../shared/domain/intake/fields';
import { validateIntake, type FieldIssue } from '../../../../shared/domain/intake/validate';
import { MASKED_FIELDS } from '../../../../shared/domain/masking';
import { api } from '../../lib/api';
import { IntakeFieldsForm } from '../intake/IntakeFieldsForm';

const FOCUSABLE = 'input:not([type=hidden]):not([disabled]):not([readonly]), select:not([disabled]):not([data-skip-enter]), textarea:not([disabled]), button:not([disabled]):not([data-skip-enter])';

interface Props {
  /** The record as returned (masked). */
  stored: IntakeFields;
  fields: IntakeFields;
  /** Each change applies to the latest fields (a place picker empties the levels below it in the same go). */
  onChange: (change: (fields: IntakeFields) => IntakeFields) => void;
  /** Field errors from the core's last refusal. */
  serverErrors: Record<string, string>;
  /** Fields whose note asks for a fix: the first gets the cursor. */
  noted: readonly string[];
  onReveal: (field: FieldName) => void;
  onSubmit: () => void;
  submitLabel: string;
}

export function ResubmitForm({ stored, fields, onChange, serverErrors, noted, onReveal, onSubmit, submitLabel }: Props) {
  const { t } = useTranslation();
  const [config, setConfig] = useState<FieldConfig>(FIELD_PRESETS.ski_lodge);
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const formRef = useRef<HTMLFormElement>(null);

  useEffect(() => {
    void api.call('intake.config').then((result) => result.ok && setConfig(result.value.fields as FieldConfig));
  }, []);

  // The cursor starts on the first field the checker noted.
  const firstNoted = noted[0];
  useEffect(() => {
    if (firstNoted) formRef.current?.querySelector<HTMLElement>(`[name="${firstNoted}"]`)?.focus();
  }, [firstNoted]);

  const stillMasked = useMemo(() => new Set<string>(MASKED_FIELDS.filter((field) => stored[field] !== '' && fields[field] === stored[field])), [stored, fields]);
  const validation = useMemo(() => validateIntake(fields, config, new Date()), [fields, config]);

  const issueFor = (field: string): FieldIssue | undefined => {
    const server = serverErrors[field];
    if (server) return { code: server };
    if (!touched.has(field) || stillMasked.has(field)) return undefined;
    const issue = validation.errors[field as FieldName];
    // A repeat visit's record holds only what that visit said: an empty field is for the core to judge.
    return issue && issue.code !== 'required' ? issue : undefined;
  };
  const touch = (field: string): void => setTouched((current) => (current.has(field) ? current : new Set(current).add(field)));

  const onKeyDown = (event: KeyboardEvent<HTMLFormElement>): void => {
    const target = event.target as HTMLElement;
    if (event.key === 'Enter' && !event.shiftKey && (target.tagName === 'INPUT' || target.tagName === 'SELECT')) {
      event.preventDefault();
      const items = [...(formRef.current?.querySelectorAll<HTMLElement>(FOCUSABLE) ?? [])];
      items.find((item) => target.compareDocumentPosition(item) & Node.DOCUMENT_POSITION_FOLLOWING)?.focus();
    }
  };

  return (
    <form
      ref={formRef}
      className="walkin__form"
      noValidate
      data-testid="resubmit-form"
      aria-label={submitLabel}
      onKeyDown={onKeyDown}
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit();
      }}
    >
      <IntakeFieldsForm
        fields={fields}
        config={config}
        validation={validation}
        issueFor={issueFor}
        onInput={(field, value) => {
          touch(field);
          onChange((current) => ({ ...current, [field]: value }));
        }}
        onBlur={touch}
        masked={{ fields: stillMasked, onReveal }}
      />
      <div className="actions">
        <button type="submit" className="primary">
          {submitLabel}
        </button>
      </div>
      <p className="muted">{t('review.resubmitHint')}</p>
    </form>
  );
}
