#!/usr/bin/env node
// The house rules that are not jest specs: lint (module boundaries, no private imports), the
// type check of specs and tests (the build compiles sources only), the format check, and the size
// of source files. Each is one check in the totals of `make test`:
// it writes a summary in the shape of jest's JSON (numPassedTests/numFailedTests) that
// scripts/test-summary.js adds up, and prints what failed.
const { spawnSync } = require('node:child_process');
const { readFileSync, writeFileSync } = require('node:fs');

const MAX_SOURCE_LINES = 400;
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' };
const run = (command, args) => spawnSync(command, args, { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });

function lint() {
  // @nx/enforce-module-boundaries silently skips itself without a project graph: make one first.
  const graph = run('npx', ['nx', 'show', 'projects']);
  if (graph.status !== 0) return `nx could not compute the project graph:\n${graph.stdout}${graph.stderr}`;
  const eslint = run('npx', ['eslint', '--max-warnings', '0', '.']);
  return eslint.status === 0 ? null : `${eslint.stdout}${eslint.stderr}`;
}

function typecheck() {
  // The build compiles sources only; specs, end-to-end suites and tools are checked here.
  const tsc = run('npx', ['tsc', '-p', 'tsconfig.specs.json']);
  return tsc.status === 0 ? null : `${tsc.stdout}${tsc.stderr}`;
}

function dependencyGraph() {
  const check = run('node', ['scripts/dependency-graph.js', '--check']);
  return check.status === 0 ? null : `${check.stdout}${check.stderr}`;
}

function format() {
  const prettier = run('npx', ['prettier', '--check', '--log-level', 'warn', '**/*.{ts,js}']);
  return prettier.status === 0 ? null : `${prettier.stdout}${prettier.stderr}\nRun \`npm run format\` to fix.`;
}

function sourceSizes() {
  const files = run('git', ['ls-files', '--cached', '--others', '--exclude-standard', 'apps/*/src/**.ts', 'libs/*/src/**.ts']).stdout.split(
    '\n',
  );
  const long = files
    .filter((f) => f && !f.endsWith('.spec.ts') && !f.includes('/golden/'))
    .map((f) => {
      try {
        return [f, readFileSync(f, 'utf8').split('\n').length];
      } catch {
        return [f, 0];
      }
    })
    .filter(([, lines]) => lines > MAX_SOURCE_LINES);
  return long.length === 0
    ? null
    : `source files over ${MAX_SOURCE_LINES} lines (split them):\n${long.map(([f, n]) => `  ${f}: ${n}`).join('\n')}`;
}

const checks = {
  lint,
  'specs type-check': typecheck,
  format,
  'source file size': sourceSizes,
  'dependency graph in docs': dependencyGraph,
};
const results = Object.entries(checks).map(([name, check]) => {
  const failure = check();
  console.log(`${failure === null ? 'PASS' : 'FAIL'} house check: ${name}`);
  if (failure !== null) console.log(failure.trimEnd());
  return { name, failure };
});
const failed = results.filter((r) => r.failure !== null).length;
const out = process.argv[2];
if (out) {
  writeFileSync(
    out,
    JSON.stringify({
      numPassedTests: results.length - failed,
      numFailedTests: failed,
      testResults: [
        {
          status: failed ? 'failed' : 'passed',
          assertionResults: results.map((r) => ({ title: r.name, status: r.failure === null ? 'passed' : 'failed' })),
        },
      ],
    }),
  );
}
process.exit(failed ? 1 : 0);
