import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BENCHES, lastJsonDocument, renderTable } from '../../scripts/bench-rows.js';

test('the JSON document is found above the one-line summary, nested braces and all', () => {
  const out = 'progress\n{\n  "bench": "x",\n  "a": { "b": 1 }\n}\nx: summary line\n';
  assert.deepEqual(lastJsonDocument(out), { bench: 'x', a: { b: 1 } });
  assert.deepEqual(lastJsonDocument('{"one":1}\nsummary'), { one: 1 });
  assert.equal(lastJsonDocument('no json here'), undefined);
});

test('every existing script has rows, and ratios are value over anchor', () => {
  const fanout = BENCHES['stage-fanout']!.rows({ results: [
    { target: 'tribune', listeners: 500, packetsPerSecondPerCore: 68_494, cpuPerListenerPercentOfCore: 0.066 },
    { target: 'janus', listeners: 500, cpuPerListenerPercentOfCore: 0.109 },
  ] });
  assert.equal(fanout[0]!.ratio, 0.91);
  assert.equal(fanout[0]!.anchorSource, 'published');
  assert.equal(fanout[1]!.ratio, 0.61);
  const packaging = BENCHES['audience-packaging-vs-ffmpeg']!.rows({ tribune: { cpuPerProgramSecondMs: 7.7 }, ffmpeg: { cpuPerProgramSecondMs: 11.6 } });
  assert.equal(packaging[0]!.ratio, 0.66);
  const missing = BENCHES['audience-go-live']!.rows({});
  assert.equal(missing[0]!.value, null);
  assert.equal(missing[0]!.ratio, null);
  const table = renderTable([...fanout, ...packaging, ...missing]);
  assert.equal(table.split('\n').length, 2 + 5);
  assert.match(table, /0\.91x/);
});
