/**
 * New-form occupations (新就业形态劳动者): the national "eight groups"
 * (八大群体, since 2018) and the other occupations later campaigns target.
 * Campaign teams write occupations as they hear them — "外卖骑手", "网约送餐员",
 * "food-delivery rider" — so every group has aliases. Events keep the
 * occupation exactly as written; the mapping is applied when figures are
 * read, so improving this table re-maps the whole history without rewriting
 * any event. An occupation no alias matches is kept as written and reported
 * as unmapped, never lost.
 */
export interface OccupationGroup {
  readonly id: string;
  readonly zh: string;
  readonly en: string;
  /** One of the national "eight groups" (八大群体). */
  readonly eightGroups: boolean;
  readonly aliases: readonly string[];
}

export const OCCUPATION_GROUPS: readonly OccupationGroup[] = [
  {
    id: 'truck-driver', zh: '货车司机', en: 'truck driver', eightGroups: true,
    aliases: ['货车司机', '货运司机', '卡车司机', '货车驾驶员', '货运驾驶员', '大货车司机', 'truck driver', 'freight driver', 'lorry driver', 'trucker'],
  },
  {
    id: 'courier', zh: '快递员', en: 'courier', eightGroups: true,
    aliases: ['快递员', '快递小哥', '快递派送员', '快递收派员', '快件收派员', '快递配送员', 'courier', 'express courier', 'parcel courier', 'express delivery worker'],
  },
  {
    id: 'care-worker', zh: '护工', en: 'care worker', eightGroups: true,
    aliases: ['护工', '护理员', '养老护理员', '医疗护理员', 'care worker', 'caregiver', 'carer'],
  },
  {
    id: 'domestic-worker', zh: '家政服务员', en: 'domestic worker', eightGroups: true,
    aliases: ['家政服务员', '家政员', '家政工', '家政人员', '保姆', '月嫂', '育婴员', 'domestic worker', 'housekeeper', 'nanny'],
  },
  {
    id: 'mall-information-staff', zh: '商场信息员', en: 'mall information staff', eightGroups: true,
    aliases: ['商场信息员', '商场导购', '导购员', '商场营业员', 'mall information staff', 'shopping mall staff'],
  },
  {
    id: 'food-delivery-rider', zh: '外卖骑手', en: 'food-delivery rider', eightGroups: true,
    aliases: ['外卖骑手', '外卖员', '外卖小哥', '网约送餐员', '送餐员', '外卖送餐员', '骑手', 'food-delivery rider', 'food delivery rider', 'delivery rider', 'meal delivery rider', 'rider'],
  },
  {
    id: 'property-agent', zh: '房产中介', en: 'property agent', eightGroups: true,
    aliases: ['房产中介', '房产经纪人', '房地产经纪人', '房屋中介', '中介员', 'property agent', 'real estate agent', 'estate agent'],
  },
  {
    id: 'security-guard', zh: '保安员', en: 'security guard', eightGroups: true,
    aliases: ['保安员', '保安', '安保员', '门卫', 'security guard', 'security staff', 'guard'],
  },
  {
    id: 'ride-hailing-driver', zh: '网约车司机', en: 'ride-hailing driver', eightGroups: false,
    aliases: ['网约车司机', '网约车驾驶员', '专车司机', '快车司机', 'ride-hailing driver', 'ride hailing driver', 'online car-hailing driver', 'car-hailing driver'],
  },
  {
    id: 'cleaner', zh: '保洁员', en: 'cleaner', eightGroups: false,
    aliases: ['保洁员', '保洁', '清洁工', '环卫工', 'cleaner', 'cleaning staff', 'janitor'],
  },
  {
    id: 'designated-driver', zh: '代驾司机', en: 'designated driver', eightGroups: false,
    aliases: ['代驾司机', '代驾', '代驾员', 'designated driver', 'chauffeur service driver'],
  },
  {
    id: 'online-streamer', zh: '网络主播', en: 'online streamer', eightGroups: false,
    aliases: ['网络主播', '主播', '带货主播', 'online streamer', 'live streamer', 'streamer'],
  },
];

/** Case, width, spaces, hyphens and slashes do not tell occupations apart. */
export function normalizeOccupation(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[\s\-_/·・]+/g, '');
}

const BY_ALIAS = new Map<string, OccupationGroup>();
for (const group of OCCUPATION_GROUPS) {
  for (const alias of [group.id, group.zh, group.en, ...group.aliases]) {
    const key = normalizeOccupation(alias);
    const taken = BY_ALIAS.get(key);
    if (taken && taken !== group) throw new Error(`occupation alias "${alias}" names both ${taken.id} and ${group.id}`);
    BY_ALIAS.set(key, group);
  }
}

/** The group an occupation as written belongs to, or undefined (unmapped: keep it as written). */
export function occupationGroupOf(text: string | null | undefined): OccupationGroup | undefined {
  if (text === null || text === undefined) return undefined;
  return BY_ALIAS.get(normalizeOccupation(text));
}
