import type { Command } from 'commander';
import { requestTokens, type ChannelRequest, type TokenView } from '#access';
import { loadConfig } from '#persistence';
import { cliOperator } from '../operator.js';

/**
 * `token issue | list | revoke` (docs/access.md). On PostgreSQL, or when no
 * API holds the embedded store, the CLI opens the store itself; while the
 * API runs on the embedded store (DATA_DIR), the request goes to it through
 * its local channel. Either way it is recorded as the CLI operator's.
 */
export function registerTokenCommands(program: Command): void {
  const token = program.command('token').description('API tokens: issue, list, revoke (docs/access.md)');
  token
    .command('issue')
    .description('issue a token; its secret is printed once, on the last line')
    .requiredOption('--role <role>', 'admin | federation | campaign | auditor | viewer')
    .option('--area <areaId>', 'the area the token is confined to (all but admin)')
    .option('--name <holder>', 'who holds it, as the records will show it')
    .option('--expires <days>', 'days until it expires (default 90)', (v) => (/^\d+$/.test(v) ? Number(v) : Number.NaN))
    .action(async (opts: { role: string; area?: string; name?: string; expires?: number }) => {
      const request = { role: opts.role, areaId: opts.area ?? null, holder: opts.name ?? null, ...(opts.expires === undefined ? {} : { expiresInDays: opts.expires }) };
      const issued = (await run({ action: 'issue', operator: operatorName(), request })) as TokenView & { token: string };
      console.log(`token ${issued.tokenId}: ${issued.role}${issued.areaId ? ` in ${issued.areaId}` : ''}, held by ${issued.holder}, expires ${issued.expiresAt}`);
      console.error('the token is shown only now: keep it secret (it is stored as a hash)');
      console.log(issued.token);
    });
  token
    .command('list')
    .description('every token: id, role, area, holder, status (never a secret)')
    .option('--json', 'as JSON')
    .action(async (opts: { json?: boolean }) => {
      const tokens = (await run({ action: 'list', operator: operatorName() })) as TokenView[];
      if (opts.json) return console.log(JSON.stringify(tokens, null, 2));
      for (const t of tokens) {
        console.log([t.tokenId, t.status.padEnd(7), t.role.padEnd(10), (t.areaId ?? '*').padEnd(12), t.holder, `expires ${t.expiresAt.slice(0, 10)}`].join('  '));
      }
      if (tokens.length === 0) console.log('no tokens');
    });
  token
    .command('revoke')
    .description('revoke a token: refused from the next request on')
    .argument('<tokenId>', 'the token id (token list shows them)')
    .option('--reason <text>', 'why, for the record')
    .action(async (tokenId: string, opts: { reason?: string }) => {
      const revoked = (await run({ action: 'revoke', operator: operatorName(), tokenId, ...(opts.reason ? { reason: opts.reason } : {}) })) as TokenView;
      console.log(`token ${revoked.tokenId}: ${revoked.status} (since ${revoked.revokedAt})`);
    });
}

/** Through the running server's channel when it holds the embedded store, else on the store directly. */
async function run(body: ChannelRequest): Promise<unknown> {
  const answer = await requestTokens(loadConfig(), body, cliOperator());
  if (!answer.ok) throw new Error(`${answer.error}: ${answer.message}`);
  return answer.value;
}

const operatorName = (): string => cliOperator().holder.replace(/^operator:/, '');
