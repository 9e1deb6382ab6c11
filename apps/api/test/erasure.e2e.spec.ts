import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { maskResidentId } from '#domain';
import { KyselyEventStore, verifyChain } from '#event-store';
import type { PersonalData } from '#personal-data';
import { PERSONAL_DATA } from '#personal-data/nest';
import { createPostgresTestDatabase, describePostgres, everyRowAsText, type TestDatabase } from '../../../test/support/databases.js';
import { creditCode, residentId } from '../../../libs/domain/test/spec-helpers.js';
import { cli, requireBuiltCli } from '../../cli/test/support/cli.js';
import { startTestApi, TEST_API_KEYS, type TestApi } from './support/api-client.js';

/**
 * Erasure (PIPL Art. 47) end to end: a person joined over HTTP and one by
 * import, then erased — one by member id, one by identity number. Before
 * and after, the whole database (pg_dump on PostgreSQL, every row of every
 * table on PGlite) holds neither name, nor identity number, nor its masked
 * form, nor any unkeyed digest of the import line; after, not even the
 * master key opens their data, the histories show them erased, the chain
 * verifies and every figure is what it was.
 */

const AS_OF = '2023-06-30';
const HTTP = { memberId: 'M-HTTP', personId: residentId(501, '19880808'), name: '欧阳明月' };
const IMPORTED = { memberId: 'M-FILE', personId: residentId(502, '19920214'), name: '司马长风' };
const STAYS = { memberId: 'M-STAYS', personId: residentId(503, '19950505'), name: '诸葛青云' };
const ENTERPRISE_NAME = '龙岗示范物流有限公司';

const setup = [
  { type: 'DefineArea', areaId: 'LG', kind: 'district', name: '龙岗区' },
  { type: 'DefineArea', areaId: 'LG-01', kind: 'subdistrict', name: '平湖街道', parentId: 'LG' },
  { type: 'RegisterEnterprise', creditCode: creditCode(811), name: ENTERPRISE_NAME, areaId: 'LG-01', headcount: 150, occurredOn: '2023-01-05' },
  { type: 'FoundEnterpriseUnion', unionId: 'U-811', creditCode: creditCode(811), occurredOn: '2023-02-01' },
  { type: 'FoundFederation', unionId: 'F-RIDER', name: '外卖行业工联会', scope: 'industry', areaId: 'LG', occurredOn: '2023-01-01' },
  { type: 'LaunchCampaign', campaignId: 'K1', name: '新就业形态劳动者入会', areaId: 'LG', targetJoins: 10, startsOn: '2023-03-01', endsOn: '2023-12-31' },
];
const importedJoin = { type: 'JoinUnion', ...IMPORTED, unionId: 'F-RIDER', occupation: '外卖骑手', newForm: true, campaignId: 'K1', areaId: 'LG-01', occurredOn: '2023-04-02' };

/** Every way the two erased persons could be found in a dump: names, numbers, masked numbers, digests of the import line. */
function traces(importLine: string): Record<string, string> {
  const digest = createHash('sha256').update(importLine).digest();
  return {
    'name (HTTP)': HTTP.name,
    'name (import)': IMPORTED.name,
    'identity number (HTTP)': HTTP.personId,
    'identity number (import)': IMPORTED.personId,
    'masked number (HTTP)': maskResidentId(HTTP.personId),
    'masked number (import)': maskResidentId(IMPORTED.personId),
    'birth date + sequence (import)': IMPORTED.personId.slice(6, 17),
    'card number (HTTP)': 'SZ-ERASE-01',
    'replacement card number (HTTP)': 'SZ-ERASE-02',
    'sha256 of the import line (hex)': digest.toString('hex').slice(0, 16),
    'sha256 of the import line (base64url)': digest.toString('base64url').slice(0, 16),
  };
}

function erasureSuite(backend: 'pglite' | 'postgres') {
  let dir: string;
  let pg: TestDatabase | undefined;
  let api: TestApi;
  let store: Record<string, string>;
  let importLine: string;
  let last = 0n;
  const remember = (body: { events?: Array<{ position: string }> }) => {
    for (const e of body.events ?? []) if (BigInt(e.position) > last) last = BigInt(e.position);
  };
  const post = async (body: object, token?: string) => {
    const answer = await api.post('/api/commands', body, token);
    if (answer.status === 200) remember(answer.body);
    return answer;
  };
  /** The figures the erasure must leave as they were. */
  const figures = async () => {
    const coverage = (await api.get(`/api/coverage?areaId=LG&asOf=${AS_OF}&position=${last}`)).body;
    const campaign = (await api.get(`/api/campaigns/K1/progress?asOf=${AS_OF}&position=${last}`)).body;
    expect(coverage.freshness.caughtUp).toBe(true);
    const { freshness: _c, ...coverageFigures } = coverage;
    const { freshness: _p, ...campaignFigures } = campaign;
    return { coverage: coverageFigures, campaign: campaignFigures };
  };
  /** The whole database as text: pg_dump on PostgreSQL, every row of every table on PGlite. */
  const dump = async (): Promise<string> => {
    if (backend === 'postgres') {
      // PostgreSQL's own client (Debian's wrapper picks the one matching the server).
      const { stdout } = await promisify(execFile)('pg_dump', ['--no-owner', store['DATABASE_URL']!], { maxBuffer: 256 * 2 ** 20 });
      return stdout;
    }
    return everyRowAsText(api.db);
  };
  const found = (text: string) => Object.entries(traces(importLine)).filter(([, needle]) => text.toUpperCase().includes(needle.toUpperCase())).map(([what]) => what);

  beforeAll(async () => {
    requireBuiltCli();
    dir = mkdtempSync(join(tmpdir(), 'uce-erasure-'));
    if (backend === 'postgres') {
      pg = await createPostgresTestDatabase();
      store = { DATABASE_URL: pg.url! };
    } else {
      store = { DATA_DIR: join(dir, 'data') };
    }
    // The district and one join by import (a line without commandId: its id is derived from the line), before the API starts.
    importLine = JSON.stringify(importedJoin);
    writeFileSync(join(dir, 'district.ndjson'), [...setup.map((c) => JSON.stringify(c)), importLine].join('\n') + '\n');
    const imported = await cli(['import', join(dir, 'district.ndjson')], { ...store, ...TEST_API_KEYS });
    expect(imported.stdout).toContain(`recorded:           ${setup.length + 1}`);
    api = await startTestApi(backend, store);
    for (const person of [HTTP, STAYS]) {
      const joined = await post({ type: 'JoinUnion', ...person, unionId: 'U-811', occupation: '仓管员', campaignId: 'K1', occurredOn: '2023-05-06' });
      expect(joined.status).toBe(200);
    }
    // A card, replaced: its numbers are the holder's personal data too.
    expect((await post({ type: 'IssueMemberCard', memberId: HTTP.memberId, cardNumber: 'SZ-ERASE-01', occurredOn: '2023-05-10' })).status).toBe(200);
    expect((await post({ type: 'ReplaceMemberCard', memberId: HTTP.memberId, newCardNumber: 'sz-erase-02', reason: 'lost', occurredOn: '2023-06-01' })).status).toBe(200);
    last = BigInt(await api.eventCount());
  }, 120_000);
  afterAll(async () => {
    await api?.close();
    await pg?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps names and numbers sealed: the dump holds none of them even before erasure, while the history opens them', async () => {
    const text = await dump();
    expect(text).toContain(ENTERPRISE_NAME); // the dump is searchable: what is not personal is there in clear
    expect(found(text)).toEqual([]);
    const { body } = await api.get(`/api/members/${HTTP.memberId}/history?asOf=${AS_OF}`);
    expect(body.state).toMatchObject({ name: HTTP.name, personIdMasked: maskResidentId(HTTP.personId), erased: false });
    expect(body.events.map((e: { summary: string }) => e.summary)).toEqual(expect.arrayContaining(['member card SZ-ERASE-01 issued', 'member card replaced by sz-erase-02, reason: lost']));
    const imported = await api.get(`/api/members/${IMPORTED.memberId}/history?asOf=${AS_OF}`);
    expect(imported.body.state.name).toBe(IMPORTED.name);
  });

  it('lets only an admin erase, and a refused erasure writes nothing', async () => {
    const federation = await api.issue('federation', 'LG');
    const before = await api.eventCount();
    const refused = await post({ type: 'ErasePersonalData', memberId: HTTP.memberId, legalBasis: 'consentWithdrawn', occurredOn: '2023-07-01' }, federation);
    expect(refused).toMatchObject({ status: 403, body: { error: 'FORBIDDEN' } });
    const both = await post({ type: 'ErasePersonalData', memberId: HTTP.memberId, personId: HTTP.personId, legalBasis: 'consentWithdrawn', occurredOn: '2023-07-01' });
    expect(both).toMatchObject({ status: 400, body: { error: 'INVALID_FIELDS' } });
    const nobody = await post({ type: 'ErasePersonalData', personId: residentId(599), legalBasis: 'consentWithdrawn', occurredOn: '2023-07-01' });
    expect(nobody).toMatchObject({ status: 422, body: { error: 'UNKNOWN_PERSON' } });
    expect(JSON.stringify(nobody.body)).not.toContain(residentId(599));
    expect(await api.eventCount()).toBe(before);
    const { body } = await api.get(`/api/members/${HTTP.memberId}/history?asOf=${AS_OF}`);
    expect(body.state.name).toBe(HTTP.name);
  });

  it('erases by member id and by identity number: the figures stay, the histories say erased, the chain verifies, the dump and the master key give nothing back', async () => {
    const before = await figures();
    const erase = { type: 'ErasePersonalData', memberId: HTTP.memberId, legalBasis: 'consentWithdrawn', reference: 'REQ-2023-0042', occurredOn: '2023-07-01', commandId: 'erase-http' };
    const byMember = await post(erase);
    expect(byMember.status).toBe(200);
    expect(byMember.body.events).toEqual([expect.objectContaining({ streamId: `member-${HTTP.memberId}`, type: 'PersonalDataErased' })]);
    expect((await post(erase)).status).toBe(200); // sent again: the same answer, nothing more
    const byNumber = await post({ type: 'ErasePersonalData', personId: IMPORTED.personId, legalBasis: 'purposeAchieved', occurredOn: '2023-07-02' });
    expect(byNumber.status).toBe(200);
    expect(byNumber.body.events).toEqual([expect.objectContaining({ streamId: `member-${IMPORTED.memberId}` })]);

    expect(await figures()).toEqual(before);

    for (const { memberId } of [HTTP, IMPORTED]) {
      const { body } = await api.get(`/api/members/${memberId}/history?asOf=${AS_OF}`);
      expect(body.state).toMatchObject({ status: 'member', name: null, personIdMasked: null, erased: true });
      expect(body.state.summary).toContain('(personal data erased)');
      expect(found(JSON.stringify(body))).toEqual([]);
      expect(body.events.map((e: { summary: string }) => e.summary).join('\n')).toMatch(/personal data erased \(PIPL Art\. 47: (consentWithdrawn, reference REQ-2023-0042|purposeAchieved)\)/);
    }
    // Someone else's data is untouched.
    expect((await api.get(`/api/members/${STAYS.memberId}/history?asOf=${AS_OF}`)).body.state.name).toBe(STAYS.name);
    // The campaign's history lists the joins without the erased persons.
    const campaign = JSON.stringify((await api.get(`/api/campaigns/K1/history?asOf=${AS_OF}`)).body);
    expect(campaign).toContain(STAYS.name);
    expect(found(campaign)).toEqual([]);

    const events = await new KyselyEventStore(api.db).readAll();
    const opened = await api.app.get<PersonalData>(PERSONAL_DATA).vault.openAll(events.filter((e) => e.type === 'MemberJoined'));
    expect(opened.map((e) => [(e.data as { memberId: string }).memberId, e.personalData])).toEqual([
      [IMPORTED.memberId, 'erased'],
      [HTTP.memberId, 'erased'],
      [STAYS.memberId, 'opened'],
    ]);
    const report = await verifyChain(api.db);
    expect(report).toMatchObject({ ok: true });

    const text = await dump();
    expect(text).toContain(ENTERPRISE_NAME);
    expect(found(text)).toEqual([]);

    // The person erased may join again, as a new person to the engine's eyes but still one membership at a time.
    const again = await post({ type: 'JoinUnion', memberId: 'M-HTTP-2', personId: HTTP.personId, name: HTTP.name, unionId: 'F-RIDER', occurredOn: '2023-08-01' });
    expect(again).toMatchObject({ status: 422, body: { error: 'PERSON_ALREADY_MEMBER' } });
  });
}

describe('erasure of personal data [PGlite]', () => erasureSuite('pglite'));
describePostgres('erasure of personal data [PostgreSQL]', () => erasureSuite('postgres'));
