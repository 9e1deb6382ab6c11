import { sql, type Kysely } from 'kysely';
import { occupationGroupOf } from '#domain';
import { STILL_KNOWN, type DB, type TextRow } from '#persistence';

/** Joins and, of them, those who have left since (as of the date). */
export interface JoinCount {
  joined: number;
  left: number;
}

export interface CampaignProgress {
  readonly campaignId: string;
  readonly name: string;
  readonly areaId: string;
  readonly startsOn: string;
  readonly endsOn: string;
  readonly asOf: string;
  readonly target: number;
  /** Every join attributed to the campaign up to asOf, including members who have left since. */
  readonly joined: number;
  /** Of those, members still holding their membership on asOf. */
  readonly stillMembers: number;
  readonly left: number;
  /** joined ÷ target (null when the target is 0). */
  readonly progress: number | null;
  readonly remaining: number;
  readonly targetOccupations: ReadonlyArray<{ asWritten: string; group: string | null }>;
  readonly bySubdistrict: ReadonlyArray<{ areaId: string | null; name: string | null } & JoinCount>;
  readonly byOccupation: ReadonlyArray<{ group: string; zh: string; en: string; targeted: boolean } & JoinCount>;
  /** Occupations no alias matches, as written, so that nothing is lost. */
  readonly unmappedOccupations: ReadonlyArray<{ asWritten: string } & JoinCount>;
  readonly byChannel: ReadonlyArray<{ channel: string | null } & JoinCount>;
  readonly byCeremony: ReadonlyArray<{ ceremonyId: string | null; heldOn: string | null; areaId: string | null } & JoinCount>;
  /** ISO weeks (Monday first) of the join dates. */
  readonly byWeek: ReadonlyArray<{ week: string; startsOn: string } & JoinCount>;
  /** Members who joined in the campaign and have left by asOf. */
  readonly leftMembers: ReadonlyArray<{ memberId: string; joinedOn: string; leftOn: string; occupation: string | null }>;
}

/** An attributed join, with its ceremony's date and area and the subdistrict it counts in. */
type JoinRow = Pick<TextRow<DB['rm_attributed_joins']>, 'member_id' | 'ceremony_id' | 'occupation' | 'channel' | 'joined_on' | 'left_on'> & {
  held_on: string | null;
  ceremony_area: string | null;
  subdistrict_id: string | null;
  subdistrict_name: string | null;
};

/** A campaign's row; its target occupations (jsonb) as the driver parses them. */
type CampaignRow = Pick<TextRow<DB['rm_campaigns']>, 'name' | 'area_id' | 'target_joins' | 'starts_on' | 'ends_on'> & { target_occupations: string[] };

export async function campaignExists(db: Kysely<DB>, campaignId: string): Promise<boolean> {
  return (await db.selectFrom('rm_campaigns').select('campaign_id').where('campaign_id', '=', campaignId).executeTakeFirst()) !== undefined;
}

/** Monday of the ISO week of a date, and the week's name (2023-W14). */
export function isoWeek(date: string): { week: string; startsOn: string } {
  const d = new Date(`${date}T00:00:00Z`);
  const weekday = (d.getUTCDay() + 6) % 7; // Monday 0
  const monday = new Date(d.getTime() - weekday * 86_400_000);
  const thursday = new Date(monday.getTime() + 3 * 86_400_000);
  const year = thursday.getUTCFullYear();
  const firstThursday = new Date(Date.UTC(year, 0, 4));
  const firstMonday = new Date(firstThursday.getTime() - ((firstThursday.getUTCDay() + 6) % 7) * 86_400_000);
  const n = Math.round((monday.getTime() - firstMonday.getTime()) / (7 * 86_400_000)) + 1;
  return { week: `${year}-W${String(n).padStart(2, '0')}`, startsOn: monday.toISOString().slice(0, 10) };
}

function tally<K>(rows: readonly JoinRow[], keyOf: (r: JoinRow) => K, asOf: string): Map<string, { key: K } & JoinCount> {
  const out = new Map<string, { key: K } & JoinCount>();
  for (const r of rows) {
    const key = keyOf(r);
    const id = JSON.stringify(key);
    const entry = out.get(id) ?? { key, joined: 0, left: 0 };
    entry.joined++;
    if (r.left_on !== null && r.left_on <= asOf) entry.left++;
    out.set(id, entry);
  }
  return out;
}

/** Most joins first; ties in the order of their names. */
const byJoinedDesc =
  <T extends JoinCount>(name: (x: T) => string | null) =>
  (a: T, b: T) =>
    b.joined - a.joined || (name(a) ?? '\uffff').localeCompare(name(b) ?? '\uffff');

/**
 * A joining drive's progress as of a date: the joins attributed to it — by
 * its id, or through a ceremony held for it — against its target, broken
 * down by subdistrict, occupation group, channel, ceremony and week; members
 * who have left since are counted apart.
 *
 * A join's subdistrict is the subdistrict of the ceremony it happened at; else
 * of the area the join names (where the worker was signed up); else of its
 * union's area on the join date (the enterprise's location for an enterprise
 * union, the federation's area for a federation). A join through a
 * district-wide federation that names no area has no subdistrict (areaId null).
 */
export async function campaignProgress(db: Kysely<DB>, campaignId: string, asOf: string): Promise<CampaignProgress | undefined> {
  const campaign = (
    await sql<CampaignRow>`
      select name, area_id, target_joins, starts_on::text as starts_on, ends_on::text as ends_on, target_occupations
      from rm_campaigns where campaign_id = ${campaignId}`.execute(db)
  ).rows[0];
  if (!campaign) return undefined;
  const { rows } = await sql<JoinRow>`
    select j.member_id, j.ceremony_id, c.held_on::text as held_on, c.area_id as ceremony_area, j.occupation, j.channel,
           j.joined_on::text as joined_on, j.left_on::text as left_on, sub.area_id as subdistrict_id, sub.name as subdistrict_name
    from rm_attributed_joins j
    left join rm_ceremonies c on c.ceremony_id = j.ceremony_id
    left join rm_unions u on u.union_id = j.union_id
    left join rm_enterprise_locations l
      on u.kind = 'enterprise' and l.credit_code = u.credit_code and l.valid_from <= j.joined_on and l.valid_to > j.joined_on
         and l.recorded_to = ${sql.raw(STILL_KNOWN)}
    left join lateral (
      select a.ancestor_id as area_id, ar.name from rm_area_ancestors a join rm_areas ar on ar.area_id = a.ancestor_id
      where a.area_id = coalesce(c.area_id, j.area_id, l.area_id, u.area_id) and ar.kind = 'subdistrict'
      limit 1
    ) sub on true
    where (j.campaign_id = ${campaignId} or j.ceremony_id in (select ceremony_id from rm_ceremonies where campaign_id = ${campaignId}))
      and j.joined_on <= ${asOf}::date
    order by j.joined_on, j.member_id`.execute(db);

  const left = rows.filter((r) => r.left_on !== null && r.left_on <= asOf);
  const targetOccupations = campaign.target_occupations.map((asWritten) => ({ asWritten, group: occupationGroupOf(asWritten)?.id ?? null }));
  const targeted = new Set(targetOccupations.map((t) => t.group).filter((g): g is string => g !== null));

  const occupations = tally(rows, (r) => r.occupation, asOf);
  const byOccupation = new Map<string, { group: string; zh: string; en: string; targeted: boolean } & JoinCount>();
  const unmappedOccupations: Array<{ asWritten: string } & JoinCount> = [];
  for (const { key, joined, left: gone } of occupations.values()) {
    const group = occupationGroupOf(key);
    if (!group) {
      unmappedOccupations.push({ asWritten: key ?? '', joined, left: gone });
      continue;
    }
    const entry = byOccupation.get(group.id) ?? { group: group.id, zh: group.zh, en: group.en, targeted: targeted.has(group.id), joined: 0, left: 0 };
    entry.joined += joined;
    entry.left += gone;
    byOccupation.set(group.id, entry);
  }

  const target = Number(campaign.target_joins);
  return {
    campaignId,
    name: campaign.name,
    areaId: campaign.area_id,
    startsOn: campaign.starts_on,
    endsOn: campaign.ends_on,
    asOf,
    target,
    joined: rows.length,
    stillMembers: rows.length - left.length,
    left: left.length,
    progress: target === 0 ? null : rows.length / target,
    remaining: Math.max(0, target - rows.length),
    targetOccupations,
    bySubdistrict: [...tally(rows, (r) => [r.subdistrict_id, r.subdistrict_name] as const, asOf).values()]
      .map(({ key: [areaId, name], joined, left: gone }) => ({ areaId, name, joined, left: gone }))
      .sort((a, b) => (a.areaId ?? '\uffff').localeCompare(b.areaId ?? '\uffff')),
    byOccupation: [...byOccupation.values()].sort(byJoinedDesc((o) => o.group)),
    unmappedOccupations: unmappedOccupations.sort(byJoinedDesc((o) => o.asWritten)),
    byChannel: [...tally(rows, (r) => r.channel, asOf).values()].map(({ key, ...n }) => ({ channel: key, ...n })).sort(byJoinedDesc((c) => c.channel)),
    byCeremony: [...tally(rows, (r) => [r.ceremony_id, r.held_on, r.ceremony_area] as const, asOf).values()]
      .map(({ key: [ceremonyId, heldOn, areaId], ...n }) => ({ ceremonyId, heldOn, areaId, ...n }))
      .sort((a, b) => (a.heldOn ?? '\uffff').localeCompare(b.heldOn ?? '\uffff') || (a.ceremonyId ?? '').localeCompare(b.ceremonyId ?? '')),
    byWeek: [...tally(rows, (r) => isoWeek(r.joined_on).week, asOf).values()]
      .map(({ key, ...n }) => ({ week: key, startsOn: weekStart(key), ...n }))
      .sort((a, b) => a.week.localeCompare(b.week)),
    leftMembers: left.map((r) => ({ memberId: r.member_id, joinedOn: r.joined_on, leftOn: r.left_on!, occupation: r.occupation })),
  };
}

/** Monday of an ISO week given by name. */
function weekStart(week: string): string {
  const year = Number(week.slice(0, 4));
  const n = Number(week.slice(6));
  const week1 = new Date(`${isoWeek(`${year}-01-04`).startsOn}T00:00:00Z`);
  return new Date(week1.getTime() + (n - 1) * 7 * 86_400_000).toISOString().slice(0, 10);
}

/** A campaign as listed: what a drive is, not yet how it is doing. */
export interface CampaignListItem {
  campaignId: string;
  name: string;
  areaId: string;
  targetJoins: number;
  startsOn: string;
  endsOn: string;
}

/** The campaigns launched in an area or anywhere below it, the latest first. */
export async function campaignsIn(db: Kysely<DB>, areaId: string): Promise<CampaignListItem[]> {
  const { rows } = await sql<CampaignListItem>`
    select c.campaign_id as "campaignId", c.name, c.area_id as "areaId", c.target_joins as "targetJoins",
           c.starts_on::text as "startsOn", c.ends_on::text as "endsOn"
    from rm_campaigns c join rm_area_ancestors a on a.area_id = c.area_id
    where a.ancestor_id = ${areaId}
    order by c.starts_on desc, c.campaign_id`.execute(db);
  return rows;
}
