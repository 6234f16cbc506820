/** Backup refusals in words: the core's reason code picks the catalog sentence. */
import type { TFunction } from 'i18next';
import type { RpcError } from '../../../../shared/api';
import { errorMessage } from '../../lib/errors';

export function backupErrorMessage(t: TFunction, error: RpcError): string {
  const reason = error.details?.['reason'];
  if (typeof reason === 'string') return t(`backup.reason.${reason}`, { message: error.message, defaultValue: error.message });
  return errorMessage(t, error);
}

export function recordMessage(t: TFunction, error: string | null, message: string | null): string {
  if (!error) return message ?? '';
  return t(`backup.reason.${error}`, { message: message ?? '', defaultValue: message ?? error });
}

export function when(at: number): string {
  return new Date(at).toLocaleString();
}
