import 'reflect-metadata';
import { Command } from 'commander';
import { registerAnchorCommands } from './commands/anchor.commands.js';
import { registerGenerateCommand } from './commands/generate.command.js';
import { registerHistoryCommand } from './commands/history.command.js';
import { registerImportCommand } from './commands/import.command.js';
import { registerProjectionCommands } from './commands/projection.commands.js';
import { registerStoreCommands } from './commands/store.commands.js';
import { registerTokenCommands } from './commands/token.commands.js';
import { registerPersonalDataCommands } from './commands/personal-data.commands.js';

const program = new Command()
  .name('npm run cli --')
  .description('Union coverage engine: command-line tools (store chosen by DATABASE_URL, else DATA_DIR)')
  .showHelpAfterError();

registerStoreCommands(program);
registerImportCommand(program);
registerGenerateCommand(program);
registerProjectionCommands(program);
registerHistoryCommand(program);
registerTokenCommands(program);
registerAnchorCommands(program);
registerPersonalDataCommands(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
