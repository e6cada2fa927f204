// The boundaries of shared/STYLE.md, checked by `npm test` (npm run deps:check).
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'protocol-imports-nothing-of-ours',
      comment: 'protocol holds wire schemas only; it may not import another package of ours.',
      severity: 'error',
      from: { path: '^packages/protocol/' },
      to: { path: '^packages/(server|web|sdk|sandbox-bank)/' },
    },
    {
      name: 'clients-never-import-server',
      comment: 'web, sdk and sandbox-bank talk to the server over HTTP like anyone else. (Browser tests in web/e2e start a server in-process.)',
      severity: 'error',
      from: { path: '^packages/(web|sdk|sandbox-bank)/', pathNot: '^packages/web/e2e/' },
      to: { path: '^packages/server/' },
    },
    {
      name: 'domains-import-each-other-through-index',
      comment: 'A domain module may import only the index.ts of another domain.',
      severity: 'error',
      from: { path: '^packages/server/src/([^/]+)/' },
      to: {
        path: '^packages/server/src/([^/]+)/(?!index\\.ts$)',
        pathNot: ['^packages/server/src/$1/', '^packages/server/src/platform/'],
      },
    },
    {
      name: 'platform-depends-on-no-domain',
      comment: 'Dependencies point one way: platform <- domains <- routes.',
      severity: 'error',
      from: { path: '^packages/server/src/platform/' },
      to: { path: '^packages/server/src/(?!platform/)[^/]+/' },
    },
    {
      name: 'sql-only-in-repositories',
      comment: 'Services and routes do not touch the database driver or build queries themselves.',
      severity: 'error',
      from: { path: '\\.(service|routes)\\.ts$' },
      to: { path: '^node_modules/(kysely|pg|better-sqlite3)/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(node_modules|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js', '.mjs'] },
  },
};
