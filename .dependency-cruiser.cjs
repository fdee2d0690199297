// The layering rules (npm run check:layers, run by .ci/run). Every import points down:
//   server/ (api, feeds, pages → shared, middleware)   admin/
//                         \                          /
//                      auth/  config/  (shared by both)
//                               |
//                            models/  db/
//                               |
//                           actstream/  (the library, a workspace package: Sequelize only;
//                                        its AdminJS feature in actstream/adminjs/)
// App folders import the library by its package name ('actstream', 'actstream/adminjs'), as an app
// that installed it would: never a file inside it.
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
      name: 'actstream-core-knows-no-adminjs',
      comment: "Only actstream/adminjs/ (the 'actstream/adminjs' entry point) uses AdminJS; the main entry point needs no AdminJS or Express.",
      severity: 'error',
      from: { path: '^actstream/', pathNot: '^actstream/adminjs/' },
      to: { path: ['^actstream/adminjs/', 'node_modules/(adminjs|@adminjs/|express)'] },
    },
    {
      name: 'apps-use-the-package-entry-points',
      comment: "App folders import 'actstream' and 'actstream/adminjs' (and its shipped migrations), never a file inside the package.",
      severity: 'error',
      from: { path: '^(admin|auth|bench|config|db|models|scripts|server|migrations)/' },
      to: { path: '^actstream/', pathNot: '^actstream/(index\\.ts|adminjs/index\\.ts|migrations/[^/]+\\.cjs)$' },
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
    // npm packages stay in the graph as leaves (doNotFollow), so rules can name them.
    exclude: { path: ['^(dist|\\.adminjs)/', '^actstream/dist/', '^test/package/second-app/node_modules/', '\\.tsx$'] },
    tsPreCompilationDeps: true,
    parser: 'swc',
    moduleSystems: ['es6', 'cjs'],
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js', '.cjs', '.json'] },
  },
};
