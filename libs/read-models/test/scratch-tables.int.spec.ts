import { sql } from 'kysely';
import { membershipSuccessionPolicy, type PolicyDeps } from '#policies';
import type { Projection } from '#projections';
import {
  createPGliteTestDatabase,
  createPostgresTestDatabase,
  describePostgres,
  type TestDatabase,
} from '../../../test/support/databases.js';
import { catalogOf } from '../../persistence/test/catalog.js';
import { ALL_PROJECTIONS } from '../src/index.js';

/**
 * A rebuild creates a projection's fresh tables in a scratch schema with the
 * projection's `createTables` (from the current definitions in
 * libs/persistence/src/schema), then swaps them in for the live ones: they
 * must be the live tables exactly — columns in the same order, the same
 * keys and indexes — or a rebuild would silently change the schema the
 * migrations built.
 */
function scratchTablesEqualLiveOnes(open: () => Promise<TestDatabase>): void {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await open();
  });
  afterAll(() => database?.close());

  const projections: Projection[] = [...ALL_PROJECTIONS, membershipSuccessionPolicy({} as PolicyDeps)];
  it.each(projections.map((p) => [p.name, p] as const))('%s: the tables createTables makes are the migrated ones', async (_name, projection) => {
    const schema = `scratch_${projection.name.replace(/[^a-z0-9_]/gi, '_')}`;
    await sql.raw(`create schema ${schema}`).execute(database.db);
    try {
      await database.db.transaction().execute(async (trx) => {
        await sql.raw(`set local search_path to ${schema}, public`).execute(trx);
        await projection.createTables(trx);
      });
      const tables = [...projection.tables, 'projection_checkpoints'];
      const scratch = await catalogOf(database.db, schema);
      expect(scratch.relations.filter((r) => r.endsWith(' r')).map((r) => r.slice(0, -2)).sort()).toEqual([...tables].sort());
      expect(await catalogOf(database.db, schema, tables)).toEqual(await catalogOf(database.db, 'public', tables));
    } finally {
      await sql.raw(`drop schema ${schema} cascade`).execute(database.db);
    }
  });
}

describe('a rebuild’s scratch tables [PGlite]', () => {
  scratchTablesEqualLiveOnes(createPGliteTestDatabase);
});

describePostgres('a rebuild’s scratch tables', () => {
  scratchTablesEqualLiveOnes(createPostgresTestDatabase);
});
