/**
 * The walk-in screen (在客户离开前完成录入): keyboard only from open to submit. A timer runs from the
 * moment the entry opens; fields validate as typed; the ID fills in birth date, gender and age; a
 * guardian is asked for under 14; known customers are offered before a duplicate is made; every
 * change is saved to the encrypted draft at once.
 */
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { flushSync } from 'react-dom';
import { useTranslation } from 'react-i18next';
import type { CustomerSummary } from '../../../../shared/api/intake-contract';
import { validateConsent, type Consent } from '../../../../shared/domain/intake/consent';
import { FIELD_PRESETS, emptyIntakeFields, type FieldConfig, type FieldName, type IntakeFields } from '../../../../shared/domain/intake/fields';
import { revalidateChanged, validateIntake, type FieldIssue, type IntakeValidation } from '../../../../shared/domain/intake/validate';
import { applyBlankOnForm, blankMarkRefusal } from '../../../../shared/domain/paper/blank-on-form';
import { normalizeDocumentInput, parseIdentityNumber } from '../../../../shared/domain/identity';
import type { MaskedField } from '../../../../shared/domain/masking';
import { COMPLETE_MOBILE, normalizeMobile } from '../../../../shared/domain/phone';
import { MASKED_FIELDS, maskMobile } from '../../../../shared/domain/masking';
import { FormError } from '../../components/Field';
import { api } from '../../lib/api';
import { errorMessage } from '../../lib/errors';
import { ConsentSection } from './ConsentSection';
import { IntakeFieldsForm } from './IntakeFieldsForm';
import { MatchesPanel } from './MatchesPanel';
import { SelfReview } from './SelfReview';
import { MyEntries } from './MyEntries';
import { CustomerConfirmation } from './CustomerConfirmation';
import { useDraft, useSaveState, type SaveStateStore } from './useDraft';
import { placeFromCounty, splitAddress } from './address';
import { wedgeReader, type CardRead, type TypedInto } from './card-reader';
import { LoadedSubmissionBanner, ReceiptLoader, loadedFor, rememberLoaded, type LoadedSubmission } from '../online/ReceiptLoader';

/** Where Enter and a full field move to: editable inputs and selects, skipping read-only derived values. */
const FOCUSABLE = 'input:not([type=hidden]):not([disabled]):not([readonly]), select:not([disabled]):not([data-skip-enter]), textarea:not([disabled]), button:not([disabled]):not([data-skip-enter]):not([data-clear])';


/** How soon after an auto-advance a Tab is taken as the habit of leaving the field just typed (see advancedTo). */
const TAB_AFTER_ADVANCE_MS = 800;
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/**
 * The waiting timer: the one part of the screen that changes every second, so only it renders then
 * (the form does not re-render once a second under the person typing).
 */
const WaitTimer = memo(function WaitTimer({ started, startedAt, targetMinutes }: { started: boolean; startedAt: number; targetMinutes: number }) {
  const { t } = useTranslation();
  const now = useNow(1000);
  const waited = started ? now - startedAt : 0;
  const over = waited > targetMinutes * 60_000;
  return (
    <span className={over ? 'timer timer--over' : 'timer'} data-testid="walkin-timer" role="timer">
      {started ? t('intake.waiting', { time: formatDuration(waited) }) : t('intake.notStarted')} · {over ? t('intake.overTarget', { minutes: targetMinutes }) : t('intake.target', { minutes: targetMinutes })}
    </span>
  );
});

/** The loaded submission's banner counts down its deadline: it ticks on its own. */
function TickingSubmissionBanner(props: Omit<Parameters<typeof LoadedSubmissionBanner>[0], 'now'>) {
  const now = useNow(1000);
  return <LoadedSubmissionBanner {...props} now={now} />;
}

/** The time of day as `toLocaleTimeString` shows it, with one formatter per language (making one per save showed in a keystroke's frame). */
const TIME_FORMATS = new Map<string, Intl.DateTimeFormat>();
function timeOfDay(at: number, language: string): string {
  let format = TIME_FORMATS.get(language);
  if (!format) {
    format = new Intl.DateTimeFormat(language, { hour: 'numeric', minute: 'numeric', second: 'numeric' });
    TIME_FORMATS.set(language, format);
  }
  return format.format(at);
}

/** "Saving… / saved at …": renders alone when a save starts or ends. */
const SaveStatus = memo(function SaveStatus({ store }: { store: SaveStateStore }) {
  const { t, i18n } = useTranslation();
  const saveState = useSaveState(store);
  const saveText =
    saveState.kind === 'saving' ? t('intake.saving') : saveState.kind === 'saved' ? t('intake.saved', { time: timeOfDay(saveState.at, i18n.language) }) : saveState.kind === 'failed' ? t('intake.saveFailed', { message: errorMessage(t, saveState.error) }) : '';
  return (
    <span className={saveState.kind === 'failed' ? 'form-error' : 'muted'} data-testid="draft-save-state" aria-live="polite">
      {saveText}
    </span>
  );
});

/** The online-submission loader, rendered again only when its (stable) handler changes: not per keystroke. */
const StableReceiptLoader = memo(ReceiptLoader);

/**
 * The same entry form transcribing a paper form (issue 13 item 4): the sheet's own draft, consent
 * given on that numbered form, no customer at the counter; `onField` follows the cursor so the
 * scan beside it can highlight the field's box; `onDone` gets the outcome of the submit.
 */
export interface PaperEntry {
  batchId: string;
  serial: number;
  formNo: string;
  onField: (field: string | null) => void;
  onDone: (message: string) => void;
  onBack: () => void;
}

/** Memoised: the frame around it (status bar, review counts, sync polls) rendering does not render the form. */
export const WalkInScreen = memo(function WalkInScreen({ certified, paper }: { certified: boolean; paper?: PaperEntry }) {
  const { t, i18n } = useTranslation();
  /**
   * Handlers handed to memoised parts (the submission loader, the offered customers): stable
   * functions that call the newest version, set on each render, so those parts do not render per keystroke.
   */
  const actions = useRef<{ loadSubmission?: (loaded: LoadedSubmission) => void; loadCustomer?: (customerId: string) => Promise<void> }>({});
  const onSubmissionLoaded = useCallback((loaded: LoadedSubmission) => actions.current.loadSubmission?.(loaded), []);
  const onLoadOffer = useCallback((match: CustomerSummary) => void actions.current.loadCustomer?.(match.id), []);
  const { draft, masks, restored, loadError, saveStore, update, arrived, startNew } = useDraft(paper ? { batchId: paper.batchId, serial: paper.serial } : undefined);
  /** The entry whose customer has arrived (first detail typed, or F7): its timer runs from then. */
  const [arrivedFor, setArrivedFor] = useState<string | null>(null);
  const [config, setConfig] = useState<FieldConfig>(FIELD_PRESETS.ski_lodge);
  const [targetMinutes, setTargetMinutes] = useState(5);
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [matches, setMatches] = useState<CustomerSummary[]>([]);
  /** Returning-customer quick find (F3): phone, last four of phone or ID, or the ID number. */
  const [finder, setFinder] = useState('');
  const [found, setFound] = useState<CustomerSummary[]>([]);
  const finderRef = useRef<HTMLInputElement>(null);
  /** The known customer this entry updates, as stored (masked): shown beside each field, kept unless confirmed or changed. */
  const [record, setRecord] = useState<{ summary: CustomerSummary; fields: Record<string, string | boolean> } | null>(null);
  const focusAfterLoad = useRef(false);
  const [reviewing, setReviewing] = useState(false);
  const [submitted, setSubmitted] = useState<{ durationMs: number; fields: IntakeFields; consent: Consent } | null>(null);
  const [submitError, setSubmitError] = useState<string | null>(null);
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});
  const formRef = useRef<HTMLFormElement>(null);
  /**
   * Where a full mobile or ID number just moved the cursor by itself. A Tab pressed next (the typist
   * leaving the field they typed, as they would without the auto-advance) is already done and is
   * not taken again: otherwise it skipped a field and the ID number went into the birth date (user
   * trial of issue 13). Any other key, or the cursor going elsewhere, ends this.
   */
  const advancedTo = useRef<Element | null>(null);
  /** When it moved (performance.now()): only a Tab that follows within TAB_AFTER_ADVANCE_MS is the typist's habit. */
  const advancedAt = useRef(0);
  // Leaving the self-review (back, or a refused submit) puts the cursor where the person can go on
  // with the keyboard alone: the first field, in form order, the core named or the review found a
  // problem with, else the submit button (Ctrl+Enter again).
  const wasReviewing = useRef(false);
  /** What the self-review found wrong when it was left (kept current each render, read by the effect above). */
  const leftWithProblems = useRef<{ errors: Partial<Record<string, unknown>>; consent: Partial<Record<string, unknown>> }>({ errors: {}, consent: {} });
  /** Set by "next customer": the name field takes the cursor as soon as the fresh form is on screen. */
  const focusNameNext = useRef(false);
  useLayoutEffect(() => {
    if (!focusNameNext.current) return;
    const name = formRef.current?.querySelector<HTMLElement>('[name="name"]');
    if (!name) return;
    focusNameNext.current = false;
    name.focus();
  });
  useEffect(() => {
    if (reviewing) {
      wasReviewing.current = true;
      return;
    }
    if (!wasReviewing.current) return;
    wasReviewing.current = false;
    const form = formRef.current;
    if (!form) return;
    const named = Object.keys(serverErrors)
      .map((field) => form.querySelector<HTMLElement>(`[name="${CSS.escape(field)}"]`))
      .find((element): element is HTMLElement => element !== null);
    const problems = new Set([...Object.keys(leftWithProblems.current.errors), ...Object.keys(leftWithProblems.current.consent)]);
    const firstProblem = [...form.querySelectorAll<HTMLElement>('[name]')].find((element) => problems.has(element.getAttribute('name') ?? '') && element.matches(FOCUSABLE));
    (named ?? firstProblem ?? form.querySelector<HTMLElement>('button[type="submit"]'))?.focus();
  }, [reviewing, serverErrors]);
  /** A customer's online submission loaded by its receipt code (issue 15), and whether the ID shown was checked against it. */
  const [online, setOnline] = useState<LoadedSubmission | null>(null);
  const [idChecked, setIdChecked] = useState(false);
  /** Fields this entry took from an ID card read (issue 11 item 14), until someone edits them. */
  const [fromCard, setFromCard] = useState<{ draftId: string; fields: ReadonlySet<FieldName> } | null>(null);
  const onCardRead = useRef<(read: CardRead, typedInto: TypedInto[]) => void>(() => undefined);
  useEffect(
    () => wedgeReader(window, { accepts: (target) => target instanceof Node && formRef.current?.contains(target) === true }).start((read, typedInto) => onCardRead.current(read, typedInto)),
    [],
  );
  // Back from another page: the entry still holds the submission it was loaded with.
  const draftKey = draft?.id ?? null;
  useEffect(() => {
    if (draftKey) setOnline(loadedFor(draftKey));
  }, [draftKey]);

  useEffect(() => {
    void api.call('intake.config').then((result) => {
      if (!result.ok) return;
      setConfig(result.value.fields as FieldConfig);
      setTargetMinutes(result.value.walkInTargetMinutes);
    });
  }, []);

  // A correction opens masked: a field still showing its mask is unchanged, and the core checks it against the stored value.
  const stillMasked = useMemo(() => new Set<string>(Object.entries(masks).filter(([field, mask]) => draft?.fields[field as FieldName] === mask).map(([field]) => field)), [masks, draft]);
  // A known customer's stored value confirmed as it is: the field holds its mask, and the core carries the stored value.
  const confirmedMasked = useMemo(
    () => new Set<string>(draft?.customerId && record ? MASKED_FIELDS.filter((field) => draft.fields[field] !== '' && draft.fields[field] === record.fields[field]) : []),
    [draft, record],
  );
  const known = Boolean(draft?.customerId);
  /**
   * A keystroke validates the field it changed (and, for a field others depend on — the ID number,
   * its type, a phone, the nationality, the address — the whole form); a blur and the self-review
   * validate the whole form (issue 12). `lastValidation` holds the previous whole result.
   */
  const lastValidation = useRef<{ fields: IntakeFields; config: FieldConfig; result: IntakeValidation; blurs: number } | null>(null);
  const [blurs, setBlurs] = useState(0);
  const validation = useMemo(() => {
    if (!draft) return null;
    const previous = lastValidation.current;
    const incremental = previous !== null && previous.config === config && previous.blurs === blurs && !reviewing;
    const result = incremental ? revalidateChanged(previous.result, previous.fields, draft.fields, config, new Date()) : validateIntake(draft.fields, config, new Date());
    lastValidation.current = { fields: draft.fields, config, result, blurs };
    // A known customer: an empty field is "not asked" and keeps the stored value (the core checks the merged record).
    const keep = (field: string, code: string | undefined): boolean => !stillMasked.has(field) && !confirmedMasked.has(field) && !(draft.customerId && code === 'required');
    const filter = <T extends { code: string } | undefined,>(issues: Partial<Record<FieldName, T>>) => Object.fromEntries(Object.entries(issues).filter(([field, issue]) => keep(field, (issue as { code: string } | undefined)?.code))) as Partial<Record<FieldName, T>>;
    const errors = filter(result.errors);
    // A paper form: a required field the customer left blank can be marked so (表上未填) and is then not an error.
    const markable = new Set<FieldName>(
      draft.paper ? (Object.keys(errors) as FieldName[]).filter((field) => blankMarkRefusal(field, errors[field], draft.fields, draft.consent) === null) : [],
    );
    const marked = draft.paper ? applyBlankOnForm(errors, draft.fields, draft.blankOnForm ?? [], draft.consent).errors : errors;
    return { ...result, errors: marked as typeof errors, markable, warnings: Object.fromEntries(Object.entries(result.warnings).filter(([field]) => !stillMasked.has(field))) as typeof result.warnings };
  }, [draft, config, stillMasked, confirmedMasked, blurs, reviewing]);
  // A known customer's stored ID number needs this visit's separate consent too (the core checks the merged record).
  const storedId = Boolean(draft?.customerId && record && typeof record.fields['idNumber'] === 'string' && record.fields['idNumber'] !== '' && !draft.cleared.includes('idNumber'));
  // Keyed on what consent depends on, so the consent section does not render on every keystroke.
  const consent = draft?.consent;
  const minor = validation?.derived.minor ?? false;
  const hasIdNumber = (draft?.fields.idNumber.trim() ?? '') !== '' || storedId;
  const consentIssues = useMemo(() => (consent ? validateConsent(consent, { minor, hasIdNumber }) : {}), [consent, minor, hasIdNumber]);
  leftWithProblems.current = { errors: validation?.errors ?? {}, consent: consentIssues };
  const touch = useCallback((field: string): void => setTouched((current) => (current.has(field) ? current : new Set(current).add(field))), []);
  /**
   * Leaving a field shows its problems — but not "required" on a field nobody has typed into yet: the
   * cursor passing through an empty form (F3 to the quick find, a click elsewhere) is not a mistake
   * (user trial). The self-review still names every required field left empty.
   */
  const typedInto = useRef(new Set<string>());
  const latestFields = useRef<IntakeFields | null>(null);
  latestFields.current = draft?.fields ?? null;
  const onFieldBlur = useCallback(
    (field: string): void => {
      const value = latestFields.current?.[field as FieldName];
      const empty = value === undefined || value === '' || value === false;
      if (!empty || typedInto.current.has(field)) touch(field);
      setBlurs((count) => count + 1);
    },
    [touch],
  );
  const onConsentChange = useCallback(
    (change: Partial<Consent>): void => {
      touch('consent');
      update({ consent: change });
    },
    [touch, update],
  );

  // A restored entry linked to a customer (after a lock, a restart): fetch what it is linked to, so the screen says so.
  const linkedId = draft?.customerId ?? null;
  useEffect(() => {
    if (!linkedId || record?.summary.id === linkedId) return;
    let current = true;
    void api.call('intake.customerRecord', { customerId: linkedId }).then((result) => {
      if (current && result.ok) setRecord(result.value);
    });
    return () => {
      current = false;
    };
  }, [linkedId, record]);

  // After loading, the cursor goes to the first thing this visit must confirm: a phone that differs
  // from the record, this visit's consent for the stored ID, else the review button.
  useEffect(() => {
    if (!focusAfterLoad.current || !record || !draft) return;
    focusAfterLoad.current = false;
    const form = formRef.current;
    const typedMobile = normalizeMobile(draft.fields.mobile);
    const storedMobile = record.fields['mobile'];
    const mobileChanged = typedMobile.ok && typeof storedMobile === 'string' && storedMobile !== '' && maskMobile(typedMobile.national) !== storedMobile;
    const target = mobileChanged
      ? form?.querySelector<HTMLElement>('[name="mobile"]')
      : consentIssues.idConsent
        ? form?.querySelector<HTMLElement>('[name="idConsent"]')
        : consentIssues.guardianConsent
          ? form?.querySelector<HTMLElement>('[name="guardianConsent"]')
          : form?.querySelector<HTMLElement>('button[type="submit"]');
    target?.focus();
  }, [record, draft, consentIssues]);

  // Offer known customers as soon as the phone or ID is complete.
  const mobileKey = validation && !validation.errors.mobile ? validation.normalized.mobile : '';
  const idKey = validation && !validation.errors.idNumber ? validation.normalized.idNumber : '';
  const nameKey = draft?.fields.name.trim() ?? '';
  const birthKey = validation?.derived.birthDate ?? '';
  useEffect(() => {
    if (!mobileKey && !idKey && !(nameKey && birthKey)) {
      setMatches([]);
      return;
    }
    let current = true;
    void api.call('intake.matches', { mobile: mobileKey, idNumber: idKey, name: nameKey, birthDate: birthKey }).then((result) => {
      if (current && result.ok) setMatches(result.value);
    });
    return () => {
      current = false;
    };
  }, [mobileKey, idKey, nameKey, birthKey]);

  // The quick find looks up as typed (masked results), through the same search as the search screen.
  const finderQuery = finder.trim();
  useEffect(() => {
    if (finderQuery.length < 4) {
      setFound([]);
      return;
    }
    let current = true;
    void api.call('customers.search', { query: finderQuery, limit: 5 }).then((result) => {
      if (current) setFound(result.ok ? result.value : []);
    });
    return () => {
      current = false;
    };
  }, [finderQuery]);

  /** Load a known customer: their stored record (masked) is shown beside the fields; nothing is copied into the entry. */
  const loadCustomer = async (customerId: string): Promise<void> => {
    const result = await api.call('intake.customerRecord', { customerId });
    if (!result.ok) return setSubmitError(errorMessage(t, result.error));
    focusAfterLoad.current = true;
    setFinder('');
    setFound([]);
    setRecord(result.value);
    update({ customerId });
  };

  // F3 goes to the quick find; F4 loads the first customer offered (one key each, shown on screen).
  const offers = found.length > 0 ? found : matches;
  const offered = !draft?.customerId ? offers[0] : undefined;
  // A mainland address still to pick and a resident ID that names its county: suggest that place (F6 takes it).
  const suggestedPlace =
    draft && validation && validation.derived.birthDate && draft.fields.idType === 'cn_resident_id' && !validation.errors.idNumber && draft.fields.addressCountry === 'CN' && draft.fields.addressProvince === '' && !(record?.fields['addressProvince'])
      ? placeFromCounty(validation.normalized.idNumber.slice(0, 6))
      : null;
  const takeSuggestedPlace = (): void => {
    if (!suggestedPlace) return;
    flushSync(() => update({ fields: { addressProvince: suggestedPlace.province, addressCity: suggestedPlace.city, addressDistrict: suggestedPlace.district } }));
    // On to what follows the district (the street address), as a picked district would.
    const district = formRef.current?.querySelector<HTMLElement>('[name="addressDistrict"]');
    const items = [...(formRef.current?.querySelectorAll<HTMLElement>(FOCUSABLE) ?? [])];
    if (district) items.find((item) => district.compareDocumentPosition(item) & Node.DOCUMENT_POSITION_FOLLOWING)?.focus();
  };
  useEffect(() => {
    const onKey = (event: globalThis.KeyboardEvent): void => {
      if (event.ctrlKey || event.altKey || event.metaKey) return;
      if (event.key === 'F3') {
        event.preventDefault();
        finderRef.current?.focus();
      } else if (event.key === 'F7') {
        event.preventDefault();
        if (!started) markArrived();
      } else if (event.key === 'F6' && suggestedPlace) {
        event.preventDefault();
        takeSuggestedPlace();
      } else if (event.key === 'F4' && offered) {
        event.preventDefault();
        void loadCustomer(offered.id);
      } else if (event.key === 'F9' && paper) {
        // 表上未填: the field being typed was left blank on the paper form (or is no longer).
        event.preventDefault();
        const name = document.activeElement?.getAttribute('name') as FieldName | null;
        if (name && (validation?.markable.has(name) || draft?.blankOnForm?.includes(name))) toggleBlank(name);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  // The timer starts with the customer (issue 11 item 8): at the first detail typed or F7, not when
  // an empty entry opens. An entry that already holds details (restored, a correction) has started.
  const started = Boolean(draft && (arrivedFor === draft.id || draft.source !== 'walk_in' || draft.customerId || (Object.entries(emptyIntakeFields()) as Array<[FieldName, unknown]>).some(([field, empty]) => draft.fields[field] !== empty)));
  function markArrived(): void {
    if (!draft || arrivedFor === draft.id) return;
    setArrivedFor(draft.id);
    void arrived(draft.id);
  }

  if (!certified) return <p className="banner banner--warning" role="alert">{t('intake.notCertified')}</p>;
  if (loadError) return <FormError message={errorMessage(t, loadError)} />;
  if (!draft || !validation) return <p>{t('app.loading')}</p>;

  const cardFields: ReadonlySet<FieldName> = fromCard?.draftId === draft.id ? fromCard.fields : new Set();
  const issueFor = (field: string): FieldIssue | undefined => {
    const server = serverErrors[field];
    if (server) return { code: server };
    if (!touched.has(field) && !reviewing) return undefined;
    return validation.errors[field as FieldName];
  };

  /** Focus the next editable control after `from` in document order (from itself may be read-only now). */
  const moveFocus = (from: Element): void => {
    const items = [...(formRef.current?.querySelectorAll<HTMLElement>(FOCUSABLE) ?? [])];
    items.find((item) => from.compareDocumentPosition(item) & Node.DOCUMENT_POSITION_FOLLOWING)?.focus();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLFormElement>): void => {
    const target = event.target as HTMLElement;
    // A Tab pressed at once is the typist leaving the field by habit; one pressed after a look at
    // the screen (the cursor has moved) means "next field" and is taken.
    const advanced = advancedTo.current === target && performance.now() - advancedAt.current < TAB_AFTER_ADVANCE_MS;
    advancedTo.current = null;
    if (advanced && event.key === 'Tab' && !event.shiftKey && !event.ctrlKey && !event.altKey && !event.metaKey) {
      event.preventDefault();
      return;
    }
    if (event.key === 'Enter' && event.ctrlKey) {
      event.preventDefault();
      // The review already open (its problem fixed in the form meanwhile): on to its confirm button.
      if (reviewing) document.querySelector<HTMLElement>('[data-confirm-submit]:not([disabled])')?.focus();
      else setReviewing(true);
      return;
    }
    if (event.key === 'Enter' && !event.shiftKey && (target.tagName === 'INPUT' || target.tagName === 'SELECT')) {
      event.preventDefault();
      moveFocus(target);
    }
  };

  /** A full mobile or ID number moves on by itself. */
  const onFieldInput = (field: FieldName, value: string | boolean, element: HTMLElement): void => {
    typedInto.current.add(field);
    if (!started) markArrived();
    if (cardFields.has(field)) setFromCard((current) => (current ? { ...current, fields: new Set([...current.fields].filter((each) => each !== field)) } : current));
    setServerErrors((current) => (field in current ? Object.fromEntries(Object.entries(current).filter(([key]) => key !== field)) : current));
    const compact = typeof value === 'string' ? normalizeDocumentInput(value) : '';
    const isMobile = field === 'mobile' || field === 'emergencyMobile' || field === 'guardianMobile';
    const full = (isMobile && COMPLETE_MOBILE.test(compact)) || (field === 'idNumber' && draft.fields.idType === 'cn_resident_id' && /^\d{17}[\dX]$/.test(compact));
    if (!full) {
      update({ fields: { [field]: value } });
      return;
    }
    // A complete but invalid number stays where it is, with its error shown at once (issue 11 item 9).
    const valid = isMobile ? normalizeMobile(compact).ok : parseIdentityNumber(compact, { today: new Date() }).ok;
    if (!valid) {
      update({ fields: { [field]: value } });
      touch(field);
      return;
    }
    // Render first (a complete ID turns birth date and gender read-only), then move on.
    flushSync(() => update({ fields: { [field]: value } }));
    touch(field);
    moveFocus(element);
    advancedTo.current = document.activeElement !== element ? document.activeElement : null;
    advancedAt.current = performance.now();
  };

  /**
   * An ID card was read: what its keystrokes typed into fields goes back as it was, and the card's
   * number (document type: resident ID), name and address fill the entry, marked as read from the
   * card; birth date, gender and age follow from the number as when it is typed. The cursor goes to
   * the phone when it is still empty, else to what follows the ID.
   */
  onCardRead.current = (read, typedInto) => {
    if (!started) markArrived();
    const changes: Record<string, string> = {};
    for (const { field, valueBefore } of typedInto) if (field in draft.fields && typeof draft.fields[field as FieldName] === 'string') changes[field] = valueBefore;
    const marked: FieldName[] = ['idType', 'idNumber'];
    changes['idType'] = 'cn_resident_id';
    changes['idNumber'] = read.idNumber;
    if (read.name) {
      changes['name'] = read.name;
      marked.push('name');
    }
    if (read.address) {
      const place = splitAddress(read.address);
      changes['addressCountry'] = 'CN';
      if (place) {
        Object.assign(changes, { addressProvince: place.province, addressCity: place.city, addressDistrict: place.district, addressDetail: place.detail });
        marked.push('addressProvince', 'addressCity', 'addressDistrict', 'addressDetail');
      } else {
        changes['addressDetail'] = read.address;
        marked.push('addressDetail');
      }
    }
    flushSync(() => update({ fields: changes as Partial<IntakeFields> }));
    setFromCard({ draftId: draft.id, fields: new Set(marked) });
    for (const field of marked) touch(field);
    setServerErrors({});
    const form = formRef.current;
    const mobile = form?.querySelector<HTMLElement>('[name="mobile"]');
    const idNumber = form?.querySelector<HTMLElement>('[name="idNumber"]');
    if (mobile && (changes['mobile'] ?? draft.fields.mobile).trim() === '') mobile.focus();
    else if (idNumber) moveFocus(idNumber);
  };

  /** Show one field of the record being corrected in full (the core audits it under the correction's reason). */
  const revealMasked = async (field: FieldName): Promise<void> => {
    const result = await api.call('intake.draft.reveal', { id: draft.id, field: field as MaskedField });
    if (!result.ok) return setSubmitError(errorMessage(t, result.error));
    // The button goes away with the mask; the value shown is what is being corrected, so edit it next.
    flushSync(() => update({ fields: { [field]: result.value.value } }));
    formRef.current?.querySelector<HTMLElement>(`[name="${field}"]`)?.focus();
  };

  /** Clearing a stored value is its own act with its own mark; the input empties with it. */
  const toggleClear = (field: FieldName): void => {
    const marked = draft.cleared.includes(field);
    update({
      cleared: marked ? draft.cleared.filter((each) => each !== field) : [...draft.cleared, field],
      ...(marked ? {} : { fields: { [field]: emptyIntakeFields()[field] } }),
    });
  };

  /** A paper form's required field the customer left blank: marked 表上未填 (or unmarked). */
  function toggleBlank(field: FieldName): void {
    if (!draft) return;
    const marks = draft.blankOnForm ?? [];
    touch(field);
    setServerErrors((current) => Object.fromEntries(Object.entries(current).filter(([key]) => key !== field)));
    update({ blankOnForm: marks.includes(field) ? marks.filter((each) => each !== field) : [...marks, field] });
  }

  /** A loaded submission fills the form as if typed; the cursor goes to the ID check. */
  const loadSubmission = (loaded: LoadedSubmission): void => {
    if (!started) markArrived();
    setOnline(loaded);
    rememberLoaded(draft.id, loaded);
    setIdChecked(false);
    flushSync(() => update({ fields: loaded.fields, consent: loaded.consent }));
    formRef.current?.querySelector<HTMLElement>('[name="onlineIdChecked"]')?.focus();
  };

  /** Back from the self-review to the form: the fields it found a problem with keep showing it. */
  const backFromReview = (): void => {
    const consentProblems = Object.keys(consentIssues);
    const problems = [...Object.keys(validation.errors), ...consentProblems, ...(consentProblems.length > 0 ? ['consent'] : [])];
    if (problems.length > 0) setTouched((current) => new Set([...current, ...problems]));
    setReviewing(false);
  };

  actions.current.loadSubmission = loadSubmission;
  actions.current.loadCustomer = loadCustomer;

  const submit = async (customerPresent: boolean): Promise<void> => {
    setSubmitError(null);
    if (paper) {
      const typed = await api.call('paper.transcribe.submit', { draftId: draft.id, fields: draft.fields, consent: draft.consent, customerId: draft.customerId, cleared: draft.cleared, blankOnForm: draft.blankOnForm ?? [] });
      if (!typed.ok) {
        setServerErrors(typed.error.fields ?? {});
        setSubmitError(errorMessage(t, typed.error));
        setReviewing(false);
        return;
      }
      paper.onDone(t(`paper.transcribe.outcome.${typed.value.outcome}`, { formNo: typed.value.formNo, count: typed.value.differing }));
      return;
    }
    const result = await api.call('intake.submit', {
      draftId: draft.id,
      fields: draft.fields,
      consent: draft.consent,
      customerId: draft.customerId,
      customerPresent,
      cleared: draft.cleared,
      ...(online ? { online: { submissionId: online.submissionId, idChecked } } : {}),
    });
    if (!result.ok) {
      setServerErrors(result.error.fields ?? {});
      setSubmitError(errorMessage(t, result.error));
      setReviewing(false);
      return;
    }
    // A saved record is not "leaving the self-review": the next customer starts at the name, and the
    // Enter typed there must not land on the submit button (it opened an empty self-review).
    wasReviewing.current = false;
    setReviewing(false);
    setSubmitted({ durationMs: result.value.durationMs, fields: draft.fields, consent: draft.consent });
  };

  /** Start the next customer's entry; the form comes back only once the new draft exists. */
  const next = async (): Promise<void> => {
    if (draft) rememberLoaded(draft.id, null);
    await startNew();
    setTouched(new Set());
    typedInto.current = new Set();
    setMatches([]);
    setRecord(null);
    setFinder('');
    setFound([]);
    setServerErrors({});
    setReviewing(false);
    setSubmitted(null);
    setOnline(null);
    setIdChecked(false);
    // The next customer starts at the name, focused in the same commit that shows the form, so a key
    // typed at once goes there (a focus a frame later let the Enter reach the submit button).
    focusNameNext.current = true;
  };

  if (submitted) {
    return (
      <section aria-labelledby="walkin-title" className="walkin">
        <h1 id="walkin-title">{t('intake.title')}</h1>
        <p role="status" className="success" data-testid="intake-submitted">
          {t('intake.submitted', { duration: formatDuration(submitted.durationMs) })}
        </p>
        <button type="button" className="primary" autoFocus onClick={() => void next()}>
          {t('intake.next')}
        </button>
        <CustomerConfirmation fields={submitted.fields} consent={submitted.consent} />
        <MyEntries />
      </section>
    );
  }


  return (
    <section aria-labelledby="walkin-title" className="walkin">
      <header className="walkin__header">
        <h1 id="walkin-title">{paper ? t('paper.transcribe.title', { formNo: paper.formNo }) : t('intake.title')}</h1>
        {!paper && <WaitTimer started={started} startedAt={draft.startedAt} targetMinutes={targetMinutes} />}
        <SaveStatus store={saveStore} />
      </header>
      {draft.source === 'correction' && <p className="banner banner--warning" role="status" data-testid="correction-banner">{t('intake.correcting')}</p>}
      {paper && (
        <p className="muted" data-testid="blank-on-form-hint">
          {t('paper.blankOnForm.hint')} <kbd>F9</kbd>
        </p>
      )}
      {restored && <p className="banner banner--notice" role="status">{t('intake.restored', { time: new Date(draft.startedAt).toLocaleTimeString(i18n.language) })}</p>}
      {draft.customerId && (
        <p className="banner banner--notice" role="status" data-testid="linked-customer">
          {t('intake.loadedCustomer', { name: record?.summary.name ?? '…' })} <span className="mono">{record?.summary.mobile}</span>{' '}
          <button type="button" data-testid="unlink-customer" onClick={() => { setRecord(null); update({ customerId: null }); }}>{t('intake.unloadCustomer')}</button>
          <br />
          <span className="muted" data-testid="known-customer-hint">{t('intake.knownCustomerHint')}</span>
        </p>
      )}
      {!draft.customerId && (
        <div className="walkin__finder" role="search">
          <label htmlFor="walkin-finder">
            {t('intake.finder')} <kbd>F3</kbd>
          </label>{' '}
          <input
            id="walkin-finder"
            ref={finderRef}
            value={finder}
            maxLength={40}
            autoComplete="off"
            spellCheck={false}
            data-testid="walkin-finder"
            onChange={(event) => setFinder(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === 'Enter' && found[0]) {
                event.preventDefault();
                void loadCustomer(found[0].id);
              } else if (event.key === 'Escape') {
                setFinder('');
                formRef.current?.querySelector<HTMLElement>('[name="name"]')?.focus();
              }
            }}
          />
          {finderQuery.length >= 4 && found.length === 0 && <span className="muted" data-testid="finder-none"> {t('intake.finderNone')}</span>}
        </div>
      )}
      {!online && draft.source === 'walk_in' && <StableReceiptLoader onLoaded={onSubmissionLoaded} />}
      {!draft.customerId && offers.length > 0 && (
        <MatchesPanel matches={offers} onLoad={onLoadOffer} />
      )}
      <form ref={formRef} className="walkin__form" noValidate onKeyDown={onKeyDown} onFocus={(event) => {
          if (event.target !== advancedTo.current) advancedTo.current = null;
          paper?.onField((event.target as HTMLElement).getAttribute('name'));
        }} onSubmit={(event) => { event.preventDefault(); setReviewing(true); }} aria-labelledby="walkin-title">
        {online && (
          <TickingSubmissionBanner
            loaded={online}
            idChecked={idChecked}
            error={serverErrors['idChecked'] ? t(`fieldError.${serverErrors['idChecked']}`) : undefined}
            onIdChecked={(checked) => {
              setIdChecked(checked);
              setServerErrors((current) => Object.fromEntries(Object.entries(current).filter(([key]) => key !== 'idChecked')));
            }}
          />
        )}
        <IntakeFieldsForm
          fields={draft.fields}
          config={config}
          validation={validation}
          issueFor={issueFor}
          onInput={onFieldInput}
          onBlur={onFieldBlur}
          masked={{ fields: stillMasked, onReveal: (field) => void revealMasked(field) }}
          cleared={draft.cleared}
          onToggleClear={known ? toggleClear : undefined}
          fromRecord={known ? record?.fields : undefined}
          onConfirmRecord={(field) => {
            const stored = record?.fields[field];
            if (typeof stored === 'string') update({ fields: { [field]: stored } });
          }}
          suggestedPlace={suggestedPlace}
          onTakeSuggestedPlace={takeSuggestedPlace}
          fromCard={cardFields}
          blankOnForm={paper ? { marks: draft.blankOnForm ?? [], markable: validation.markable, onToggle: toggleBlank } : undefined}
        />
        <ConsentSection consent={draft.consent} minor={validation.derived.minor} issues={consentIssues} serverErrors={serverErrors} showIssues={reviewing || touched.has('consent')} onChange={onConsentChange} paperFormNo={paper?.formNo} />
        <FormError message={submitError} />
        {!reviewing && (
          <div className="actions walkin__actions">
            <button type="submit" className="primary">
              {t('intake.review')} <kbd>{t('intake.reviewShortcut')}</kbd>
            </button>
            {paper ? (
              <button type="button" onClick={paper.onBack}>
                {t('paper.transcribe.later')}
              </button>
            ) : (
              <button type="button" onClick={() => { if (window.confirm(t('intake.discardConfirm'))) void api.call('intake.draft.discard', { id: draft.id, ...(online ? { onlineSubmissionId: online.submissionId } : {}) }).then(() => next()); }}>
                {t('intake.discard')}
              </button>
            )}
          </div>
        )}
      </form>
      {reviewing && (
        <SelfReview fields={draft.fields} cleared={draft.cleared} validation={validation} consentIssues={consentIssues} onBack={backFromReview} onConfirm={(present) => void submit(present)} askPresent={!paper} blankOnForm={paper ? draft.blankOnForm : undefined} />
      )}
    </section>
  );
});
