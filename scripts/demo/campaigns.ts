import { prng, type GeneratedCommand } from '#simulation';
import { addDays, CAMPAIGN_PERSONS, DEMO_DISTRICT, demoResidentId } from './district.js';
import type { Area, DistrictFacts, EnterpriseFacts, Subdistrict } from './facts.js';

/**
 * What the generator does not make: joining drives with their ceremonies,
 * sign-ups over weeks by channel, leavers, this year's outreach visits, and a
 * few late corrections. Deterministic for the facts, the day and the seed.
 *
 * Relative to the demo's day T (year Y):
 * - `DEMO-K<Y>`: the district's drive for new-form workers (riders, couriers,
 *   ride-hailing drivers), from T − 84 days to T + 35: ceremonies this year in
 *   nine of the eleven subdistricts (the fourth and the tenth hold none, so
 *   ceremony compliance has someone missing), one ceremony held apart from
 *   any drive, street and online sign-ups, some leavers;
 * - `DEMO-K<Y-1>-EXPRESS`: last year's couriers' month in the third
 *   subdistrict (finished; two ceremonies);
 * - `DEMO-K<Y>-RIDEHAIL`: the first subdistrict's drive for ride-hailing and
 *   designated drivers, from T − 40 to T + 20, with an occupation the alias
 *   table does not know (跑腿小哥);
 * - outreach steps this year at unorganized enterprises of 25 staff or more;
 * - corrections, recorded last: headcounts dated weeks back, a union founded
 *   three weeks ago and reported late, a sign-up reported late.
 */
export interface CampaignOptions {
  /** The demo's day (China time). */
  readonly today: string;
  readonly seed: number;
  /** Sign-ups of the district's drive (the others are in proportion). */
  readonly joins: number;
}

export interface DemoCampaigns {
  readonly campaigns: GeneratedCommand[];
  readonly corrections: GeneratedCommand[];
  readonly campaignIds: string[];
  /** Subdistricts without a ceremony this year. */
  readonly withoutCeremony: string[];
}

type Group = 'rider' | 'courier' | 'driver' | 'designated' | 'unknown';
const SPELLINGS: Record<Group, string[]> = {
  rider: ['外卖骑手', '外卖小哥', '网约送餐员', '外卖员', 'Food Delivery Rider'],
  courier: ['快递员', '快递小哥', '快递派送员', 'courier'],
  driver: ['网约车司机', '专车司机', '网约车驾驶员'],
  designated: ['代驾司机', '代驾'],
  unknown: ['跑腿小哥', '闪送员'],
};
const REASONS = ['换了工作', '离开深圳', '回老家', '转行'];

export function demoCampaigns(facts: DistrictFacts, options: CampaignOptions): DemoCampaigns {
  const rnd = prng(options.seed * 7919 + 17);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!;
  const between = (from: string, to: string): string => (to <= from ? from : addDays(from, Math.floor(rnd() * (daysFrom(from, to) + 1))));
  const T = options.today;
  const year = Number(T.slice(0, 4));
  const yearStart = `${year}-01-01`;
  const subdistricts = facts.subdistricts;
  const express = facts.industryFederations.find((u) => u.endsWith('EXPRESS')) ?? facts.industryFederations[0]!;
  const ridehail = facts.industryFederations.find((u) => u.endsWith('RIDEHAIL')) ?? facts.industryFederations[1]!;
  const campaigns: GeneratedCommand[] = [];
  const joins: GeneratedCommand[] = [];
  const corrections: GeneratedCommand[] = [];
  let person = 0;
  const joined: { memberId: string; on: string }[] = [];

  const join = (memberPrefix: string, fields: { group: Group; on: string; campaignId?: string; ceremonyId?: string; areaId?: string; community: Area; channel: string; actor: string }): GeneratedCommand => {
    const n = person++;
    const unionId = fields.group === 'courier' ? express : fields.group === 'driver' || fields.group === 'designated' ? ridehail : facts.federationOf(fields.community.areaId);
    const memberId = `${memberPrefix}-${String(n).padStart(5, '0')}`;
    joined.push({ memberId, on: fields.on });
    return {
      type: 'JoinUnion',
      memberId,
      personId: demoResidentId(CAMPAIGN_PERSONS + n),
      name: `演示会员${n}`,
      unionId,
      occupation: pick(SPELLINGS[fields.group]),
      newForm: true,
      channel: fields.channel,
      ...(fields.campaignId ? { campaignId: fields.campaignId } : {}),
      ...(fields.ceremonyId ? { ceremonyId: fields.ceremonyId } : {}),
      ...(fields.areaId ? { areaId: fields.areaId } : {}),
      occurredOn: fields.on,
      actor: fields.actor,
    };
  };
  const group = (weights: [Group, number][]): Group => {
    let r = rnd() * weights.reduce((sum, [, w]) => sum + w, 0);
    for (const [g, w] of weights) if ((r -= w) < 0) return g;
    return weights[0]![0];
  };

  // 1. The district's drive this year.
  const kA = `${DEMO_DISTRICT}-K${year}`;
  const aStarts = addDays(T, -84);
  const aEnds = addDays(T, 35);
  const aJoins = Math.max(40, options.joins);
  campaigns.push({
    type: 'LaunchCampaign',
    campaignId: kA,
    name: `${year}年新就业形态劳动者集中入会行动`,
    areaId: DEMO_DISTRICT,
    targetJoins: Math.ceil((aJoins * 1.4) / 100) * 100,
    startsOn: aStarts,
    endsOn: aEnds,
    targetOccupations: ['外卖骑手', '快递员', '网约车司机'],
    actor: '区总工会组织部',
  });
  const withoutCeremony = subdistricts.filter((_, i) => i === 3 || i === 9).map((sd) => sd.areaId);
  const ceremonyFrom = aStarts > yearStart ? aStarts : yearStart;
  const ceremonies: { ceremonyId: string; on: string; subdistrict: Subdistrict; community: Area; areaId: string; campaignId: string | null }[] = [];
  subdistricts.forEach((sd, i) => {
    if (withoutCeremony.includes(sd.areaId)) return;
    const held = i === 2 || i === 6 ? 2 : 1;
    for (let k = 0; k < held; k++) {
      const community = pick(sd.communities);
      // Every ceremony is held for the drive but the sixth subdistrict's: it counts for the yearly rule all the same.
      const own = i === 5;
      ceremonies.push({
        ceremonyId: `CER-${year}-${sd.areaId}-${k + 1}`,
        on: between(ceremonyFrom, T),
        subdistrict: sd,
        community,
        areaId: (i + k) % 2 === 0 ? community.areaId : sd.areaId,
        campaignId: own ? null : kA,
      });
    }
  });
  ceremonies.sort((a, b) => a.on.localeCompare(b.on) || a.ceremonyId.localeCompare(b.ceremonyId));
  for (const c of ceremonies) {
    campaigns.push({
      type: 'HoldCeremony',
      ceremonyId: c.ceremonyId,
      areaId: c.areaId,
      occurredOn: c.on,
      ...(c.campaignId ? { campaignId: c.campaignId } : {}),
      actor: `${c.subdistrict.name}总工会`,
    });
  }
  const aGroups: [Group, number][] = [['rider', 4], ['courier', 3], ['driver', 2], ['unknown', 1]];
  const weights = ceremonies.map(() => 0.5 + rnd());
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  const atCeremonies = Math.round(aJoins * 0.5);
  ceremonies.forEach((c, i) => {
    const n = Math.max(3, Math.round((atCeremonies * weights[i]!) / totalWeight));
    for (let k = 0; k < n; k++) {
      joins.push(join(c.campaignId ?? `${DEMO_DISTRICT}-CER${year}`, { group: group(aGroups), on: c.on, ceremonyId: c.ceremonyId, community: c.community, channel: 'ceremony', actor: `${c.subdistrict.name}总工会` }));
    }
  });
  const aLast = T < aEnds ? T : aEnds;
  for (let k = 0; k < aJoins - atCeremonies; k++) {
    const sd = pick(subdistricts);
    const community = pick(sd.communities);
    const street = rnd() < 0.5;
    const areaId = street ? (rnd() < 0.7 ? community.areaId : sd.areaId) : rnd() < 0.7 ? sd.areaId : undefined;
    joins.push(join(kA, { group: group(aGroups), on: between(aStarts, aLast), campaignId: kA, ...(areaId ? { areaId } : {}), community, channel: street ? 'street' : 'online', actor: '新就业形态工作专班' }));
  }

  // 2. Last year's couriers' month in the third subdistrict.
  const third = subdistricts[2]!;
  const kB = `${DEMO_DISTRICT}-K${year - 1}-EXPRESS`;
  const bStarts = `${year - 1}-09-01`;
  const bEnds = `${year - 1}-10-31`;
  const bJoins = Math.max(20, Math.round(aJoins * 0.4));
  campaigns.push({
    type: 'LaunchCampaign',
    campaignId: kB,
    name: `${year - 1}年${third.name}快递从业人员入会月`,
    areaId: third.areaId,
    targetJoins: Math.ceil(bJoins / 50) * 50,
    startsOn: bStarts,
    endsOn: bEnds,
    targetOccupations: ['快递员'],
    actor: `${third.name}总工会`,
  });
  const bCeremonies = [0, 1].map((k) => ({ ceremonyId: `CER-${year - 1}-${third.areaId}-${k + 1}`, on: k === 0 ? `${year - 1}-09-20` : `${year - 1}-10-18`, community: third.communities[k * 3]! }));
  for (const c of bCeremonies) campaigns.push({ type: 'HoldCeremony', ceremonyId: c.ceremonyId, areaId: c.community.areaId, occurredOn: c.on, campaignId: kB, actor: `${third.name}总工会` });
  for (let k = 0; k < bJoins; k++) {
    const c = k % 3 === 2 ? undefined : bCeremonies[k % 2]!;
    const community = c?.community ?? pick(third.communities);
    joins.push(
      join(kB, {
        group: 'courier',
        on: c?.on ?? between(bStarts, bEnds),
        ...(c ? { ceremonyId: c.ceremonyId } : { campaignId: kB, areaId: community.areaId }),
        community,
        channel: c ? 'ceremony' : 'street',
        actor: `${third.name}总工会`,
      }),
    );
  }

  // 3. The first subdistrict's drive for drivers, running now.
  const first = subdistricts[0]!;
  const kC = `${DEMO_DISTRICT}-K${year}-RIDEHAIL`;
  const cStarts = addDays(T, -40);
  const cJoins = Math.max(10, Math.round(aJoins * 0.2));
  campaigns.push({
    type: 'LaunchCampaign',
    campaignId: kC,
    name: `${first.name}网约车、代驾司机入会专项行动`,
    areaId: first.areaId,
    targetJoins: Math.ceil((cJoins * 1.5) / 10) * 10,
    startsOn: cStarts,
    endsOn: addDays(T, 20),
    targetOccupations: ['网约车司机', '代驾司机'],
    actor: `${first.name}总工会`,
  });
  for (let k = 0; k < cJoins; k++) {
    const community = pick(first.communities);
    const street = rnd() < 0.6;
    joins.push(
      join(kC, { group: group([['driver', 6], ['designated', 3], ['unknown', 1]]), on: between(cStarts, T), campaignId: kC, areaId: community.areaId, community, channel: street ? 'street' : 'online', actor: `${first.name}总工会` }),
    );
  }
  campaigns.push(...joins);

  // Leavers: about one in twenty (and every 25th, so that a small demo has some too), weeks after joining, none after today.
  joined.forEach((m, i) => {
    if (rnd() >= 0.05 && i % 25 !== 3) return;
    const later = addDays(m.on, 7 + Math.floor(rnd() * 80));
    const on = later < T ? later : T;
    if (on > m.on) campaigns.push({ type: 'LeaveUnion', memberId: m.memberId, occurredOn: on, reason: pick(REASONS) });
  });

  // 4. This year's outreach at unorganized enterprises of 25 staff or more (the work list's steps).
  const open = (e: EnterpriseFacts, on: string) => e.registeredOn <= on && e.closedOn === null;
  const unorganized = [...facts.enterprises.values()].filter((e) => !e.ownUnion && !e.covered && e.headcount >= 25 && open(e, addDays(T, -400)));
  const visitFrom = addDays(T, -200) > yearStart ? addDays(T, -200) : yearStart;
  const visitTo = addDays(T, -10) > visitFrom ? addDays(T, -10) : T;
  const founding = unorganized.find((e) => !e.relocated);
  for (const e of unorganized.filter((x) => x !== founding).slice(0, 80)) {
    if (rnd() < 0.3) continue;
    const sd = facts.subdistrictOf(e.areaId);
    const actor = sd ? `${sd.name}工会工作站` : '区总工会组织部';
    const visited = between(visitFrom, visitTo);
    campaigns.push({ type: 'RecordOutreach', creditCode: e.creditCode, step: 'visited', occurredOn: visited, actor });
    if (rnd() < 0.6) {
      const explained = between(addDays(visited, 7), addDays(visited, 40));
      if (explained > T) continue;
      campaigns.push({ type: 'RecordOutreach', creditCode: e.creditCode, step: 'policyExplained', occurredOn: explained, actor });
      if (rnd() < 0.4) {
        const measures = between(addDays(explained, 7), addDays(explained, 40));
        if (measures <= T) campaigns.push({ type: 'RecordOutreach', creditCode: e.creditCode, step: 'measuresDrawnUp', occurredOn: measures, actor });
      }
    }
  }

  // 5. Late corrections: recorded after everything else, dated weeks back.
  const small = [...facts.enterprises.values()].filter((e) => open(e, addDays(T, -400)) && e.headcount < 25 && e.headcount > 0 && e.headcountOn < addDays(T, -60));
  for (const e of small.slice(0, 3)) {
    corrections.push({ type: 'ReportHeadcount', creditCode: e.creditCode, headcount: 30 + Math.floor(rnd() * 40), occurredOn: addDays(T, -60), actor: '区市场监管数据同步' });
  }
  const large = [...facts.enterprises.values()].find((e) => open(e, addDays(T, -400)) && e.headcount >= 100 && e.headcountOn < addDays(T, -45));
  if (large) corrections.push({ type: 'ReportHeadcount', creditCode: large.creditCode, headcount: 80, occurredOn: addDays(T, -45), actor: '区市场监管数据同步' });
  if (founding) {
    const sd = facts.subdistrictOf(founding.areaId);
    corrections.push({ type: 'FoundEnterpriseUnion', unionId: `U-${founding.creditCode}`, creditCode: founding.creditCode, occurredOn: addDays(T, -21), actor: sd ? `${sd.name}总工会` : '区总工会' });
  }
  const lateSd = subdistricts[1]!;
  const lateCommunity = lateSd.communities[0]!;
  const lateOn = addDays(T, -21) > aStarts ? addDays(T, -21) : aStarts;
  corrections.push(join(kA, { group: 'rider', on: lateOn, campaignId: kA, areaId: lateCommunity.areaId, community: lateCommunity, channel: 'street', actor: '新就业形态工作专班' }));

  return { campaigns, corrections, campaignIds: [kA, kB, kC], withoutCeremony };
}

function daysFrom(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
