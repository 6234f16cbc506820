// Messages that send people to a menu name it as the menu does (user trial of issue 13: the home
// banner said "设置" where the menu reads "安全设置"), and the cross-check has one name in zh-CN.
import { describe, expect, it } from 'vitest';
import en from './en.json';
import zhCN from './zh-CN.json';

type Catalog = typeof zhCN;
const POINTING_TO_SETTINGS = (catalog: Catalog): string[] => [catalog.home.drillReminder, catalog.status.quarantined, catalog.onlineDesk.queue.notEnabled];

function strings(node: unknown, path = ''): Array<[string, string]> {
  if (typeof node === 'string') return [[path, node]];
  if (node && typeof node === 'object') return Object.entries(node).flatMap(([key, value]) => strings(value, path ? `${path}.${key}` : key));
  return [];
}

describe('the words on screen', () => {
  it('a message pointing to the settings names the menu item', () => {
    for (const catalog of [zhCN, en as unknown as Catalog]) {
      for (const text of POINTING_TO_SETTINGS(catalog)) expect(text).toContain(catalog.nav.settings);
    }
  });
  it('the cross-check is 交叉审核 everywhere in zh-CN (as the review menu and the regulation call it), never 交叉核对', () => {
    expect(zhCN.review.queue.crossCheck).toContain('交叉审核');
    expect(strings(zhCN).filter(([, text]) => text.includes('交叉核对'))).toEqual([]);
  });
});
