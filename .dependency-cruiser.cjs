// The layering rules (npm run check:layers, run by .ci/run). Every import points down:
//   server/ (api, feeds, pages → shared, middleware)   admin/
//                         \                          /
//                      auth/  config/  (shared by both)
//                               |
//                            models/  db/
//                               |
//                           actstream/  (the library: Sequelize only)
const APP = '^(admin|auth|bench|config|db|models|scripts|server|test)/';

module.exports = {
  forbidden: [
    // A cycle through type-only imports costs nothing at run time.
    { name: 'no-module-cycles', severity: 'error', from: {}, to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } } },
    { name: 'no-folder-cycles', severity: 'error', scope: 'folder', from: {}, to: { circular: true } },
    {
      name: 'actstream-is-a-library',
      comment: 'actstream/ imports no app folder.',
      severity: 'error',
      from: { path: '^actstream/' },
      to: { path: APP },
    },
    {
      name: 'admin-never-imports-server',
      comment: 'What the admin and the HTTP side both need lives in auth/ or config/.',
      severity: 'error',
      from: { path: '^admin/' },
      to: { path: '^server/' },
    },
    {
      name: 'shared-folders-stay-below-the-apps',
      severity: 'error',
      from: { path: '^(auth|config|models|db)/' },
      to: { path: '^(admin|server|scripts|bench|test)/' },
    },
    {
      name: 'models-below-auth',
      severity: 'error',
      from: { path: '^(models|db)/' },
      to: { path: '^(auth/|config/server)' },
    },
    {
      name: 'server-shared-and-middleware-are-below-the-routers',
      severity: 'error',
      from: { path: '^server/(shared|middleware)/' },
      to: { path: '^server/(api|feeds|pages)/' },
    },
    {
      name: 'live-events-below-the-routers',
      comment: 'server/events (the live streams hub) is used by the API and the app, never the other way.',
      severity: 'error',
      from: { path: '^server/events/' },
      to: { path: '^server/(api|feeds|pages)/' },
    },
    {
      name: 'routers-do-not-import-each-other',
      severity: 'error',
      from: { path: '^server/(api|feeds|pages)/' },
      to: { path: '^server/(api|feeds|pages)/', pathNot: '^server/$1/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // The admin's React components import only libraries (and swc here does not parse TSX).
    exclude: { path: ['^(node_modules|dist|\\.adminjs)/', '\\.tsx$'] },
    tsPreCompilationDeps: true,
    parser: 'swc',
    moduleSystems: ['es6', 'cjs'],
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js', '.cjs', '.json'] },
  },
};
