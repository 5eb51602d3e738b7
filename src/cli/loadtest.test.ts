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

test('--profile attack: a warm-up, the flood, a tail; defaults from the issue, bounds enforced', () => {
  const { options } = parseLoadtestFlags(['http://127.0.0.1:8081', '--create', '--profile', 'attack', '--metrics', 'http://127.0.0.1:8080'], {});
  const a = options.attack!;
  assert.equal(a.floodRate, 20_000);
  assert.equal(a.floodDurationS, 60);
  assert.equal(options.askers, 10);
  assert.equal(options.voters, 10);
  assert.equal(options.metricsUrl, 'http://127.0.0.1:8080');
  assert.equal(profileDurationMs(options.profile), (a.warmupS + a.floodDurationS + a.tailS) * 1000);
  assert.equal(targetAt(options.profile, a.warmupS * 1000), 1000, 'the audience is in place when the flood starts');
  assert.equal(targetAt(options.profile, profileDurationMs(options.profile)), 1100, 'a tenth more joined during the flood');

  const short = parseLoadtestFlags(['http://127.0.0.1:8081', '--create', '--profile', 'attack', '--listeners', '100', '--flood-rate', '2000/s', '--flood-duration', '20', '--seed', '3'], {}).options;
  assert.equal(short.attack!.floodRate, 2000);
  assert.equal(short.attack!.floodDurationS, 20);
  assert.equal(short.attack!.seed, 3);

  assert.throws(() => parseLoadtestFlags(['http://127.0.0.1:8081', '--create', '--flood-rate', '10/s'], {}), /belongs to --profile attack/);
  assert.throws(() => parseLoadtestFlags(['http://127.0.0.1:8081', '--create', '--profile', 'attack', '--flood-rate', '1000000/s'], {}), /flood-rate/);
  assert.throws(() => parseLoadtestFlags(['http://127.0.0.1:8081', '--space', 'x', '--profile', 'attack'], {}), /needs the host/);
  assert.throws(() => parseLoadtestFlags(['http://127.0.0.1:8081', '--create', '--profile', 'attack', '--duration', '60'], {}), /sets its own length/);
  assert.throws(() => parseLoadtestFlags(['http://192.0.2.10:8081', '--create', '--profile', 'attack', '--allow-remote'], {}), /loopback targets only/);
});
