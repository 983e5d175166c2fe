/**
 * The import graph's rules (`npm run lint`). Layers, inner to outer:
 *   functions/shared          plumbing: HTTP pipeline, problems, paging, clock, outbox, table helpers
 *   functions/<capability>    domain (model, rules, use cases) at the folder's root; edge in http/;
 *                             store ports and adapters in store/; assembly in function.ts; Lambda
 *                             entries in *entry.ts
 *   bin/, lib/                the local runtime and the CDK app (they put the functions together)
 *   test/, bench/             outermost
 * Nothing inner imports something outer, and there are no cycles.
 */
const CAPABILITIES =
  '(tickets|sla|groups|changes|email|attachments|admin|public|seed|cmdb|search|alerts|catalog|problems|reports|csat|projections)';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle means two modules are one; split what they share into a third.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'shared-is-innermost',
      severity: 'error',
      comment: 'functions/shared is plumbing every capability uses; it knows no capability.',
      from: { path: '^functions/shared/' },
      to: { path: `^functions/${CAPABILITIES}/` },
    },
    {
      name: 'functions-never-import-outer-layers',
      severity: 'error',
      comment: 'Lambda code never reaches into the local runtime, the CDK app, tests or benchmarks.',
      from: { path: '^functions/' },
      to: { path: '^(bin|lib|test|bench)/' },
    },
    {
      name: 'domain-knows-no-edge-or-adapter',
      severity: 'error',
      comment:
        'Model, rules and use cases (a capability folder root) use ports, never the HTTP edge, an adapter, an assembly or an entry.',
      from: {
        path: `^functions/${CAPABILITIES}/[^/]+[.]ts$`,
        pathNot:
          '(function|entry|wiring|aws-wiring|handler|-handler|notifier-wiring)[.]ts$|[.](entry|function)[.]ts$',
      },
      to: {
        path: [
          `^functions/${CAPABILITIES}/http/`,
          '[.]entry[.]ts$',
          '/entry[.]ts$',
          '/function[.]ts$',
          '[.]function[.]ts$',
          'store/(dynamodb|s3|local|cached|snapshot|known)-',
        ],
      },
    },
    {
      name: 'domain-uses-no-aws-sdk',
      severity: 'error',
      comment: 'AWS clients belong in adapters and assemblies; the domain is testable without them.',
      from: {
        path: `^functions/${CAPABILITIES}/[^/]+[.]ts$`,
        pathNot:
          '(function|entry|wiring|aws-wiring|handler|-handler|notifier-wiring)[.]ts$|[.](entry|function)[.]ts$',
      },
      to: { path: '@aws-sdk/' },
    },
    {
      name: 'nothing-imports-an-entry',
      severity: 'error',
      comment: 'An entry runs its side effects at import (parses the environment, builds AWS clients).',
      from: {},
      to: { path: ['/entry[.]ts$', '[.]entry[.]ts$'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|cdk[.]out)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
    moduleSystems: ['es6', 'cjs'],
  },
};
