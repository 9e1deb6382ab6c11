/**
 * Jest compiles TypeScript (ours and the ESM-only packages in node_modules)
 * to CommonJS with SWC; see ../shared/STACK-NOTES.md for why not ts-jest.
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  transform: {
    '^.+\\.(t|j|mj|cj)s$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  // Everything is compiled (ESM-only packages included), but CommonJS code generated for protobuf: SWC's
  // strict-mode wrapping breaks google-protobuf's global detection (`self is not defined`).
  transformIgnorePatterns: ['/node_modules/(google-protobuf|@grpc|@kurrent|@eventstore|protobufjs)/'],
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
    // The libs' public entries (package.json "imports"), from their sources.
    '^#([a-z-]+)$': '<rootDir>/libs/$1/src/index.ts',
    '^#([a-z-]+)/nest$': '<rootDir>/libs/$1/src/nest/index.ts',
  },
  globalSetup: '<rootDir>/test/global-setup.cjs',
  testTimeout: 60000,
  maxWorkers: 2,
  verbose: true,
};
