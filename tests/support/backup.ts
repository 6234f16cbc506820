/** Test support for backups: customers to submit, the backup commands run as a person would run them. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { MethodInput } from '../../shared/api/contract';
import { defaultConsent } from '../../shared/domain/intake/consent';
import { emptyIntakeFields, type IntakeFields } from '../../shared/domain/intake/fields';
import { checkCharacter } from '../../shared/domain/identity';
import { openDatabase, type Db } from '../../electron/core/db/connection';
import { databasePath } from '../../electron/core/paths';
import { ROOT, expectOk, type RpcClient } from './desk';

/** The n-th synthetic adult customer: a distinct name, mobile and checksummed ID number. */
export function customer(n: number): IntakeFields {
  const body = `110105${1970 + (n % 30)}0101${String(n % 1000).padStart(3, '0')}`;
  return {
    ...emptyIntakeFields(),
    name: `备份${'甲乙丙丁戊己庚辛壬癸'[n % 10]}${'子丑寅卯辰巳午未申酉'[Math.floor(n / 10) % 10]}`,
    mobile: `1381${String(1_000_000 + n).slice(1)}1`.slice(0, 11),
    idNumber: body + checkCharacter(body),
    addressProvince: '吉林省',
    emergencyName: '单强',
    emergencyMobile: '13900001111',
    skiDiscipline: 'ski',
    skiAbility: 'beginner',
  };
}

export async function submitCustomer(client: RpcClient, n: number): Promise<{ intakeId: string; customerId: string }> {
  const draft = expectOk(await client.call('intake.draft.start', { customerId: null }));
  const input: MethodInput<'intake.submit'> = { draftId: draft.id, fields: customer(n), consent: { ...defaultConsent(), idConsent: true }, customerId: null, customerPresent: true };
  return expectOk(await client.call('intake.submit', input));
}

/** Run `npm run backup`/`npm run restore`'s built command; returns exit status and output. */
export function runCli(command: 'backup' | 'restore', args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli', `${command}.cjs`), ...args], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Open a desk's database from its folder (key file), for reading what was restored. */
export function openDesk(dataDir: string): Db {
  return openDatabase(databasePath(dataDir), fs.readFileSync(path.join(dataDir, 'desk.key'), 'utf8').trim());
}
