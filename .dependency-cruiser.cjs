/**
 * The toolchain's stages depend on each other one way only (ARCHITECTURE.md, "Folders and what they
 * own"): a folder may import folders on its own level or below, never above. `npm run depcheck`
 * runs these rules in `make test`.
 *
 * Type-only imports are erased when TypeScript runs, so they are exempt from the layers and from the
 * cycle check: the IR assembles its op union from the operator families' declarations that way.
 */
const LEVELS = [
  ['support'],
  ['formats', 'cgen'],
  ['ir', 'arith', 'kernels', 'io', 'targets'],
  ['ops'],
  ['validate'],
  ['import', 'passes', 'lower', 'plan'],
  ['sim'],
  ['quantize', 'codegen'],
  ['toolchain'],
  ['conformance', 'verify'],
  ['report', 'train', 'data'],
  ['pipeline', 'fuzz'],
  ['cli'],
];

const above = (level) => LEVELS.slice(level + 1).flat();

const layerRules = LEVELS.flatMap((folders, level) =>
  level === LEVELS.length - 1
    ? []
    : [
        {
          name: `layer-${folders.join('-')}`,
          comment: `src/{${folders.join(',')}} may not import the stages above it (${above(level).join(', ')})`,
          severity: 'error',
          from: { path: `^src/(${folders.join('|')})/` },
          to: { path: `^src/(${above(level).join('|')})/`, dependencyTypesNot: ['type-only'] },
        },
      ],
);

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'no import cycle between files (type-only imports are erased at run time)',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'src-not-to-index',
      comment: 'src/index.ts is the package entry: nothing inside src imports it',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^src/index\\.ts$' },
    },
    {
      name: 'src-not-to-tests',
      comment: 'the toolchain never imports its tests, benchmarks or examples',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|bench|examples)/' },
    },
    {
      name: 'src-not-to-dev-deps',
      comment: 'the toolchain runs without its development dependencies',
      severity: 'error',
      from: { path: '^src/' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      // A generated folder's model.ts imports the installed package by name, as an app would.
      from: { pathNot: '^generated/' },
      to: { couldNotResolve: true },
    },
    ...layerRules,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    // TypeScript 7 (the native compiler this project type-checks with) has no JavaScript API: parse with swc.
    parser: 'swc',
    tsConfig: { fileName: 'tsconfig.json' },
    // exportsFields/conditionNames: packages that name their entry only in "exports" (vega-lite) resolve as Node resolves them.
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs', '.json'], exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
