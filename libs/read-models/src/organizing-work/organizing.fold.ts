import { sql, type Kysely } from 'kysely';
import type { DB, TextRow } from '#persistence';
import { BulkWriter } from '#projections';
import { attributedJoinRow, campaignRow, ceremonyRow } from './organizing-rows.js';

const PAGE = 10_000;
const TYPES = ['CampaignLaunched', 'CeremonyHeld', 'MemberJoined', 'MemberLeft', 'OutreachRecorded'];

/**
 * The organizing read model for the log up to `upTo`, in one pass: the
 * events it reads, in log order, folded in memory with the same rules as
 * `apply` (the first definition of a campaign, ceremony or attributed join
 * stands; the last leave sets left_on; each outreach step keeps its earliest
 * date), then written once.
 */
export async function foldOrganizing(db: Kysely<DB>, upTo: bigint, onProgress: (events: number) => void): Promise<void> {
  const campaigns = new Map<string, Record<string, unknown>>();
  const ceremonies = new Map<string, Record<string, unknown>>();
  const joins = new Map<string, Record<string, unknown>>();
  const outreach = new Map<string, Record<string, unknown>>();
  let after = 0n;
  for (;;) {
    const { rows } = await sql<Pick<TextRow<DB['events']>, 'event_type'> & { position: string; data: any }>`
      select global_position::text as position, event_type, data from events
      where global_position > ${after.toString()}::bigint and global_position <= ${upTo.toString()}::bigint
        and event_type = any(${TYPES}::text[])
      order by events.global_position limit ${PAGE}`.execute(db);
    for (const { event_type: type, data: d } of rows) {
      switch (type) {
        case 'CampaignLaunched':
          if (!campaigns.has(d.campaignId)) campaigns.set(d.campaignId, campaignRow(d));
          break;
        case 'CeremonyHeld':
          if (!ceremonies.has(d.ceremonyId)) ceremonies.set(d.ceremonyId, ceremonyRow(d));
          break;
        case 'MemberJoined':
          if ((!d.campaignId && !d.ceremonyId) || joins.has(d.memberId)) break;
          joins.set(d.memberId, attributedJoinRow(d));
          break;
        case 'MemberLeft': {
          const join = joins.get(d.memberId);
          if (join) join['left_on'] = d.occurredOn;
          break;
        }
        case 'OutreachRecorded': {
          const key = `${d.creditCode}\u0000${d.step}`;
          const known = outreach.get(key);
          if (!known || d.occurredOn < (known['reached_on'] as string)) outreach.set(key, { credit_code: d.creditCode, step: d.step, reached_on: d.occurredOn });
          break;
        }
      }
    }
    if (rows.length > 0) {
      after = BigInt(rows[rows.length - 1]!.position);
      onProgress(Number(after));
    }
    if (rows.length < PAGE) break;
  }
  const out = new BulkWriter(db);
  await out.addAll('rm_campaigns', campaigns.values());
  await out.addAll('rm_ceremonies', ceremonies.values());
  await out.addAll('rm_attributed_joins', joins.values());
  await out.addAll('rm_outreach', outreach.values());
  await out.flush();
}
