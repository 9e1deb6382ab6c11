import { sql } from 'kysely';
import { describePostgres } from '../../../test/support/databases.js';
import { creditCode } from '../../../libs/domain/test/spec-helpers.js';
import { cli, requireBuiltCli } from '../../cli/test/support/cli.js';
import { startTestApiOnKurrentDB, type TestApi } from './support/api-client.js';

const SETUP = [
  { type: 'DefineArea', areaId: 'LG', kind: 'district', name: '龙岗区' },
  { type: 'RegisterEnterprise', creditCode: creditCode(801), name: 'A', areaId: 'LG', headcount: 120, occurredOn: '2024-01-01' },
  { type: 'ReportHeadcount', creditCode: creditCode(801), headcount: 130, occurredOn: '2024-03-01' },
  { type: 'RegisterEnterprise', creditCode: creditCode(802), name: 'B', areaId: 'LG', headcount: 12, occurredOn: '2024-01-01' },
];

/**
 * The engine with its log of record in KurrentDB (here: another engine's
 * endpoint, docs/kurrentdb.md): its health says how far its copy has come,
 * and `verify` checks the copy's chain and compares the copy with
 * KurrentDB's log, catching an event that disappeared from it.
 */
describePostgres('the engine on KurrentDB', () => {
  let api: TestApi & { logHost: TestApi };
  beforeAll(async () => {
    requireBuiltCli();
    api = await startTestApiOnKurrentDB();
    const { body } = await api.post('/api/commands', SETUP);
    expect(body.filter((r: { ok: boolean }) => !r.ok)).toEqual([]);
  });
  afterAll(() => api?.close());

  it("says in its health how far its copy of KurrentDB's log has come", async () => {
    const { status, body } = await api.get('/api/health', null);
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'ok', kurrentdb: { stopped: false, copiedUpTo: { commit: expect.any(String), prepare: expect.any(String) } } });
    // The log host serves this engine's events: its log holds what the copy holds.
    expect(await api.logHost.eventCount()).toBe(await api.eventCount());
  });

  it('verifies the copy against KurrentDB, and finds an event removed from KurrentDB after it was copied', async () => {
    const agreed = await cli(['verify', '--json'], api.env);
    expect(agreed.code).toBe(0);
    const report = JSON.parse(agreed.stdout);
    expect(report.chain.ok).toBe(true);
    expect(report.kurrentdb).toEqual({ ok: true, checked: await api.eventCount() });

    // What a KurrentDB operator's truncation or scavenge does: an event gone from the log of record, behind the engine's back.
    const { rows } = await sql<{ position: string; id: string }>`
      select global_position::text as position, event_id::text as id from events where event_type = 'HeadcountReported'`.execute(api.logHost.db);
    await api.logHost.db.connection().execute(async (connection) => {
      await sql`set session_replication_role = replica`.execute(connection);
      await sql`delete from events where global_position = ${rows[0]!.position}::bigint`.execute(connection);
      await sql`set session_replication_role = default`.execute(connection);
    });

    const found = await cli(['verify', '--json'], api.env);
    expect(found.code).toBe(1);
    const failed = JSON.parse(found.stdout);
    expect(failed.chain.ok).toBe(true); // the copy itself is whole
    expect(failed.kurrentdb.ok).toBe(false);
    expect(failed.kurrentdb.failure.eventId).toBe(rows[0]!.id);
  });
});
