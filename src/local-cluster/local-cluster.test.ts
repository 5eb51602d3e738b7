import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isTribuneError } from '../errors/catalogue.js';
import { withSchema } from './engines.js';
import { validateLocalClusterOptions } from './local-cluster.js';

const ok = { origins: 3, port: 8080, databaseUrl: 'postgres://127.0.0.1:5432/postgres', redisUrl: 'redis://127.0.0.1:6379' };

test('tribune cluster refuses flags it cannot use, with one stable code', () => {
  assert.doesNotThrow(() => validateLocalClusterOptions(ok));
  assert.doesNotThrow(() => validateLocalClusterOptions({ ...ok, origins: 16, port: 65_519 }));
  for (const bad of [
    { origins: 0 }, { origins: 17 }, { origins: 2.5 }, { origins: Number.NaN },
    { port: 0 }, { port: 65_533 }, { origins: 16, port: 65_520 },
    { databaseUrl: 'mysql://db/x' }, { databaseUrl: 'not a url' }, { redisUrl: 'http://127.0.0.1:6379' },
  ]) {
    assert.throws(() => validateLocalClusterOptions({ ...ok, ...bad }), (err) => isTribuneError(err) && err.code === 'LOCAL_CLUSTER_FLAG_INVALID', JSON.stringify(bad));
  }
});

test('every run has a schema of its own: one in the URL is replaced, the rest kept', () => {
  assert.equal(withSchema('postgres://u@db:5432/tribune', 'tribune_local_ab'), 'postgres://u@db:5432/tribune?schema=tribune_local_ab');
  assert.equal(withSchema('postgres://db/tribune?schema=old&sslmode=disable', 'tribune_local_cd'), 'postgres://db/tribune?schema=tribune_local_cd&sslmode=disable');
});
