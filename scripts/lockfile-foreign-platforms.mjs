#!/usr/bin/env node
/**
 * Adds lock-file entries for other platforms' optional native packages
 * (e.g. @swc/core-darwin-arm64) that `npm install` leaves out when the
 * registry it uses does not serve them. Without those entries `npm ci` on a
 * clean clone refuses the lock as "out of sync". The entries carry only the
 * version and the platform (os/cpu/libc, from the package's name), so npm ci
 * skips them on this platform without fetching anything.
 *
 * Run after every `npm install` that changes package-lock.json:
 *   node scripts/lockfile-foreign-platforms.mjs
 */
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
const packages = lock.packages;

const OS = ['darwin', 'win32', 'linux', 'android', 'freebsd', 'openharmony', 'sunos', 'aix'];
const CPU = [
  ['arm64', 'arm64'], ['aarch64', 'arm64'], ['x64', 'x64'], ['ia32', 'ia32'], ['arm-', 'arm'], ['armv7', 'arm'],
  ['ppc64', 'ppc64'], ['s390x', 's390x'], ['riscv64', 'riscv64'], ['loong64', 'loong64'], ['wasm32', 'wasm32'],
];

/** Optional native packages whose names do not say their platform (Vite's, for Windows). */
const KNOWN = { 'napi-windows-process-start-time': { os: ['win32'] } };

function platformOf(name) {
  if (KNOWN[name]) return KNOWN[name];
  const base = name.split('/').pop();
  const os = OS.find((o) => base.includes(`-${o}-`) || base.endsWith(`-${o}`));
  const cpu = CPU.find(([needle]) => base.includes(needle))?.[1];
  if (!os || !cpu) return undefined;
  const entry = { os: [os], cpu: [cpu] };
  if (os === 'linux') {
    if (base.includes('musl')) entry.libc = ['musl'];
    else if (base.includes('gnu')) entry.libc = ['glibc'];
  }
  return entry;
}

let added = 0;
for (const [path, meta] of Object.entries(packages)) {
  for (const [dep, range] of Object.entries(meta.optionalDependencies ?? {})) {
    const installPath = `node_modules/${dep}`;
    const nested = `${path}/node_modules/${dep}`;
    if (packages[installPath] || packages[nested]) continue;
    const platform = platformOf(dep);
    if (!platform) {
      console.warn(`left out ${dep}: no platform in its name`);
      continue;
    }
    packages[installPath] = {
      version: range.replace(/^[\^~=]/, ''),
      ...platform,
      ...(meta.dev ? { dev: true } : {}),
      optional: true,
    };
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : 1)));
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`package-lock.json: ${added} foreign-platform entries added`);
