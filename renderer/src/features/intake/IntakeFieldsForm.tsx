/** The customer fields of an intake, in the order a counter conversation goes; hidden per site config. */
import { memo, useLayoutEffect, useMemo, useRef, type ChangeEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { GRADES, ID_TYPES, SKIER_TYPES, SKI_ABILITIES, SKI_DISCIPLINES, STANCES, TEXT_LIMITS, emptyIntakeFields, type FieldConfig, type FieldName, type IntakeFields, type TextFieldName } from '../../../../shared/domain/intake/fields';
import type { FieldIssue, IntakeValidation } from '../../../../shared/domain/intake/validate';
import { CheckboxField, SelectField, TextAreaField, TextField } from '../../components/Field';
import { cities, districts, provinces, type Place } from './address';
import { MAINLAND, REGIONS } from '../../../../shared/domain/regions';

interface Option {
  value: string;
  label: string;
}

/**
 * One row of the form, rendered again only when one of `deps` changes (compared with Object.is).
 * A keystroke re-renders the form, and every row it did not touch is skipped whole, wrappers and
 * marks included (issue 12: keystroke → next paint in one frame). `render` is called only when the
 * row renders, so what it puts on screen must follow from `deps`; handlers inside read the newest
 * props through a ref (they may be from an earlier render).
 */
const Row = memo(
  function Row({ render }: { deps: readonly unknown[]; render: () => ReactNode }) {
    return render();
  },
  (before, after) => before.deps.length === after.deps.length && before.deps.every((dep, index) => Object.is(dep, after.deps[index])),
);

/** Option lists by language and what they list, made once (a few hundred lists at most: selects and places). */
const OPTION_LISTS = new Map<string, Option[]>();

function optionsOnce(key: string, make: () => Option[]): Option[] {
  let options = OPTION_LISTS.get(key);
  if (!options) {
    options = make();
    OPTION_LISTS.set(key, options);
  }
  return options;
}

interface Props {
  fields: IntakeFields;
  config: FieldConfig;
  validation: IntakeValidation;
  issueFor: (field: string) => FieldIssue | undefined;
  onInput: (field: FieldName, value: string | boolean, element: HTMLElement) => void;
  onBlur: (field: string) => void;
  /** In a correction: fields still showing their mask, and how to show one in full. */
  masked?: { fields: ReadonlySet<string>; onReveal: (field: FieldName) => void } | undefined;
  /** A known customer's fields can be cleared on purpose (a mark, not an empty input). */
  cleared?: readonly FieldName[] | undefined;
  onToggleClear?: ((field: FieldName) => void) | undefined;
  /** A loaded known customer's stored values, masked: shown beside each field the entry leaves as it is. */
  fromRecord?: Readonly<Record<string, string | boolean>> | undefined;
  /** Confirm a stored value as it is this visit (a masked one stays masked; the core carries the stored value). */
  onConfirmRecord?: ((field: FieldName) => void) | undefined;
  /** The place the resident ID names, offered for an empty mainland address (F6 takes it). */
  suggestedPlace?: Place | null | undefined;
  onTakeSuggestedPlace?: (() => void) | undefined;
  /** Fields read from an ID card (issue 11 item 14): marked so, until edited. */
  fromCard?: ReadonlySet<FieldName> | undefined;
  /** A paper form (issue 13): required fields the customer left blank, marked 表上未填, and those that may be. */
  blankOnForm?: { marks: readonly FieldName[]; markable: ReadonlySet<FieldName>; onToggle: (field: FieldName) => void } | undefined;
}

export function IntakeFieldsForm({ fields, config, validation, issueFor, onInput, onBlur, masked, cleared, onToggleClear, fromRecord, onConfirmRecord, suggestedPlace, onTakeSuggestedPlace, fromCard, blankOnForm }: Props) {
  const { t, i18n } = useTranslation();
  // One keystroke re-renders this form; the fields (memoised) re-render only when their own props
  // change, so their handlers and option lists stay the same objects from render to render.
  const latest = useRef({ onInput, onBlur, onReveal: masked?.onReveal, onToggleClear, onConfirmRecord, onToggleBlank: blankOnForm?.onToggle });
  useLayoutEffect(() => {
    latest.current = { onInput, onBlur, onReveal: masked?.onReveal, onToggleClear, onConfirmRecord, onToggleBlank: blankOnForm?.onToggle };
  });
  const handlers = useMemo(() => {
    const byField = {} as Record<FieldName, { change: (event: ChangeEvent<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>) => void; blur: () => void }>;
    for (const field of Object.keys(emptyIntakeFields()) as FieldName[]) {
      byField[field] = {
        change: (event) => {
          const target = event.target;
          const value = target instanceof HTMLInputElement && target.type === 'checkbox' ? target.checked : target.value;
          latest.current.onInput(field, value, target);
          // A new province or city empties what lay under the old one.
          if (field === 'addressProvince') {
            latest.current.onInput('addressCity', '', target);
            latest.current.onInput('addressDistrict', '', target);
          }
          if (field === 'addressCity') latest.current.onInput('addressDistrict', '', target);
        },
        blur: () => latest.current.onBlur(field),
      };
    }
    return byField;
  }, []);
  const language = i18n.language;
  // Labels once per language: a keystroke renders this form, and looking up ~30 labels each time was a good part of a frame.
  const labels = useMemo(() => new Map((Object.keys(emptyIntakeFields()) as FieldName[]).map((field) => [field, t(`intake.field.${field}`)])), [t]);
  const label = (field: FieldName): string => labels.get(field) ?? t(`intake.field.${field}`);
  const regionOptions = useMemo(() => REGIONS.map(([code, zh, en]) => ({ value: code, label: `${language.startsWith('zh') ? zh : en} (${code})` })), [language]);
  const cachedOptions = (key: string, make: () => Option[]) => optionsOnce(`${language}\u0000${key}`, make);
  /** Nationality and address country: mainland by default, reached by Tab (Enter skips them, so a mainland entry costs no extra key). */
  const regionSelect = (field: 'nationality' | 'addressCountry') => {
    const error = message(field);
    return (
      <Row key={field} deps={[...rowDeps(field), error, regionOptions]} render={() => (
        <div className="field-with-clear">
          <SelectField label={label(field)} name={field} value={fields[field]} error={error} data-skip-enter options={regionOptions} onChange={handlers[field].change} onBlur={handlers[field].blur} />
          {recordMark(field)}
        </div>
      )} />
    );
  };
  /** What every row's marks depend on besides its value: a row renders again only when one of these (or its own extras) changes. */
  const rowDeps = (field: FieldName): unknown[] => [
    t,
    labels,
    fields[field],
    fromRecord?.[field],
    cleared?.includes(field) ?? false,
    onConfirmRecord !== undefined,
    onToggleClear !== undefined,
    fromCard?.has(field) ?? false,
    masked?.fields.has(field) ?? false,
    blankOnForm !== undefined,
    blankOnForm?.marks.includes(field) ?? false,
    blankOnForm !== undefined && blankOnForm.markable.has(field) && issueFor(field)?.code === 'required',
  ];
  /** "From the record": the stored value (masked) that stays unless this entry confirms, changes or clears it. */
  const recordMark = (field: FieldName, optionKey?: string) => {
    const stored = fromRecord?.[field];
    if (stored === undefined || stored === '' || stored === false || cleared?.includes(field)) return null;
    const typed = fields[field];
    if (typed !== '' && typed !== false && !(field === 'grade' && typed === 'ordinary') && !(field === 'idType' && typed === 'cn_resident_id') && !(field === 'gender' && typed === 'unspecified')) return null;
    const shownValue = typeof stored === 'boolean' ? t('common.yes') : optionKey ? t(`intake.option.${optionKey}.${stored}`, { defaultValue: stored }) : stored;
    return (
      <small className="from-record" data-testid={`from-record-${field}`}>
        {t('intake.fromRecord', { value: shownValue })}{' '}
        {onConfirmRecord && typeof stored === 'string' && (
          <button type="button" className="link" data-skip-enter data-testid={`confirm-${field}`} onClick={() => latest.current.onConfirmRecord?.(field)}>
            {t('intake.confirmRecord')}
          </button>
        )}
      </small>
    );
  };
  const cardMark = (field: FieldName) =>
    fromCard?.has(field) ? (
      <small className="from-card" data-testid={`from-card-${field}`}>
        {t('intake.fromCard')}
      </small>
    ) : null;
  /** The clear control beside a field of a known customer; kept out of the Enter order. */
  const clearControl = (field: FieldName) => {
    if (!onToggleClear) return null;
    const marked = cleared?.includes(field) ?? false;
    return (
      <div className={marked ? 'clear-mark clear-mark--on' : 'clear-mark'}>
        {marked && <span className="badge-flag" data-testid={`cleared-${field}`}>{t('intake.willClear')}</span>}
        <button type="button" className="link" data-clear={field} onClick={() => latest.current.onToggleClear?.(field)}>
          {marked ? t('intake.undoClear') : t('intake.clearField')}
        </button>
      </div>
    );
  };
  /** 表上未填: offered under a required field shown empty (F9 on the field does the same); kept out of the Enter order. */
  const blankControl = (field: FieldName) => {
    if (!blankOnForm) return null;
    const marked = blankOnForm.marks.includes(field);
    if (!marked && !(blankOnForm.markable.has(field) && issueFor(field)?.code === 'required')) return null;
    return (
      <div className={marked ? 'clear-mark clear-mark--on' : 'clear-mark'}>
        {marked && <span className="badge-flag" data-testid={`blank-on-form-${field}`}>{t('paper.blankOnForm.marked')}</span>}
        <button type="button" className="link" data-skip-enter data-testid={`toggle-blank-${field}`} aria-keyshortcuts="F9" onClick={() => latest.current.onToggleBlank?.(field)}>
          {marked ? t('paper.blankOnForm.undo') : t('paper.blankOnForm.mark')} <kbd>F9</kbd>
        </button>
      </div>
    );
  };
  const message = (field: FieldName): string | undefined => {
    const issue = issueFor(field);
    return issue ? t(`fieldError.${issue.code}`, { ...issue.params, defaultValue: t('fieldError.invalid') }) : undefined;
  };
  const warning = (field: FieldName): string | undefined => {
    const issue = validation.warnings[field];
    return issue ? t(`fieldError.${issue.code}`, { ...issue.params }) : undefined;
  };
  const shown = (field: keyof FieldConfig): boolean => config[field] !== 'hidden';

  const text = (field: TextFieldName, extra: { hint?: string | undefined; inputMode?: 'numeric' | 'tel' | 'text' | 'decimal'; autoFocus?: boolean; readOnly?: boolean } = {}) => {
    const error = message(field);
    const hint = masked?.fields.has(field) ? t('intake.maskedHint') : (warning(field) ?? extra.hint);
    return <Row key={field} deps={[...rowDeps(field), error, hint, extra.inputMode, extra.autoFocus, extra.readOnly]} render={() => textRow(field, error, hint, extra)} />;
  };
  const textRow = (field: TextFieldName, error: string | undefined, hint: string | undefined, extra: { inputMode?: 'numeric' | 'tel' | 'text' | 'decimal'; autoFocus?: boolean; readOnly?: boolean }) => {
    const input = (
    <TextField
      label={label(field)}
      name={field}
      value={fields[field]}
      maxLength={TEXT_LIMITS[field]}
      error={error}
      hint={hint}
      inputMode={extra.inputMode}
      autoFocus={extra.autoFocus}
      readOnly={extra.readOnly}
      autoComplete="off"
      spellCheck={false}
      onChange={handlers[field].change}
      onBlur={handlers[field].blur}
    />
    );
    return (
      <div className="field-with-clear">
        {input}
        {masked?.fields.has(field) && (
          // The masked field and, under it, the button that shows it in full.
          <button type="button" className="link" data-skip-enter data-testid={`reveal-${field}`} onClick={() => latest.current.onReveal?.(field)}>
            {t('intake.revealMasked')}
          </button>
        )}
        {recordMark(field)}
        {cardMark(field)}
        {clearControl(field)}
        {blankControl(field)}
      </div>
    );
  };
  const select = (field: FieldName, values: readonly string[], optionKey: string) => {
    const error = message(field);
    const options = cachedOptions(`${optionKey}:${values.join('|')}`, () => values.map((value) => ({ value, label: value === '' ? t('intake.option.choose') : t(`intake.option.${optionKey}.${value}`) })));
    return (
      <Row key={field} deps={[...rowDeps(field), error, options]} render={() => (
        <div className="field-with-clear">
        <SelectField
          label={label(field)}
          name={field}
          value={String(fields[field])}
          error={error}
          options={options}
          onChange={handlers[field].change}
          onBlur={handlers[field].blur}
        />
        {recordMark(field, optionKey)}
        {cardMark(field)}
        {clearControl(field)}
        {blankControl(field)}
        </div>
      )} />
    );
  };
  const check = (field: 'helmet' | 'lessons') => (
    <Row key={field} deps={rowDeps(field)} render={() => (
      <div className="field-with-clear">
        <CheckboxField label={label(field)} name={field} checked={fields[field]} onChange={handlers[field].change} />
        {recordMark(field)}
        {clearControl(field)}
      </div>
    )} />
  );
  const placeSelect = (field: 'addressProvince' | 'addressCity' | 'addressDistrict', values: string[]) => {
    const error = message(field);
    const options = cachedOptions(`place:${values.join('|')}`, () => [{ value: '', label: t('intake.option.choose') }, ...values.map((value) => ({ value, label: value }))]);
    return (
      <Row key={field} deps={[...rowDeps(field), error, options]} render={() => (
        <>
        <SelectField
          label={label(field)}
          name={field}
          value={fields[field]}
          error={error}
          options={options}
          onChange={handlers[field].change}
          onBlur={handlers[field].blur}
        />
        {recordMark(field)}
        {cardMark(field)}
        </>
      )} />
    );
  };

  const fromId = validation.derived.birthDate !== null && fields.idType === 'cn_resident_id';
  // A resident ID still masked (fixing a returned record): birth date and gender come from it, shown as stored, not free text.
  const fromMaskedId = !fromId && fields.idType === 'cn_resident_id' && (masked?.fields.has('idNumber') ?? false);

  return (
    <>
      <fieldset className="form-section">
        <legend>{t('intake.sectionBasic')}</legend>
        {text('name', { autoFocus: true })}
        {text('mobile', { inputMode: 'tel' })}
        {select('idType', ID_TYPES, 'idType')}
        {text('idNumber')}
        {/* Always rendered, so focus order stays put while typing; read-only when the ID supplies them. */}
        {fromId ? (
          <>
            <TextField label={label('birthDate')} name="birthDate" value={validation.derived.birthDate ?? ''} readOnly tabIndex={-1} hint={`${t('intake.age', { age: validation.derived.age })} · ${t('intake.fromId')}`} data-testid="derived-birth-date" />
            <SelectField label={label('gender')} name="gender" value={validation.derived.gender ?? 'unspecified'} disabled options={cachedOptions('gender:unspecified|male|female', () => ['unspecified', 'male', 'female'].map((value) => ({ value, label: t(`intake.option.gender.${value}`) })))} data-testid="derived-gender" />
          </>
        ) : fromMaskedId ? (
          <>
            <TextField label={label('birthDate')} name="birthDate" value={fields.birthDate} readOnly tabIndex={-1} hint={t('intake.fromId')} data-testid="derived-birth-date" />
            <SelectField label={label('gender')} name="gender" value={fields.gender} disabled options={['unspecified', 'male', 'female'].map((value) => ({ value, label: t(`intake.option.gender.${value}`) }))} data-testid="derived-gender" />
          </>
        ) : (
          <>
            {text('birthDate', { hint: 'YYYY-MM-DD' })}
            {select('gender', ['unspecified', 'male', 'female'], 'gender')}
          </>
        )}
        {shown('landline') && text('landline', { inputMode: 'tel' })}
        {select('grade', GRADES, 'grade')}
        {regionSelect('nationality')}
      </fieldset>

      {validation.derived.minor && (
        <fieldset className="form-section form-section--attention">
          <legend>{t('intake.sectionGuardian')}</legend>
          <p className="muted">{t('intake.minorNotice')}</p>
          {text('guardianName')}
          {text('guardianMobile', { inputMode: 'tel' })}
        </fieldset>
      )}

      {shown('addressProvince') && (
        <fieldset className="form-section">
          <legend>{t('intake.sectionAddress')}</legend>
          {regionSelect('addressCountry')}
          {fields.addressCountry === MAINLAND ? (
            <>
              {suggestedPlace && (
                <p className="suggestion" data-testid="suggested-place">
                  {t('intake.suggestedPlace', { place: `${suggestedPlace.province} ${suggestedPlace.city} ${suggestedPlace.district}` })}{' '}
                  <button type="button" className="link" data-skip-enter aria-keyshortcuts="F6" onClick={onTakeSuggestedPlace}>
                    {t('intake.takeSuggestion')} <kbd>F6</kbd>
                  </button>
                </p>
              )}
              {placeSelect('addressProvince', provinces())}
              {clearControl('addressProvince')}
              {blankControl('addressProvince')}
              {placeSelect('addressCity', cities(fields.addressProvince))}
              {placeSelect('addressDistrict', districts(fields.addressProvince, fields.addressCity))}
              {shown('addressDetail') && text('addressDetail')}
            </>
          ) : (
            text('addressDetail', { hint: t('intake.addressAbroadHint') })
          )}
        </fieldset>
      )}

      {shown('emergencyName') && (
        <fieldset className="form-section">
          <legend>{t('intake.sectionEmergency')}</legend>
          {text('emergencyName')}
          {text('emergencyMobile', { inputMode: 'tel' })}
        </fieldset>
      )}

      {shown('skiDiscipline') && (
        <fieldset className="form-section">
          <legend>{t('intake.sectionSki')}</legend>
          {select('skiDiscipline', ['', ...SKI_DISCIPLINES], 'skiDiscipline')}
          {shown('skiAbility') && select('skiAbility', ['', ...SKI_ABILITIES], 'skiAbility')}
          {shown('skierType') && select('skierType', ['', ...SKIER_TYPES], 'skierType')}
          {shown('heightCm') && text('heightCm', { inputMode: 'numeric' })}
          {shown('weightKg') && text('weightKg', { inputMode: 'numeric' })}
          {shown('bootMondo') && text('bootMondo', { inputMode: 'decimal' })}
          {shown('stance') && select('stance', ['', ...STANCES], 'stance')}
          {shown('helmet') && check('helmet')}
          {shown('lessons') && check('lessons')}
        </fieldset>
      )}

      {shown('remarks') && (
        <fieldset className="form-section">
          <legend>{t('intake.sectionOther')}</legend>
          <Row deps={[...rowDeps('remarks'), message('remarks')]} render={() => (
            <>
              <TextAreaField
                label={label('remarks')}
                name="remarks"
                value={fields.remarks}
                maxLength={TEXT_LIMITS.remarks}
                error={message('remarks')}
                spellCheck={false}
                onChange={handlers.remarks.change}
                onBlur={handlers.remarks.blur}
              />
              {recordMark('remarks')}
            </>
          )} />
        </fieldset>
      )}
    </>
  );
}
