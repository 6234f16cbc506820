/** A labelled input with its hint and its error, wired for screen readers and react-hook-form. */
import { forwardRef, memo, useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';

interface FieldShellProps {
  label: string;
  hint?: string | undefined;
  error?: string | undefined;
  children: (ids: { id: string; describedBy: string | undefined; invalid: boolean }) => ReactNode;
}

function FieldShell({ label, hint, error, children }: FieldShellProps) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={error ? 'field field--invalid' : 'field'}>
      <label htmlFor={id}>{label}</label>
      {children({ id, describedBy, invalid: Boolean(error) })}
      {hint && !error && (
        <small id={hintId} className="field__hint">
          {hint}
        </small>
      )}
      {error && (
        <small id={errorId} className="field__error" role="alert">
          {error}
        </small>
      )}
    </div>
  );
}

type InputProps = InputHTMLAttributes<HTMLInputElement> & { label: string; hint?: string | undefined; error?: string | undefined };

/**
 * Memoised: a form re-rendered for one keystroke re-renders only the fields whose props changed
 * (issue 12: keystroke → next paint within one frame). Pass stable handlers to benefit.
 */
export const TextField = memo(
  forwardRef<HTMLInputElement, InputProps>(function TextField({ label, hint, error, ...input }, ref) {
    return (
      <FieldShell label={label} hint={hint} error={error}>
        {({ id, describedBy, invalid }) => <input ref={ref} id={id} aria-describedby={describedBy} aria-invalid={invalid} {...input} />}
      </FieldShell>
    );
  }),
);

type TextAreaProps = TextareaHTMLAttributes<HTMLTextAreaElement> & { label: string; hint?: string | undefined; error?: string | undefined; value: string; maxLength: number };

/** A multi-line field that shows how much of its limit is used (`123/500`); the limit is the schema's. */
export const TextAreaField = forwardRef<HTMLTextAreaElement, TextAreaProps>(function TextAreaField({ label, hint, error, value, maxLength, ...textarea }, ref) {
  const { t } = useTranslation();
  const countId = useId();
  return (
    <FieldShell label={label} hint={hint} error={error}>
      {({ id, describedBy, invalid }) => (
        <>
          <textarea ref={ref} id={id} aria-describedby={[describedBy, countId].filter(Boolean).join(' ')} aria-invalid={invalid} value={value} maxLength={maxLength} rows={3} {...textarea} />
          <small id={countId} className={value.length >= maxLength ? 'field__count field__count--full' : 'field__count'} data-testid="char-count">
            {t('common.charCount', { used: value.length, max: maxLength })}
          </small>
        </>
      )}
    </FieldShell>
  );
});

type SelectProps = SelectHTMLAttributes<HTMLSelectElement> & { label: string; error?: string | undefined; options: Array<{ value: string; label: string }> };

/** A select's options, rendered again only when the list itself changes (a region list has 250). */
const OptionList = memo(function OptionList({ options }: { options: SelectProps['options'] }) {
  return options.map((option) => (
    <option key={option.value} value={option.value}>
      {option.label}
    </option>
  ));
});

/** Memoised like TextField; keep `options` the same array between renders to skip its options too. */
export const SelectField = memo(
  forwardRef<HTMLSelectElement, SelectProps>(function SelectField({ label, error, options, ...select }, ref) {
    return (
      <FieldShell label={label} error={error}>
        {({ id, describedBy, invalid }) => (
          <select ref={ref} id={id} aria-describedby={describedBy} aria-invalid={invalid} {...select}>
            <OptionList options={options} />
          </select>
        )}
      </FieldShell>
    );
  }),
);

export const CheckboxField = memo(
  forwardRef<HTMLInputElement, InputHTMLAttributes<HTMLInputElement> & { label: string }>(function CheckboxField({ label, ...input }, ref) {
    const id = useId();
    return (
      <div className="field field--checkbox">
        <input ref={ref} id={id} type="checkbox" {...input} />
        <label htmlFor={id}>{label}</label>
      </div>
    );
  }),
);

export function FormError({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <p className="form-error" role="alert">
      {message}
    </p>
  );
}
