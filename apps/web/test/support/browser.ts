import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/**
 * The dashboard's browser tests run in a real headless Chromium (Debian's
 * package, driven by playwright-core; no browser download). Without one,
 * a developer's run skips them and says why; CI (CI=true, or
 * REQUIRE_BROWSER=1 as .ci/run sets) fails instead.
 */
export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const browserAvailable = existsSync(CHROMIUM_PATH);
export const browserRequired = ['true', '1'].includes(process.env['CI'] ?? '') || process.env['REQUIRE_BROWSER'] === '1';

/** `describe` for browser suites: skipped with the reason in its title when there is no Chromium, failing when one is required. */
export function describeBrowser(title: string, fn: () => void): void {
  if (browserAvailable) describe(title, fn);
  else if (browserRequired) {
    describe(title, () => {
      it('has a Chromium to run in', () => {
        throw new Error(`no Chromium at ${CHROMIUM_PATH} (CI or REQUIRE_BROWSER=1: the browser tests must run). Install it: apt-get install -y chromium`);
      });
    });
  } else describe.skip(`${title} [browser SKIPPED: no Chromium at ${CHROMIUM_PATH}; apt-get install chromium, or set CHROMIUM_PATH]`, fn);
}

/**
 * The API under test serves a copy of the built dashboard (dist/web, which
 * `npm test` builds before jest), taken now: a build running meanwhile (in
 * another terminal) cannot swap the assets under the browser. Returns the undo.
 */
export function useBuiltDashboard(): () => void {
  const built = join(process.cwd(), 'dist', 'web');
  if (!existsSync(join(built, 'index.html'))) throw new Error(`the dashboard is not built (no ${built}/index.html): run npm run build first (npm test does)`);
  const copy = mkdtempSync(join(tmpdir(), 'uce-web-'));
  cpSync(built, copy, { recursive: true });
  const before = process.env['DASHBOARD_DIR'];
  process.env['DASHBOARD_DIR'] = copy;
  return () => {
    if (before === undefined) delete process.env['DASHBOARD_DIR'];
    else process.env['DASHBOARD_DIR'] = before;
    rmSync(copy, { recursive: true, force: true });
  };
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS });
}

export const DESKTOP = { width: 1280, height: 800 } as const;
export const PHONE = { width: 375, height: 812 } as const;

export interface WatchedPage {
  readonly page: Page;
  readonly context: BrowserContext;
  /**
   * What went wrong in the page so far: console errors, uncaught errors,
   * answers with status ≥ 500; those matching `allowed` (an expected refusal
   * the browser logs) left out.
   */
  problems(allowed?: readonly RegExp[]): string[];
  close(): Promise<void>;
}

/** A fresh context (its own sessionStorage and localStorage) and page on the dashboard at `baseUrl`, watched for errors. */
export async function openPage(browser: Browser, baseUrl: string, viewport: { width: number; height: number } = DESKTOP): Promise<WatchedPage> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const seen: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') seen.push(`console: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => seen.push(`page error: ${error.message}`));
  page.on('response', (response) => {
    if (response.status() >= 500) seen.push(`HTTP ${response.status()}: ${response.request().method()} ${response.url()}`);
  });
  return {
    page,
    context,
    problems: (allowed = []) => seen.filter((p) => !allowed.some((a) => a.test(p))),
    close: () => context.close(),
  };
}

export interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  nodes: string[];
}

const AXE = join(process.cwd(), 'node_modules', 'axe-core', 'axe.min.js');
let axeSource: string | undefined;

/** axe-core on the page as it stands: its violations of impact serious or critical (rule, help, the first few elements). */
export async function axeCheck(page: Page): Promise<AxeViolation[]> {
  // Evaluated by the test's driver, not as a <script> tag: the dashboard's Content Security Policy rightly refuses inline scripts.
  if (!(await page.evaluate('typeof window.axe !== "undefined"'))) await page.evaluate((axeSource ??= readFileSync(AXE, 'utf8')) + '\n;0');
  // A string, not a function: the test's code is compiled for Node, the page runs it as written.
  return (await page.evaluate(`
    window.axe.run(document, { resultTypes: ['violations'] }).then((result) =>
      result.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) })))
  `)) as AxeViolation[];
}

/**
 * Where screenshots go: docs/screenshots with DASHBOARD_SCREENSHOTS=1 (to
 * refresh the docs' pictures); otherwise the system's temporary folder's
 * uce-dashboard-screenshots, overwritten by each run (a test run leaves the
 * tree as it was; the last run's pictures are there to look at).
 */
export function screenshotDir(): string {
  const dir = process.env['DASHBOARD_SCREENSHOTS'] === '1' ? join(process.cwd(), 'docs', 'screenshots') : join(tmpdir(), 'uce-dashboard-screenshots');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** A PNG of the page's viewport (1280×800; `phone`: 375×812) as `name`.png; the viewport is put back afterwards. */
export async function screenshot(page: Page, name: string, options: { phone?: boolean } = {}): Promise<string> {
  const before = page.viewportSize();
  const size = options.phone ? PHONE : DESKTOP;
  if (before?.width !== size.width || before.height !== size.height) await page.setViewportSize(size);
  const path = join(screenshotDir(), `${name}.png`);
  // Charts redraw on resize; let them settle.
  await page.waitForTimeout(before?.width !== size.width ? 300 : 50);
  await page.screenshot({ path, animations: 'disabled' });
  if (before && (before.width !== size.width || before.height !== size.height)) await page.setViewportSize(before);
  return path;
}

/** Waits until the element's text is `expected` (or, `contains`, holds it); fails with the text it shows instead (or that it never appeared). */
export async function expectText(page: Page, selector: string, expected: string, options: { contains?: boolean; timeoutMs?: number } = {}): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const matches = (text: string | null) => (options.contains ? text !== null && text.includes(expected) : text === expected);
  const deadline = Date.now() + timeoutMs;
  let actual: string | null = null;
  for (;;) {
    actual = await page
      .locator(selector)
      .first()
      .textContent({ timeout: 250 })
      .then((t) => t?.trim() ?? null, () => null);
    if (matches(actual) || Date.now() > deadline) break;
    await page.waitForTimeout(50);
  }
  if (options.contains) expect({ selector, text: actual }).toEqual({ selector, text: expect.stringContaining(expected) });
  else expect({ selector, text: actual }).toEqual({ selector, text: expected });
}

/** Logs in through the login form with `token`; resolves once the navigation (the signed-in layout) shows. */
export async function logIn(page: Page, token: string, path = '/'): Promise<void> {
  await page.goto(path);
  await page.locator('input#token').fill(token);
  await page.locator('form button[type="submit"]').click();
  await page.locator('header nav.pages').waitFor();
}

/** Waits until every chart on the page has drawn (a canvas inside each figure.chart). */
export async function chartsDrawn(page: Page, timeoutMs = 15_000): Promise<void> {
  // A function, not a string: a string predicate is eval'd in the page, which the dashboard's Content Security Policy refuses.
  await page.waitForFunction(
    () => {
      const charts = Array.from((globalThis as any).document.querySelectorAll('figure.chart')) as any[];
      return charts.length > 0 && charts.every((c) => c.querySelector('canvas') !== null);
    },
    undefined,
    { timeout: timeoutMs },
  );
}

/** Waits until the page's language (`<html lang>`) is `lang`. */
export async function pageLanguage(page: Page, lang: string): Promise<void> {
  await page.waitForFunction((wanted) => (globalThis as any).document.documentElement.lang === wanted, lang);
}
