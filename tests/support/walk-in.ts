/** Types a complete walk-in with the keyboard alone, the way counter staff do (Enter/Tab, full fields advance). */
import type { Page } from 'playwright-core';

export interface WalkInKeys {
  name: string;
  mobile: string;
  idNumber: string;
  vip?: boolean;
}

/** Milliseconds between a person's keystrokes: slower than any ID card reader (renderer/src/features/intake/card-reader.ts). */
export const HUMAN_KEY_DELAY_MS = 60;

/** `heading`: the entry screen's title (the walk-in screen, or a paper form being transcribed on the same form). */
export async function typeWalkIn(page: Page, customer: WalkInKeys, heading: string | RegExp = '现场登记'): Promise<void> {
  const press = async (key: string, times = 1): Promise<void> => {
    for (let i = 0; i < times; i += 1) await page.keyboard.press(key);
  };
  await page.getByRole('heading', { name: heading }).waitFor();
  await page.keyboard.type(customer.name);
  await press('Enter');
  if (customer.mobile === '') {
    // A paper form whose phone the customer left blank: F9 marks it 表上未填, Enter moves on.
    await press('F9');
    await press('Enter');
  } else await page.keyboard.type(customer.mobile); // a full mobile moves on to the document type
  await press('Enter'); // keep 居民身份证
  // Typed at a person's pace (an ID card reader types a whole line far faster, see tests/e2e/id-card-reader.test.ts).
  await page.keyboard.type(customer.idNumber, { delay: HUMAN_KEY_DELAY_MS }); // a full ID moves on, filling birth date, gender and age
  await press('Enter'); // landline: none
  if (customer.vip) await press('ArrowDown'); // grade: VIP
  await press('Enter');
  await press('ArrowDown', 7); // province: 吉林省 (7th in GB/T 2260 order)
  await press('Enter');
  await press('ArrowDown', 2); // city: 吉林市
  await press('Enter');
  await press('ArrowDown'); // district
  await press('Enter');
  await page.keyboard.type('松江东路 88 号');
  await press('Enter');
  await page.keyboard.type('单强');
  await press('Enter');
  await page.keyboard.type('13900001111'); // moves on to the ski section
  await press('ArrowDown'); // 双板
  await press('Enter');
  await press('ArrowDown', 2); // 初级
  await press('Enter');
  await press('Enter'); // skier type: skip
  for (const value of ['168', '55', '25.5']) {
    await page.keyboard.type(value);
    await press('Enter');
  }
  await press('Enter'); // stance: skip
  await press('Enter'); // helmet: no
  await press('Enter'); // lessons: no
  await press('Tab'); // remarks → the notice link
  await press('Tab', 4); // three purposes (kept) → the separate ID consent
  await press('Space');
}
