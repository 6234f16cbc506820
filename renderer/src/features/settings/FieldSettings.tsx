/** Which optional intake fields this site shows and requires (按照系统设定的字段和格式), with presets. */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CONFIGURABLE_FIELDS, FIELD_PRESETS, type FieldConfig, type FieldRule } from '../../../../shared/domain/intake/fields';
import { FormError } from '../../components/Field';
import { api } from '../../lib/api';
import { errorMessage } from '../../lib/errors';

const RULES: FieldRule[] = ['hidden', 'optional', 'required'];

export function FieldSettings() {
  const { t } = useTranslation();
  const [fields, setFields] = useState<FieldConfig | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    void api.call('intake.config').then((result) => (result.ok ? setFields(result.value.fields as FieldConfig) : setError(errorMessage(t, result.error))));
  }, [t]);

  if (!fields) return <FormError message={error} />;

  const save = async (): Promise<void> => {
    setMessage(null);
    const result = await api.call('intake.config.update', { fields });
    if (!result.ok) return setError(errorMessage(t, result.error));
    setFields(result.value.fields as FieldConfig);
    setMessage(t('settings.fieldsSaved'));
  };

  return (
    <form className="card card--wide" onSubmit={(event) => { event.preventDefault(); void save(); }} aria-labelledby="field-settings-title">
      <h2 id="field-settings-title">{t('settings.fieldsTitle')}</h2>
      <div className="actions">
        <span>{t('settings.preset')}</span>
        {(Object.keys(FIELD_PRESETS) as Array<keyof typeof FIELD_PRESETS>).map((preset) => (
          <button key={preset} type="button" onClick={() => setFields({ ...FIELD_PRESETS[preset] })}>{t(`settings.presetName.${preset}`)}</button>
        ))}
      </div>
      <table className="table">
        <tbody>
          {CONFIGURABLE_FIELDS.map((field) => (
            <tr key={field}>
              <td><label htmlFor={`rule-${field}`}>{t(`intake.field.${field}`)}</label></td>
              <td>
                <select id={`rule-${field}`} value={fields[field]} onChange={(event) => setFields({ ...fields, [field]: event.target.value as FieldRule })}>
                  {RULES.map((rule) => <option key={rule} value={rule}>{t(`settings.rule.${rule}`)}</option>)}
                </select>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <FormError message={error} />
      {message && <p role="status" className="success">{message}</p>}
      <button type="submit" className="primary">{t('common.save')}</button>
    </form>
  );
}
