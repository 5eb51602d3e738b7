import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer } from '../helpers/control-server.js';
import { checkTarget, DEFAULT_CAPACITIES, measuredCapacities } from '../../src/preflight/index.js';

test('measured bench results replace defaults and name their file', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tribune-preflight-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'stage-fanout.json'), JSON.stringify({ bench: 'stage-fanout', results: [{ target: 'tribune', listeners: 500, packetsPerSecondPerCore: 70_000 }] }));
  writeFileSync(join(dir, 'stage-mixer.json'), JSON.stringify({ bench: 'stage-mixer', programPlusMixMinus: { spacesPerCore: 12.5 } }));
  writeFileSync(join(dir, 'loadtest-capacity.json'), JSON.stringify({ bench: 'loadtest-capacity', listenersPerCore: 60_000 }));
  writeFileSync(join(dir, 'broken.json'), '{ not json');
  const { capacities, used } = measuredCapacities({ resultsDir: dir });
  assert.equal(capacities.whepListenersPerOrigin.value, 1400);
  assert.match(capacities.whepListenersPerOrigin.source, /stage-fanout\.json/);
  assert.equal(capacities.spacesPerMixerCore.value, 12.5);
  assert.equal(capacities.loadtestListenersPerCore.value, 60_000);
  assert.equal(capacities.edgeCores, DEFAULT_CAPACITIES.edgeCores);
  assert.equal(used.length, 3);
  assert.throws(() => measuredCapacities({ report: join(dir, 'stage-mixer.json') }), /not a tribune loadtest report/);
});

test('checking a running origin: health, readiness and metrics, three GETs', { timeout: 30_000 }, async (t) => {
  const server = await startTestServer({ server: { media: true } });
  t.after(() => server.close());
  const check = await checkTarget(server.url, { whepPerOrigin: 10, originRps: 100 });
  // Event-loop lag depends on this machine's load at start-up (tsx compiling): not asserted.
  assert.deepEqual(check.warnings.filter((w) => !w.includes('event-loop lag')), []);
  assert.ok(check.findings.some((f) => f.startsWith('/readyz 200')));
  const tooMany = await checkTarget(server.url, { whepPerOrigin: 10_000_000, originRps: 100 });
  assert.ok(tooMany.warnings.some((w) => w.includes('max open files')));
  const down = await checkTarget('http://127.0.0.1:9', { whepPerOrigin: 0, originRps: 0 }, 1000);
  assert.equal(down.ok, false);
});
