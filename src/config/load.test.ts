import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig } from './load.js';
import { parseServeFlags } from '../cli/serve.js';

const dir = () => mkdtempSync(join(tmpdir(), 'tribune-config-'));

test('defaults < environment < flags; the result is frozen and the secret persisted', () => {
  const dataDir = dir();
  try {
    const env = { TRIBUNE_PORT: '9000', TRIBUNE_DATA_DIR: dataDir, TRIBUNE_ADVERTISED_ADDRESSES: '203.0.113.7, 203.0.113.8' };
    const config = loadConfig({ env, flags: parseServeFlags(['--port', '9100', '--max-on-stage', '7']).flags });
    assert.equal(config.port, 9100);
    assert.equal(config.dataDir, dataDir);
    assert.equal(config.stage.maxOnStage, 7);
    assert.equal(config.stage.maxCohosts, 2, 'untouched defaults stay');
    assert.deepEqual(config.stage.advertisedAddresses, ['203.0.113.7', '203.0.113.8']);
    assert.ok(Object.isFrozen(config) && Object.isFrozen(config.stage));
    assert.throws(() => { (config as { port: number }).port = 1; }, TypeError);
    assert.equal(readFileSync(join(dataDir, 'secret'), 'utf8').trim(), config.secret);
    assert.equal(loadConfig({ env }).secret, config.secret, 'the same secret after a restart');
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('every problem is reported at once, with the value that was wrong', () => {
  const dataDir = dir();
  try {
    const err = (() => {
      try {
        loadConfig({ env: { TRIBUNE_PORT: 'eighty', TRIBUNE_DATA_DIR: dataDir }, flags: parseServeFlags(['--log-level', 'loud', '--udp-port', '70000']).flags });
      } catch (e) { return e; }
      return null;
    })();
    assert.ok(err instanceof ConfigError);
    const text = err.problems.join('\n');
    assert.match(text, /\/port.*"eighty"/);
    assert.match(text, /\/logLevel/);
    assert.match(text, /\/stage\/udpPort.*70000/);
    assert.throws(() => loadConfig({ overrides: { dataDir, stage: { maxOnStage: 2, maxCohosts: 2 } } }), /maxCohosts/);
    assert.throws(() => loadConfig({ overrides: { dataDir, audience: { partTargetMs: 300, segmentTargetMs: 2000 } } }), /multiple of partTargetMs/);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('unknown flags are refused', () => {
  assert.throws(() => parseServeFlags(['--prot', '80']), /Unknown option/);
  assert.equal(parseServeFlags(['-h']).help, true);
});

test('cluster mode: the settings from flags or the environment; the database and Redis go together', () => {
  const dataDir = dir();
  try {
    const env = { TRIBUNE_DATA_DIR: dataDir, TRIBUNE_SECRET: 'a-secret-shared-by-origins', TRIBUNE_REDIS_URL: 'redis://cache:6379', TRIBUNE_ORIGIN_ID: 'from-env' };
    const { flags } = parseServeFlags(['--database-url', 'postgres://db/tribune', '--origin-id', 'o1', '--internal-url', 'http://10.0.0.5:8080']);
    const config = loadConfig({ env, flags });
    assert.deepEqual({ ...config.cluster }, {
      databaseUrl: 'postgres://db/tribune', redisUrl: 'redis://cache:6379', originId: 'o1', internalUrl: 'http://10.0.0.5:8080', redisPrefix: 'tribune', leaseTtlMs: 5000,
    });
    assert.equal(loadConfig({ env: { ...env, TRIBUNE_LEASE_TTL_MS: '3000' }, flags }).cluster.leaseTtlMs, 3000);
    assert.equal(loadConfig({ env, flags: parseServeFlags(['--database-url', 'postgres://db/t', '--lease-ttl-ms', '2500']).flags }).cluster.leaseTtlMs, 2500);
    assert.throws(() => loadConfig({ env: { ...env, TRIBUNE_LEASE_TTL_MS: '500' }, flags }), /\/cluster\/leaseTtlMs/, 'shorter than a renewal could keep');
    assert.match(loadConfig({ env: { ...env, TRIBUNE_ORIGIN_ID: '' }, flags: parseServeFlags(['--database-url', 'postgres://db/t']).flags }).cluster.originId!, /^[A-Za-z0-9]/, 'the host name by default');
    assert.equal(loadConfig({ env: { TRIBUNE_DATA_DIR: dataDir } }).cluster.databaseUrl, undefined, 'none of them: the embedded default');
    assert.throws(() => loadConfig({ env: { TRIBUNE_DATA_DIR: dataDir, TRIBUNE_SECRET: 'a-secret-shared-by-origins' }, flags: parseServeFlags(['--database-url', 'postgres://db/t']).flags }), /needs both --database-url and --redis-url/);
    assert.throws(() => loadConfig({ env: { TRIBUNE_DATA_DIR: dataDir }, flags: parseServeFlags(['--database-url', 'postgres://db/t', '--redis-url', 'redis://r']).flags }), /TRIBUNE_SECRET/);
    assert.throws(() => loadConfig({ env, flags: parseServeFlags(['--database-url', 'mysql://db/t']).flags }), /\/cluster\/databaseUrl/);
    assert.throws(() => loadConfig({ env, flags: parseServeFlags(['--database-url', 'postgres://db/t', '--origin-id', 'no spaces']).flags }), /\/cluster\/originId/);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('the waiting room: off by default; its settings from the environment or flags, validated', () => {
  const dataDir = dir();
  try {
    assert.deepEqual({ ...loadConfig({ env: { TRIBUNE_DATA_DIR: dataDir } }).waitingRoom }, { setting: 'off', totalActiveUsers: 2000, newUsersPerMinute: 300, sessionMinutes: 10, ticketMinutes: 2 });
    const env = { TRIBUNE_DATA_DIR: dataDir, TRIBUNE_WAITING_ROOM: 'auto', TRIBUNE_ROOM_ACTIVE_USERS: '5000', TRIBUNE_ROOM_SESSION_MINUTES: '15', TRIBUNE_ROOM_TICKET_MINUTES: '3' };
    const config = loadConfig({ env, flags: parseServeFlags(['--room-users-per-minute', '900']).flags });
    assert.deepEqual({ ...config.waitingRoom }, { setting: 'auto', totalActiveUsers: 5000, newUsersPerMinute: 900, sessionMinutes: 15, ticketMinutes: 3 });
    assert.equal(loadConfig({ env, flags: parseServeFlags(['--waiting-room', 'on']).flags }).waitingRoom.setting, 'on', 'flags win');
    assert.throws(() => loadConfig({ env, flags: parseServeFlags(['--waiting-room', 'sometimes']).flags }), /\/waitingRoom\/setting/);
    assert.throws(() => loadConfig({ env: { ...env, TRIBUNE_ROOM_ACTIVE_USERS: 'lots' } }), /\/waitingRoom\/totalActiveUsers.*"lots"/);
    assert.throws(() => loadConfig({ env: { ...env, TRIBUNE_ROOM_TICKET_MINUTES: '0' } }), /\/waitingRoom\/ticketMinutes/);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('backup edges: from the environment (comma-separated) or repeated flags; only scheme://host[:port]', () => {
  const dataDir = dir();
  try {
    const env = { TRIBUNE_DATA_DIR: dataDir, TRIBUNE_BACKUP_EDGE_URLS: 'https://edge-b.example.org, https://edge-c.example.org:8443' };
    assert.deepEqual(loadConfig({ env: { TRIBUNE_DATA_DIR: dataDir } }).audience.backupEdgeUrls, []);
    assert.deepEqual(loadConfig({ env }).audience.backupEdgeUrls, ['https://edge-b.example.org', 'https://edge-c.example.org:8443']);
    const { flags } = parseServeFlags(['--backup-edge-url', 'http://10.0.0.9', '--backup-edge-url', 'http://10.0.0.10:8080']);
    assert.deepEqual(loadConfig({ env, flags }).audience.backupEdgeUrls, ['http://10.0.0.9', 'http://10.0.0.10:8080'], 'flags win');
    for (const bad of ['edge-b.example.org', 'https://edge-b.example.org/hls', 'https://e"x', 'ftp://edge']) {
      assert.throws(() => loadConfig({ env: { ...env, TRIBUNE_BACKUP_EDGE_URLS: bad } }), /\/audience\/backupEdgeUrls/, bad);
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
