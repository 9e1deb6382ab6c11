/**
 * The project's dependency rules, checked by `npm test` (npm run deps).
 * docs/architecture.md explains them; a rule that fails names the import.
 */
const PUBLIC_ENTRY = '^libs/[^/]+/src/(nest/)?index\\.ts$';
const TESTS = '(^test/|/test/|\\.spec\\.ts$)';

module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'A module must not reach itself through its imports: cycles make load order and ownership unclear.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'libs/domain holds the rules: it imports nothing of ours and no package (no framework, no database, no clock).',
      from: { path: '^libs/domain/src/' },
      to: { pathNot: ['^libs/domain/src/'] },
    },
    {
      name: 'nest-only-in-nest-folders',
      severity: 'error',
      comment: 'Libraries are framework-free; their Nest modules live in a nest/ folder with its own entry (#lib/nest).',
      from: { path: '^libs/', pathNot: ['^libs/[^/]+/src/nest/', TESTS] },
      to: { path: 'node_modules/@nestjs/' },
    },
    {
      name: 'framework-free-code-loads-no-nest-folder',
      severity: 'error',
      comment: 'With nest-only-in-nest-folders, this keeps Nest out of everything a lib loads outside its nest/ folder (the policies, the CLI tools).',
      from: { path: '^libs/', pathNot: ['^libs/[^/]+/src/nest/', TESTS] },
      to: { path: '^libs/[^/]+/src/nest/' },
    },
    {
      name: 'libs-through-public-entries',
      severity: 'error',
      comment: "A lib reaches another lib only through its public entry (#lib or #lib/nest), never its files.",
      from: { path: '^libs/([^/]+)/', pathNot: [TESTS] },
      to: { path: '^libs/[^/]+/src/', pathNot: ['^libs/$1/', PUBLIC_ENTRY] },
    },
    {
      name: 'tests-through-public-entries',
      severity: 'error',
      comment: "A lib's tests reach other libs through their entries too (the list of migrations aside: upgrade tests replay it).",
      from: { path: '^libs/([^/]+)/test/' },
      to: { path: '^libs/[^/]+/src/', pathNot: ['^libs/$1/', PUBLIC_ENTRY, '^libs/persistence/src/migrations/index\\.ts$'] },
    },
    {
      name: 'apps-through-public-entries',
      severity: 'error',
      comment: 'Apps and scripts reach libs only through their public entries (#lib or #lib/nest).',
      from: { path: '^(apps|scripts|test)/' },
      to: { path: '^libs/[^/]+/src/', pathNot: [PUBLIC_ENTRY] },
    },
    {
      name: 'libs-do-not-import-apps',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^(apps|scripts)/' },
    },
    {
      name: 'migrations-only-by-the-migrator',
      severity: 'error',
      comment: 'Migrations move a database from one version to the next; application code uses the current definitions in libs/persistence/src/schema.',
      from: { pathNot: ['^libs/persistence/src/(migrate\\.ts|migrations/)', TESTS] },
      to: { path: '^libs/persistence/src/migrations/' },
    },
    {
      name: 'migrations-import-no-application-code',
      severity: 'error',
      comment: 'A migration is frozen once shipped: it must not change when application code does.',
      from: { path: '^libs/persistence/src/migrations/' },
      to: { path: '^(libs|apps)/', pathNot: ['^libs/persistence/src/migrations/'] },
    },
    {
      name: 'dashboard-knows-only-the-api',
      severity: 'error',
      comment: "The dashboard (apps/web/src) knows the engine only through its HTTP API: it imports nothing of the libs, the API or the CLI.",
      from: { path: '^apps/web/src/' },
      to: { path: '^(libs|apps/(api|cli)|scripts)/' },
    },
    {
      name: 'nothing-imports-the-dashboard',
      severity: 'error',
      comment: 'The dashboard is a browser bundle: server code and tests reach it over HTTP, never by import.',
      from: { pathNot: ['^apps/web/src/'] },
      to: { path: '^apps/web/src/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      // The libs' public entries are package.json "imports" (#domain…), resolved to their sources.
      conditionNames: ['source', 'import', 'require', 'node', 'default'],
      exportsFields: ['exports'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'],
      mainFields: ['module', 'main', 'types'],
    },
  },
};
