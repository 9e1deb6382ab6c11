import { sql, type Kysely } from 'kysely';
import type { RecordedEvent } from '#event-store';
import { createCheckpointsTable, createOrganizingTables, jsonb, type DB, type TableName } from '#persistence';
import type { Projection } from '#projections';
import { foldOrganizing } from './organizing.fold.js';
import { attributedJoinRow, campaignRow, ceremonyRow } from './organizing-rows.js';

/** Tables this projection owns (emptied by a rebuild). */
export const ORGANIZING_TABLES = ['rm_campaigns', 'rm_ceremonies', 'rm_attributed_joins', 'rm_outreach'] as const satisfies readonly TableName[];

/**
 * Organizing work: campaigns and ceremonies as defined, the joins attributed
 * to a campaign or a ceremony (with the member's leaving, when it comes), and
 * the first date each outreach step was reached by each enterprise. Every
 * write is keyed or an upsert, so a late event lands in place: a late
 * outreach report moves the step's date back, a late leave sets left_on.
 */
export const organizingProjection: Projection = {
  name: 'organizing',
  tables: ORGANIZING_TABLES,

  async createTables(db) {
    await createCheckpointsTable(db);
    await createOrganizingTables(db);
  },

  fold: (db, upTo, onProgress) => foldOrganizing(db, upTo, onProgress),

  async apply(db: Kysely<DB>, events: readonly RecordedEvent[]): Promise<void> {
    for (const e of events) {
      const d = e.data as Record<string, any>;
      switch (e.type) {
        case 'CampaignLaunched':
          await db
            .insertInto('rm_campaigns')
            // The occupations as text cast in SQL: a driver would encode a string bound to jsonb once more.
            .values({ ...campaignRow(d), target_occupations: jsonb(campaignRow(d).target_occupations) })
            .onConflict((oc) => oc.doNothing())
            .execute();
          break;
        case 'CeremonyHeld':
          await db
            .insertInto('rm_ceremonies')
            .values(ceremonyRow(d))
            .onConflict((oc) => oc.doNothing())
            .execute();
          break;
        case 'MemberJoined':
          if (!d.campaignId && !d.ceremonyId) break;
          await db
            .insertInto('rm_attributed_joins')
            .values(attributedJoinRow(d))
            .onConflict((oc) => oc.doNothing())
            .execute();
          break;
        case 'MemberLeft':
          await db.updateTable('rm_attributed_joins').set({ left_on: d.occurredOn }).where('member_id', '=', d.memberId).execute();
          break;
        case 'OutreachRecorded':
          await sql`
            insert into rm_outreach (credit_code, step, reached_on) values (${d.creditCode}, ${d.step}, ${d.occurredOn})
            on conflict (credit_code, step) do update set reached_on = least(rm_outreach.reached_on, excluded.reached_on)`.execute(db);
          break;
      }
    }
  },
};
