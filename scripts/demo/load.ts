import { setTimeout as sleep } from 'node:timers/promises';
import { todayInChina } from '#domain';
import type { GeneratedCommand } from '#simulation';
import { demoCampaigns } from './campaigns.js';
import type { EngineClient } from './client.js';
import { DEMO_DISTRICT, DEMO_MARKER_UNION, demoDistrict } from './district.js';
import { DistrictFacts } from './facts.js';

/**
 * Loads the demo into a running engine over HTTP: the generated district,
 * then the drives, ceremonies, sign-ups and outreach, then — a moment later,
 * so the audit page has revisions to show — a few late corrections. Every
 * command carries a commandId of its own (`demo:<part>:<n>`): sent again, it
 * records nothing and answers as the first time, so the demo can be run
 * again (to finish a run that was stopped, or by mistake) without doubling
 * anything. Commands already recorded are told apart by their events'
 * positions: at or below the log's head when the run began.
 */
export interface DemoSize {
  readonly enterprises: number;
  readonly workers: number;
  readonly years: number;
  readonly seed: number;
}

export const DEFAULT_SIZE: DemoSize = { enterprises: 2000, workers: 12000, years: 4, seed: 1 };

/**
 * What to load. A size or day not given is the one of the demo already in the
 * store, else the default (DEFAULT_SIZE; today in China). One given that
 * differs from the demo already in the store stops the run before anything
 * is sent: the same ids would hold other facts.
 */
export interface DemoOptions extends Partial<DemoSize> {
  /** The day the history ends at. */
  readonly today?: string;
  /** Commands per request (at most 10,000; default 5,000). */
  readonly batchSize?: number;
  /** How long to wait for the read models to catch up at the end (seconds, default 600). */
  readonly catchUpSeconds?: number;
}

export interface Refusal {
  readonly commandId: string;
  readonly type: string;
  readonly error: string;
  /** The engine's message, with anything shaped like an identity number blanked out. */
  readonly message: string;
}

export interface DemoReport extends DemoSize {
  readonly today: string;
  /** The store held the demo district already (its day was read from it). */
  readonly alreadyThere: boolean;
  readonly commands: number;
  /** Commands recorded by this run, and the events they wrote. */
  readonly recorded: number;
  readonly events: number;
  /** Commands recorded by an earlier run (same commandId): nothing new. */
  readonly alreadyRecorded: number;
  readonly refused: number;
  readonly refusedByCode: Record<string, number>;
  /** The first refusals (up to 10): commandId, type, code, message; never a name or an identity number. */
  readonly firstRefusals: Refusal[];
  /**
   * An instant after the load and before the late corrections, in China time
   * to the second without a zone (as the API reads it, and as the audit
   * page's field shows it): the audit page's knownAt. The load ends more than
   * a second before the corrections begin, so the second is between them.
   */
  readonly knownAt: string | null;
  readonly areaId: string;
  readonly exampleAreas: string[];
  readonly campaignIds: string[];
  readonly withoutCeremony: string[];
  readonly lastPosition: string;
  readonly seconds: number;
}

export interface Progress {
  (done: number, total: number): void;
}

export const DEFAULT_BATCH = 5_000;
const MAX_BATCH = 10_000;

/** What a demo already in the store was made with: the marker federation's founding command carries it in its commandId. */
export interface ExistingDemo extends DemoSize {
  readonly today: string;
}

const TAG = /:e(\d+)-w(\d+)-y(\d+)-s(\d+)-d(\d{4}-\d{2}-\d{2})$/;
const tagOf = (size: DemoSize, today: string) => `e${size.enterprises}-w${size.workers}-y${size.years}-s${size.seed}-d${today}`;

export async function existingDemo(client: EngineClient): Promise<ExistingDemo | null> {
  const answer = await client.get(`/api/unions/${encodeURIComponent(DEMO_MARKER_UNION)}/history`);
  if (answer.status === 404) return null;
  if (answer.status !== 200) throw new Error(`GET /api/unions/${DEMO_MARKER_UNION}/history answered HTTP ${answer.status} ${describe(answer.body)}`);
  const founding = answer.body?.events?.[0] as { commandId?: string | null; occurredOn?: string } | undefined;
  const tag = TAG.exec(founding?.commandId ?? '');
  if (!tag) throw new Error(`the store holds a union ${DEMO_MARKER_UNION} that the demo did not record: load the demo into another store`);
  return { enterprises: Number(tag[1]), workers: Number(tag[2]), years: Number(tag[3]), seed: Number(tag[4]), today: tag[5]! };
}

/** The options to load with: given, else the existing demo's, else the defaults; refused when given ones differ from the existing demo's. */
export function resolveOptions(options: DemoOptions, existing: ExistingDemo | null): DemoSize & { today: string } {
  const keys = ['enterprises', 'workers', 'years', 'seed', 'today'] as const;
  if (existing) {
    const differ = keys.filter((k) => options[k] !== undefined && options[k] !== existing[k]);
    if (differ.length > 0) {
      throw new Error(
        `this store already holds the demo made with --enterprises ${existing.enterprises} --workers ${existing.workers} --years ${existing.years} --seed ${existing.seed} --today ${existing.today} ` +
          `(not ${differ.map((k) => `--${k} ${options[k]}`).join(' ')}): run \`npm run demo\` without those options to complete it, or load another demo into a fresh store`,
      );
    }
    return existing;
  }
  return {
    enterprises: options.enterprises ?? DEFAULT_SIZE.enterprises,
    workers: options.workers ?? DEFAULT_SIZE.workers,
    years: options.years ?? DEFAULT_SIZE.years,
    seed: options.seed ?? DEFAULT_SIZE.seed,
    today: options.today ?? todayInChina(),
  };
}

export async function loadDemo(client: EngineClient, options: DemoOptions, progress: Progress = () => undefined): Promise<DemoReport> {
  const started = Date.now();
  const batchSize = Math.min(MAX_BATCH, Math.max(1, options.batchSize ?? DEFAULT_BATCH));
  const me = await client.get('/api/access/me');
  if (me.status === 401) throw new Error(`the engine at ${client.url} refused the token (401 ${describe(me.body)})`);
  if (me.status !== 200 || me.body?.role !== 'admin') throw new Error(`the demo needs an admin token (this one: ${me.body?.role ?? `HTTP ${me.status}`})`);
  const existing = await existingDemo(client);
  const size = resolveOptions(options, existing);
  const { today } = size;

  const facts = new DistrictFacts();
  const district: GeneratedCommand[] = [];
  for (const c of demoDistrict(size)) {
    facts.observe(c);
    district.push(c);
  }
  const { campaigns, corrections, campaignIds, withoutCeremony } = demoCampaigns(facts, { today, seed: size.seed, joins: Math.round(size.workers * 0.05) });
  const parts: [string, GeneratedCommand[]][] = [
    ['district', district],
    ['campaigns', campaigns],
    ['corrections', corrections],
  ];
  const total = district.length + campaigns.length + corrections.length;

  const head = BigInt((await chainHead(client)).headPosition);
  const tally = { done: 0, recorded: 0, events: 0, alreadyRecorded: 0, refused: 0, byCode: {} as Record<string, number>, first: [] as Refusal[], last: head };
  let knownAt: string | null = null;
  for (const [part, commands] of parts) {
    // The marker federation's founding also tells what the demo was made with (existingDemo reads it back).
    const withIds = commands.map((c, i) => ({ ...c, commandId: c['unionId'] === DEMO_MARKER_UNION && c.type === 'FoundFederation' ? `demo:${part}:${i}:${tagOf(size, today)}` : `demo:${part}:${i}` }));
    if (part === 'corrections') {
      // A moment between the load and the corrections: "what changed since" on the audit page shows the corrections.
      knownAt = (await chainHead(client)).recordedAt;
      await sleep(1100);
    }
    let firstAnswer: any;
    for (let from = 0; from < withIds.length; from += batchSize) {
      const batch = withIds.slice(from, from + batchSize);
      const answers = await submit(client, batch);
      firstAnswer ??= answers[0];
      answers.forEach((a, i) => count(tally, batch[i]!, a, head));
      tally.done += batch.length;
      progress(tally.done, total);
    }
    // The same instant whichever run recorded them: a millisecond before the first correction.
    if (part === 'corrections' && firstAnswer?.ok && firstAnswer.events?.length) {
      knownAt = (await instantBefore(client, firstAnswer.events[0].streamId as string, 'demo:corrections:0', today)) ?? knownAt;
    }
  }
  await caughtUp(client, tally.last, options.catchUpSeconds ?? 600);
  const subdistricts = facts.subdistricts.map((s) => s.areaId);
  return {
    ...size,
    alreadyThere: existing !== null,
    commands: total,
    recorded: tally.recorded,
    events: tally.events,
    alreadyRecorded: tally.alreadyRecorded,
    refused: tally.refused,
    refusedByCode: tally.byCode,
    firstRefusals: tally.first,
    knownAt: knownAt === null ? null : chinaSecond(knownAt),
    areaId: DEMO_DISTRICT,
    exampleAreas: [DEMO_DISTRICT, subdistricts[2] ?? DEMO_DISTRICT, facts.subdistricts[2]?.communities[0]?.areaId ?? DEMO_DISTRICT],
    campaignIds,
    withoutCeremony,
    lastPosition: tally.last.toString(),
    seconds: (Date.now() - started) / 1000,
  };
}

type Tally = { recorded: number; events: number; alreadyRecorded: number; refused: number; byCode: Record<string, number>; first: Refusal[]; last: bigint };

function count(tally: Tally, command: GeneratedCommand & { commandId: string }, answer: any, head: bigint): void {
  if (answer?.ok) {
    const positions: bigint[] = (answer.events ?? []).map((e: { position: string }) => BigInt(e.position));
    for (const p of positions) if (p > tally.last) tally.last = p;
    if (positions.length > 0 && positions.every((p) => p <= head)) tally.alreadyRecorded++;
    else {
      tally.recorded++;
      tally.events += positions.filter((p) => p > head).length;
    }
    return;
  }
  const error = String(answer?.error ?? 'NO_ANSWER');
  tally.refused++;
  tally.byCode[error] = (tally.byCode[error] ?? 0) + 1;
  if (tally.first.length < 10) tally.first.push({ commandId: command.commandId, type: command.type, error, message: blankIds(String(answer?.message ?? '')) });
}

/** Sends one array; CONCURRENCY_CONFLICT answers (others writing the same streams) are sent again, a few times. */
async function submit(client: EngineClient, batch: GeneratedCommand[]): Promise<any[]> {
  const answers = await post(client, batch);
  for (let attempt = 0; attempt < 5; attempt++) {
    const again = answers.flatMap((a, i) => (a?.ok === false && a.error === 'CONCURRENCY_CONFLICT' ? [i] : []));
    if (again.length === 0) break;
    await sleep(200 * (attempt + 1));
    const retried = await post(client, again.map((i) => batch[i]!));
    again.forEach((i, k) => (answers[i] = retried[k]));
  }
  return answers;
}

async function post(client: EngineClient, batch: GeneratedCommand[]): Promise<any[]> {
  const answer = await client.post('/api/commands', batch);
  if (answer.status !== 200 || !Array.isArray(answer.body) || answer.body.length !== batch.length) {
    throw new Error(`POST /api/commands answered HTTP ${answer.status} ${describe(answer.body)}`);
  }
  return answer.body;
}

async function chainHead(client: EngineClient): Promise<{ headPosition: string; recordedAt: string | null }> {
  const answer = await client.get('/api/chain');
  if (answer.status !== 200) throw new Error(`GET /api/chain answered HTTP ${answer.status} ${describe(answer.body)}`);
  return answer.body;
}

/** A millisecond before the event the command recorded on the stream (enterprise or member), as ISO 8601. */
async function instantBefore(client: EngineClient, streamId: string, commandId: string, today: string): Promise<string | null> {
  const route = streamId.startsWith('enterprise-') ? `enterprises/${encodeURIComponent(streamId.slice(11))}` : streamId.startsWith('member-') ? `members/${encodeURIComponent(streamId.slice(7))}` : undefined;
  if (!route) return null;
  const answer = await client.get(`/api/${route}/history?asOf=${today}`);
  const event = (answer.body?.events ?? []).find((e: { commandId?: string }) => e.commandId === commandId);
  return event ? new Date(Date.parse(event.recordedAt) - 1).toISOString() : null;
}

/** Waits until the read models have applied the log up to `position` (the queries' freshness). */
async function caughtUp(client: EngineClient, position: bigint, seconds: number): Promise<void> {
  const until = Date.now() + seconds * 1000;
  for (;;) {
    const answer = await client.get(`/api/areas?areaId=${DEMO_DISTRICT}&position=${position}`);
    const freshness = answer.body?.freshness;
    if (answer.status === 200 && freshness?.caughtUp && BigInt(freshness.position) >= position) return;
    if (Date.now() > until) throw new Error(`the read models had not caught up with position ${position} after ${seconds} s (HTTP ${answer.status} ${describe(answer.body)})`);
    await sleep(500);
  }
}

/** An instant as China's wall-clock time to the second (truncated), without a zone: 2026-12-01T02:41:54. */
export function chinaSecond(iso: string): string {
  return new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 19);
}

/** Anything shaped like an identity number (whole or masked) is blanked: refusals are printed on a terminal. */
export function blankIds(message: string): string {
  return message.replace(/\d{6}[\d*]{8,11}[\dXx*]/g, '[identity number]');
}

function describe(body: unknown): string {
  if (body && typeof body === 'object' && 'error' in body) {
    const { error, message } = body as { error: unknown; message?: unknown };
    return `${String(error)}: ${blankIds(String(message ?? ''))}`;
  }
  return typeof body === 'string' ? blankIds(body.slice(0, 200)) : '';
}
