// Prints `N passed, N failed` from vitest's JSON report. A run that produced no report (a build
// failure, a crash) counts as one failure so CI never reads it as green.
import { existsSync, readFileSync } from 'node:fs';

const [reportPath, statusText] = process.argv.slice(2);
const status = Number(statusText ?? '1');
if (!reportPath || !existsSync(reportPath)) {
  console.log('no test report was written');
  console.log('0 passed, 1 failed');
  process.exit(1);
}
const report = JSON.parse(readFileSync(reportPath, 'utf8'));
const passed = report.numPassedTests ?? 0;
let failed = (report.numFailedTests ?? 0) + (report.numRuntimeErrorTests ?? 0);
// A file that failed to load has no tests in it but still failed.
for (const file of report.testResults ?? []) {
  if (file.status === 'failed' && (file.assertionResults ?? []).every((a) => a.status !== 'failed')) failed += 1;
}
if (status !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
