import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeRelayMessage, encodeRelayEnd, encodeRelayedFrame } from './programme-relay.js';

const epoch = { pts: 960_000, msn: 12, decodeTime: 4_800_000, fragmentSequence: 61 };

test('a relayed frame, an end marker and a passing word decode to what was sent', () => {
  const frame = { pts: 961_920, wallClock: 1_764_000_000_123.5, opus: Buffer.from([0xfc, 1, 2, 3]) };
  assert.deepEqual(decodeRelayMessage(encodeRelayedFrame({ epoch, frame })), { epoch, frame });
  assert.deepEqual(decodeRelayMessage(encodeRelayEnd({ end: 961_920 })), { end: 961_920 });
  assert.deepEqual(decodeRelayMessage(Buffer.from([3])), { passing: true });
});

test('anything else is not a message: other versions, truncated frames, impossible numbers, oversized packets', () => {
  const good = encodeRelayedFrame({ epoch, frame: { pts: 1, wallClock: 2, opus: Buffer.from([0xfc]) } });
  const otherVersion = Buffer.from(good);
  otherVersion.writeUInt8(9, 0);
  const negativeEnd = encodeRelayEnd({ end: 0 });
  negativeEnd.writeDoubleBE(-960, 1);
  const fractionalEpoch = Buffer.from(good);
  fractionalEpoch.writeDoubleBE(1.5, 1);
  const tooBig = encodeRelayedFrame({ epoch, frame: { pts: 1, wallClock: 2, opus: Buffer.alloc(1_276) } });
  for (const data of [Buffer.alloc(0), Buffer.from([1]), good.subarray(0, 49), otherVersion, negativeEnd, fractionalEpoch, tooBig, Buffer.from([3, 0])]) {
    assert.equal(decodeRelayMessage(data), null, data.toString('hex').slice(0, 40));
  }
});
