export * from './command-messages.js';
export * from './command-handlers.js';
export * from './command-service.js';
export * from './commands.module.js';
