/**
 * `npm run demo`: loads a generated district with joining drives into the
 * RUNNING engine, so that every page of the dashboard has something to show
 * (README "Try it: the dashboard with demo data", docs/dashboard.md "Demo
 * data").
 *
 *   npm run demo -- [--url http://127.0.0.1:3000] [--token TOKEN]
 *                   [--enterprises 2000] [--workers 12000] [--years 4] [--seed 1]
 *                   [--today YYYY-MM-DD] [--batch 5000]
 *
 * Over HTTP only. Without --token (or UCE_TOKEN), it gets an admin token as
 * `npm run cli -- token issue --role admin` does: through the running
 * server's local channel on the embedded store (DATA_DIR, default ./data),
 * or on PostgreSQL (DATABASE_URL). Exits 1 if any command was refused.
 */
import 'reflect-metadata';
import { hostname, userInfo } from 'node:os';
import { Command, InvalidArgumentError } from 'commander';
import { SingleBar } from 'cli-progress';
import { EngineClient, waitForHealth } from './demo/client.js';
import { DEFAULT_BATCH, DEFAULT_SIZE, loadDemo, type DemoReport } from './demo/load.js';

const whole = (name: string, min: number, max: number) => (value: string) => {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}`);
  return Number(value);
};
const isoDate = (value: string) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) throw new InvalidArgumentError('--today must be a date YYYY-MM-DD');
  return value;
};

interface Options {
  url: string;
  token?: string;
  enterprises?: number;
  workers?: number;
  years?: number;
  seed?: number;
  today?: string;
  batch: number;
  wait: number;
}

const { enterprises, workers, years, seed } = DEFAULT_SIZE;
const program = new Command()
  .name('npm run demo --')
  .description(
    'load a generated district with joining drives, ceremonies and late corrections into the running engine (for the dashboard). ' +
      'A size, seed or day not given is that of the demo already in the store, else the default; one that differs from it stops the run.',
  )
  .option('--url <url>', 'the running engine', `http://127.0.0.1:${process.env['PORT']?.trim() || '3000'}`)
  .option('--token <token>', 'an admin token (default: env UCE_TOKEN, else one issued as `npm run cli -- token issue --role admin` does)')
  .option('--enterprises <n>', `enterprises (default: ${enterprises})`, whole('--enterprises', 1, 1_000_000))
  .option('--workers <n>', `workers who join a union (default: ${workers})`, whole('--workers', 0, 5_000_000))
  .option('--years <n>', `years of history, ending on the demo's day (default: ${years})`, whole('--years', 1, 30))
  .option('--seed <n>', `random seed: same options, same data (default: ${seed})`, whole('--seed', 0, 2 ** 31))
  .option('--today <date>', "the demo's day, the last of its history (default: today in China)", isoDate)
  .option('--batch <n>', 'commands per request', whole('--batch', 1, 10_000), DEFAULT_BATCH)
  .option('--wait <seconds>', 'how long to wait for the engine to be ready', whole('--wait', 0, 3600), 60)
  .showHelpAfterError()
  .action(async (opts: Options) => {
    const url = opts.url.replace(/\/+$/, '');
    await waitForHealth(url, opts.wait);
    const given = opts.token ?? process.env['UCE_TOKEN']?.trim();
    const token = given || (await issueAdminToken());
    const me = await new EngineClient(url, token).get('/api/access/me');
    if (me.status === 401 && !given) {
      const store = process.env['DATABASE_URL']?.trim() ? 'DATABASE_URL' : `DATA_DIR (${process.env['DATA_DIR']?.trim() || './data'})`;
      throw new Error(`the engine at ${url} does not know the token issued in the store of ${store}: run the demo with the server's DATA_DIR or DATABASE_URL, or pass --token`);
    }
    const bar = new SingleBar({ format: 'demo [{bar}] {percentage}% | {value}/{total} commands | ETA {eta_formatted}', stream: process.stderr, noTTYOutput: true, notTTYSchedule: 5000, etaBuffer: 20 });
    console.error(`loading the demo into ${url}`);
    // Only the options given: the others come from the demo already in the store, else the defaults.
    const chosen = Object.fromEntries(Object.entries({ enterprises: opts.enterprises, workers: opts.workers, years: opts.years, seed: opts.seed, today: opts.today }).filter(([, v]) => v !== undefined));
    let report: DemoReport;
    try {
      report = await loadDemo(new EngineClient(url, token), { ...chosen, batchSize: opts.batch }, (done, total) => {
        if (!bar.isActive) bar.start(total, 0);
        bar.update(done);
      });
    } finally {
      if (bar.isActive) bar.stop();
    }
    print(report, url, given ? null : token);
    if (report.refused > 0) process.exitCode = 1;
  });

/** The first admin token, as `npm run cli -- token issue --role admin --name demo` gets it (through DATA_DIR's running server, or DATABASE_URL). */
async function issueAdminToken(): Promise<string> {
  const [{ requestTokens }, { loadConfig }, { operatorPrincipal }] = await Promise.all([import('#access'), import('#persistence'), import('#domain')]);
  const operator = operatorPrincipal(`${userInfo().username}@${hostname()}`);
  const answer = await requestTokens(loadConfig(), { action: 'issue', operator: operator.holder.replace(/^operator:/, ''), request: { role: 'admin', areaId: null, holder: 'demo' } }, operator);
  if (!answer.ok) throw new Error(`could not issue an admin token (${answer.error}: ${answer.message}): pass --token`);
  return (answer.value as { token: string }).token;
}

function print(r: DemoReport, url: string, issuedToken: string | null): void {
  const out = (line = '') => console.log(line);
  out();
  out(`demo:              ${r.enterprises} enterprises, ${r.workers} workers, ${r.years} years up to ${r.today}, seed ${r.seed}${r.alreadyThere ? ' (already in the store: only what was missing was added)' : ''}`);
  out(`commands:          ${r.commands.toLocaleString('en')}`);
  out(`recorded:          ${r.recorded.toLocaleString('en')} (${r.events.toLocaleString('en')} events)`);
  out(`already recorded:  ${r.alreadyRecorded.toLocaleString('en')}`);
  out(`refused:           ${r.refused.toLocaleString('en')}`);
  if (r.refused > 0) {
    out(`  by code:         ${Object.entries(r.refusedByCode).map(([code, n]) => `${code} ${n}`).join(', ')}`);
    for (const f of r.firstRefusals) out(`  ${f.commandId} ${f.type}: ${f.error}: ${f.message}`);
    if (r.refusedByCode['COMMAND_ID_CONFLICT']) out('  COMMAND_ID_CONFLICT: the store holds other commands under the demo\'s commandIds: load the demo into a fresh store');
  }
  out(`time:              ${r.seconds.toFixed(1)} s`);
  out();
  const year = r.today.slice(0, 4);
  out(`Open ${url}/ and sign in with the admin token${issuedToken ? ' below' : ' you gave'}. The district is ${r.areaId}; for example:`);
  out(`  coverage:          ${url}/coverage?area=${r.areaId}   (a subdistrict: ${r.exampleAreas[1]}, a community: ${r.exampleAreas[2]})`);
  out(`  work list:         ${url}/work?area=${r.exampleAreas[1]}`);
  out(`  drives:            ${url}/campaigns?area=${r.areaId}   (${r.campaignIds.join(', ')})`);
  out(`  ceremonies ${year}:   ${url}/campaigns?area=${r.areaId}&view=ceremonies&year=${year}   (none held in ${r.withoutCeremony.join(', ')})`);
  if (r.knownAt) out(`  late corrections:  ${url}/audit?area=${r.areaId}&knownAt=${r.knownAt}   (recorded after ${r.knownAt} China time)`);
  out(`  members:           ${url}/members?area=${r.areaId}`);
  if (issuedToken) {
    out();
    out('admin token (shown only now: keep it secret):');
    out(issuedToken);
  }
}

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
