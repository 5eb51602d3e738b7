import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requireProgram } from '../helpers/require-program.js';
import { espeakSource } from '../../src/clients/index.js';

const haveEspeak = requireProgram('espeak-ng');

test('espeak-ng speech becomes 48 kHz frames with signal in them', { skip: !haveEspeak && 'espeak-ng is not installed' }, async () => {
  const next = await espeakSource('Tribune load test, speaker one.');
  let peak = 0;
  for (let i = 0; i < 100; i++) {
    const frame = next();
    assert.equal(frame.length, 960);
    for (const s of frame) peak = Math.max(peak, Math.abs(s));
  }
  assert.ok(peak > 1000, `speech peak ${peak}`);
});
