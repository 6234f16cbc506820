import i18next from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import en from '../i18n/en.json';
import zhCN from '../i18n/zh-CN.json';
import { formatMinutes } from './elapsed';

const zh = i18next.createInstance();
const english = i18next.createInstance();
beforeAll(async () => {
  await zh.init({ lng: 'zh-CN', resources: { 'zh-CN': { translation: zhCN } }, interpolation: { escapeValue: false } });
  await english.init({ lng: 'en', resources: { en: { translation: en } }, interpolation: { escapeValue: false } });
});

describe('minutes as people read them', () => {
  it('says 29 天 20 小时 for 43015 minutes overdue, not 43015 分钟', () => {
    expect(formatMinutes(zh.t, 43_015)).toBe('29 天 20 小时');
    expect(zh.t('review.deadlineState.breached', { time: formatMinutes(zh.t, 43_015) })).toBe('已超时 29 天 20 小时');
    expect(formatMinutes(english.t, 43_015)).toBe('29 d 20 h');
  });
  it('minutes under an hour, hours and minutes under a day, whole units without a zero part', () => {
    expect(formatMinutes(zh.t, 0)).toBe('0 分钟');
    expect(formatMinutes(zh.t, 43)).toBe('43 分钟');
    expect(formatMinutes(zh.t, 60)).toBe('1 小时');
    expect(formatMinutes(zh.t, 118)).toBe('1 小时 58 分钟');
    expect(formatMinutes(zh.t, 24 * 60)).toBe('1 天');
    expect(formatMinutes(zh.t, 24 * 60 + 59)).toBe('1 天');
    expect(formatMinutes(english.t, 125)).toBe('2 h 5 min');
    expect(formatMinutes(zh.t, -5)).toBe('0 分钟');
  });
});
