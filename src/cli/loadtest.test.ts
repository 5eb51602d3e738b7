import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDuration, parseLoadtestFlags } from './loadtest.js';
import { profileDurationMs, targetAt } from '../loadtest/index.js';

test('a join storm from flags: 20k at 2000/s then hold, for the whole duration', () => {
  const { options } = parseLoadtestFlags(['http://localhost:8080', '--create', '--listeners', '20000', '--ramp', '2000/s', '--duration', '1m'], {});
  assert.equal(profileDurationMs(options.profile), 60_000);
  assert.equal(targetAt(options.profile, 5_000), 10_000);
  assert.equal(targetAt(options.profile, 30_000), 20_000);
  assert.equal(options.speakers, 1);
  assert.equal(options.collapse, true);
});

test('flags that cannot work are refused with a reason', () => {
  assert.throws(() => parseLoadtestFlags(['http://localhost:8080'], {}), /name the Space/);
  assert.throws(() => parseLoadtestFlags(['http://localhost:8080', '--space', 'x', '--speakers', '2'], {}), /needs the host/);
  assert.throws(() => parseLoadtestFlags(['http://localhost:8080', '--create', '--listeners', '9999999'], {}), /listeners/);
  assert.throws(() => parseLoadtestFlags(['http://localhost:8080', '--create', '--ramp', 'fast'], {}), /ramp/);
  assert.throws(() => parseLoadtestFlags(['http://localhost:8080', '--user', 'me'], {}), /password/);
  assert.throws(() => parseDuration('soon'), /duration/);
  assert.equal(parseDuration('2h'), 7200);
});

test('the password may come from the environment, and never from a default', () => {
  const { options } = parseLoadtestFlags(['http://localhost:8080', '--user', 'host', '--no-collapse', '--no-report'], { TRIBUNE_LOADTEST_PASSWORD: 'pw' });
  assert.equal(options.password, 'pw');
  assert.equal(options.collapse, false);
  assert.equal(options.reportDir, undefined);
});
