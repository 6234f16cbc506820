// Masking on screen (issue 8, item 8): the assigned cross-checker opens a record and sees masks;
// one key shows one field in full (audited, no typed reason); everything else stays masked.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { checkCharacter } from '../../shared/domain/identity';
import { defaultConsent } from '../../shared/domain/intake/consent';
import { emptyIntakeFields } from '../../shared/domain/intake/fields';
import { launchChromium, signInWithKeyboard, newDeskPage } from '../support/browser';
import { expectOk, staffedDesk } from '../support/desk';

const FIRST17 = '22020419870315001';
const ID = FIRST17 + checkCharacter(FIRST17);

let browser: Browser | undefined;
let page: Page | undefined;

afterEach(async (context) => {
  if (context.task.result?.state === 'fail' && page) {
    fs.mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: path.join('test-results', 'masking-review.png'), fullPage: true }).catch(() => undefined);
  }
  await browser?.close();
  browser = undefined;
  page = undefined;
});

describe('the assigned cross-checker on screen', () => {
  it('sees masked values, presses the key shown beside the ID, and sees that one field in full', async () => {
    const desk = await staffedDesk([['k.a', 'specialist'], ['k.b', 'specialist'], ['k.lead', 'group_lead']]);
    const enterer = desk.client('k.a');
    const draft = expectOk(await enterer.call('intake.draft.start', { customerId: null }));
    const fields = { ...emptyIntakeFields(), name: '赵明远', mobile: '13912345678', idNumber: ID, addressProvince: '吉林省', addressCity: '吉林市', addressDistrict: '船营区', addressDetail: '松江东路 88 号', emergencyName: '赵强', emergencyMobile: '13900001111', skiDiscipline: 'ski' as const, skiAbility: 'beginner' as const };
    const { intakeId } = expectOk(await enterer.call('intake.submit', { draftId: draft.id, fields, consent: { ...defaultConsent(), idConsent: true }, customerId: null, customerPresent: true }));
    expectOk(await desk.client('k.lead').call('review.assign', { intakeId, staffId: desk.ids['k.b']! }));

    browser = await launchChromium();
    page = await newDeskPage(browser);
    await signInWithKeyboard(page, desk.desk.launchUrl(), 'k.b', 'Password123', 'k.b');
    await page.keyboard.press('Alt+4');
    await page.getByRole('tab', { name: /待我交叉审核/ }).click();
    await page.getByTestId('queue-item').filter({ hasText: '赵**' }).click();
    await page.getByRole('heading', { name: /待我交叉审核/ }).waitFor();

    await expect.poll(() => page!.getByTestId('review-value-idNumber').textContent()).toBe(`22**************${ID.slice(-2)}`);
    expect(await page.getByTestId('review-value-mobile').textContent()).toBe('139******78');
    expect(await page.getByTestId('review-value-name').textContent()).toBe('赵**');
    expect(await page.getByTestId('review-value-birthDate').textContent()).toBe('1987');
    expect(await page.content()).not.toContain(ID);

    const key = (await page.getByTestId('reveal-idNumber').locator('kbd').textContent()) ?? '';
    expect(key).toMatch(/^\d$/);
    await page.keyboard.press(key);
    await expect.poll(() => page!.getByTestId('review-value-idNumber').textContent()).toBe(ID);
    // Only that field: the others are still masked, and no reason was asked for.
    expect(await page.getByTestId('review-value-mobile').textContent()).toBe('139******78');
    expect(await page.getByTestId('review-value-name').textContent()).toBe('赵**');
    expect(await page.getByRole('textbox', { name: /查看原因/ }).count()).toBe(0);

    const audit = expectOk(await desk.manager.call('audit.list', { limit: 100 })).filter((entry) => entry.action === 'review.reveal');
    expect(audit.map((entry) => ({ staffId: entry.staffId, target: entry.target, field: entry.details['field'] }))).toEqual([{ staffId: desk.ids['k.b'], target: intakeId, field: 'idNumber' }]);
    await desk.close();
  });
});
