import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { anchorPrivateKey, anchorProblem, anchorPublicKey, chainHead, newAnchorKeyPair, signAnchor, type SignedAnchor } from '#event-store';
import { withStore } from '../store-session.js';

/**
 * Anchors outside the database (docs/audit.md): `anchor-key` makes the
 * Ed25519 key, `anchor` signs the current head into an anchor file, and
 * `verify --anchors FILE` (store.commands.ts) checks them with `trustedAnchors`.
 */
export function registerAnchorCommands(program: Command): void {
  program
    .command('anchor-key')
    .description('make an Ed25519 key for signing anchors: the private key into FILE (mode 0600), the public key printed for auditors')
    .requiredOption('--out <file>', 'where to write the private key (PEM); an existing file is never overwritten')
    .action((opts: { out: string }) => {
      const { privateKeyPem, publicKeyPem } = newAnchorKeyPair();
      writeFileSync(opts.out, privateKeyPem, { mode: 0o600, flag: 'wx' });
      console.error(`private key written to ${opts.out}: set ANCHOR_KEY_FILE=${opts.out}; keep it off the database server`);
      console.error('public key (give it to the auditors; verify --public-key takes it):');
      console.log(publicKeyPem.trim());
    });

  program
    .command('anchor')
    .description("sign the log's current head (position and hash) with ANCHOR_KEY_FILE's key, append it to the anchor file and print it")
    .option('--file <file>', 'the anchor file (JSON lines; default ANCHOR_FILE, else ./anchors.ndjson)')
    .action(async (opts: { file?: string }) => {
      const key = anchorPrivateKey(readKeyFile('ANCHOR_KEY_FILE', process.env['ANCHOR_KEY_FILE']));
      const file = opts.file ?? (process.env['ANCHOR_FILE']?.trim() || 'anchors.ndjson');
      const anchor = await withStore(async ({ database }) => signAnchor(await chainHead(database.db), key), { quiet: true });
      appendFileSync(file, `${JSON.stringify(anchor)}\n`);
      console.error(`anchor appended to ${file}`);
      console.log(JSON.stringify(anchor));
    });
}

/**
 * The anchors of a file, each checked against the trusted public key (the
 * `--public-key` file, else ANCHOR_KEY_FILE's): position → hash, with where
 * each came from. Any line that cannot be trusted is an error naming it. A
 * reseal statement (a migration chained the log again) replaces the anchors
 * before it up to its position, which it vouches for (`superseded`).
 */
export function trustedAnchors(file: string, publicKeyFile: string | undefined): { hashes: Map<string, string>; origin: Map<string, string>; superseded: number } {
  const trusted = anchorPublicKey(publicKeyFile ? readKeyFile('--public-key', publicKeyFile) : readKeyFile('ANCHOR_KEY_FILE (or --public-key)', process.env['ANCHOR_KEY_FILE']));
  const hashes = new Map<string, string>();
  const origin = new Map<string, string>();
  let superseded = 0;
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (line.trim() === '') return;
      let anchor: SignedAnchor;
      try {
        anchor = JSON.parse(line) as SignedAnchor;
      } catch {
        throw new Error(`${file} line ${i + 1}: not JSON`);
      }
      const problem = anchorProblem(anchor, trusted);
      if (problem) throw new Error(`${file} line ${i + 1}: ${problem}`);
      const earlier = hashes.get(anchor.position);
      if (anchor.previousHash !== undefined) {
        // A reseal statement: the anchors before it, up to its position, anchored the log it migrated.
        if (earlier !== undefined && earlier !== anchor.previousHash) throw new Error(`${file} line ${i + 1}: the reseal at position ${anchor.position} links a hash that no earlier anchor gave it`);
        for (const position of [...hashes.keys()]) {
          if (BigInt(position) > BigInt(anchor.position)) continue;
          hashes.delete(position);
          origin.delete(position);
          superseded++;
        }
      } else if (earlier !== undefined && earlier !== anchor.hash) {
        throw new Error(`${file} line ${i + 1}: another anchor gives position ${anchor.position} another hash`);
      }
      hashes.set(anchor.position, anchor.hash);
      if (!origin.has(anchor.position)) origin.set(anchor.position, `${file} line ${i + 1}, signed at ${anchor.signedAt}`);
    });
  return { hashes, origin, superseded };
}

export function readKeyFile(name: string, path: string | undefined): string {
  if (!path?.trim()) throw new Error(`${name} is not set: the path of the anchor key (npm run cli -- anchor-key --out FILE makes one)`);
  try {
    return readFileSync(path.trim(), 'utf8');
  } catch {
    throw new Error(`${name}: cannot read "${path}"`);
  }
}
