// Sums the TRX reports of a test run into one line: "N passed, N failed" (", N skipped" when any).
// Exits 1 when a test failed, when none ran, or when the test command itself failed.
'use strict';
const fs = require('fs');
const path = require('path');

const [dir, testExit] = process.argv.slice(2);
const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.trx')) : [];
const totals = { total: 0, passed: 0, failed: 0, skipped: 0 };
for (const file of files) {
  const xml = fs.readFileSync(path.join(dir, file), 'utf8');
  const counters = /<Counters\b([^>]*)\/?>/.exec(xml);
  if (!counters) continue;
  const attr = (name) => Number((new RegExp(`\\b${name}="(\\d+)"`).exec(counters[1]) || [0, 0])[1]);
  totals.total += attr('total');
  totals.passed += attr('passed');
  totals.failed += attr('failed') + attr('error') + attr('timeout') + attr('aborted');
  totals.skipped += attr('notExecuted');
}

let line = `${totals.passed} passed, ${totals.failed} failed`;
if (totals.skipped > 0) line += `, ${totals.skipped} skipped`;
console.log(line);

if (totals.failed > 0 || totals.passed === 0) process.exit(1);
if (Number(testExit) !== 0) {
  console.error(`the test command exited with ${testExit}`);
  process.exit(1);
}
