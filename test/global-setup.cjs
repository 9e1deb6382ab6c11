/**
 * Finds out once, before any test file runs, whether a PostgreSQL server is
 * reachable for the PostgreSQL half of the suites. Test files read the answer
 * from the environment (workers inherit it). With REQUIRE_POSTGRES=1 (as CI
 * sets) an unreachable server fails the run instead of skipping.
 */
const postgres = require('postgres');

module.exports = async function globalSetup() {
  const url =
    process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  const shown = url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
  const sql = postgres(url, { max: 1, connect_timeout: 3, onnotice: () => undefined });
  try {
    const [row] = await sql`select current_setting('server_version') as version`;
    process.env.PG_TEST_ADMIN_URL = url;
    process.env.PG_TEST_VERSION = row.version;
    console.log(`\n[tests] PostgreSQL ${row.version} at ${shown}: PostgreSQL suites will run.`);
  } catch (error) {
    const reason = `no PostgreSQL reachable at ${shown} (${error.code || error.message})`;
    if (process.env.REQUIRE_POSTGRES === '1') {
      throw new Error(`REQUIRE_POSTGRES=1 but ${reason}`);
    }
    process.env.PG_TEST_SKIP_REASON = reason;
    console.log(`\n[tests] SKIPPING PostgreSQL suites: ${reason}. Set TEST_DATABASE_URL to run them.`);
  } finally {
    await sql.end({ timeout: 1 }).catch(() => undefined);
  }
};
