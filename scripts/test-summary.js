#!/usr/bin/env node
// Sums jest's JSON summaries into the one plain closing line CI reads: `N passed, M failed`.
const { existsSync, readFileSync } = require('node:fs');

let passed = 0;
let failed = 0;
let broken = 0;
for (const file of process.argv.slice(2)) {
  if (!existsSync(file)) {
    broken++;
    continue;
  }
  const r = JSON.parse(readFileSync(file, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  // A suite that failed to run (syntax error, crash in beforeAll) has no failed tests but counts as a failure.
  broken += r.testResults.filter((t) => t.status === 'failed' && t.assertionResults.every((a) => a.status !== 'failed')).length;
}
failed += broken;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
