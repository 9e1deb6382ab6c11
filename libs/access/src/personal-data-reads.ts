import { randomUUID } from 'node:crypto';
import type { Principal } from '#domain';
import type { EventStore } from '#event-store';

/**
 * Reads of personal data, recorded as facts (PIPL Art. 55 expects a record
 * of who processed sensitive personal information): who read which member's
 * history, or a list holding names, and when. One stream per day (China
 * time), `access-reads-YYYY-MM-DD`, hash-chained with the rest of the log;
 * an auditor lists them by day.
 */
export interface PersonalDataRead {
  readonly type: 'PersonalDataRead';
  readonly data: {
    readonly at: string;
    readonly holder: string;
    readonly role: string;
    readonly tokenId: string | null;
    /** What was read: `history`… */
    readonly what: string;
    /** Whose data it was: a member or a campaign, by id (never a name). */
    readonly subject: { readonly member: string } | { readonly campaign: string };
  };
}

export const readsStream = (day: string) => `access-reads-${day}`;

/** The day (YYYY-MM-DD) of an instant in China. */
export const chinaDay = (at: Date): string => new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);

export class PersonalDataReads {
  constructor(
    private readonly store: EventStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async record(principal: Principal, what: string, subject: PersonalDataRead['data']['subject']): Promise<void> {
    const at = this.now();
    const day = chinaDay(at);
    const data = { at: at.toISOString(), holder: principal.holder, role: principal.role, tokenId: principal.tokenId, what, subject };
    await this.store.append(readsStream(day), [
      { eventId: randomUUID(), type: 'PersonalDataRead', data, occurredOn: day, metadata: { actor: principal.holder, role: principal.role, ...(principal.tokenId ? { tokenId: principal.tokenId } : {}) } },
    ]);
  }

  /** The reads of each day from `from` to `to` (at most 366 days), in order. */
  async list(from: string, to: string): Promise<Array<PersonalDataRead['data'] & { position: string }>> {
    const days: string[] = [];
    for (let d = new Date(`${from}T00:00:00Z`); d <= new Date(`${to}T00:00:00Z`) && days.length < 366; d = new Date(d.getTime() + 86_400_000)) {
      days.push(d.toISOString().slice(0, 10));
    }
    const streams = await this.store.readStreams(days.map(readsStream));
    return days.flatMap((day) => (streams.get(readsStream(day)) ?? []).map((e) => ({ ...(e.data as PersonalDataRead['data']), position: e.globalPosition.toString() })));
  }
}
