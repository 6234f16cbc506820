/** Bridges core results into react-hook-form: field errors onto fields, the rest as one message. */
import type { TFunction } from 'i18next';
import type { FieldValues, Path, UseFormSetError } from 'react-hook-form';
import type { RpcError } from '../../../shared/api';
import { errorMessage } from './errors';

export function applyRpcError<T extends FieldValues>(t: TFunction, error: RpcError, setError: UseFormSetError<T>, known: ReadonlyArray<Path<T>>): string | null {
  let unplaced = false;
  for (const [field, code] of Object.entries(error.fields ?? {})) {
    const path = (known as readonly string[]).includes(field) ? (field as Path<T>) : undefined;
    if (path) setError(path, { type: 'server', message: code });
    else unplaced = true;
  }
  if (error.fields && !unplaced && error.code === 'VALIDATION') return null;
  return errorMessage(t, error);
}
