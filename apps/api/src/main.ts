import { Logger } from '@nestjs/common';
import { loadConfig } from '#persistence';
import { createApi } from './bootstrap.js';
import { stopGracefully } from './shutdown.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApi(config);
  await app.listen(config.port, config.host);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void stopGracefully(app, signal));
  new Logger('Api').log(`listening on http://${config.host}:${config.port}/api (health: /api/health)`);
}

main().catch((error: unknown) => {
  console.error(`failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
