import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type ndc from 'node-datachannel';
import { WhipSession } from './whip-session.js';
import { writeRtp } from './rtp.js';
import { stageMetrics } from './metrics.js';
import type { PeerSetup } from './rtc-engine.js';

/** Stand-ins for the two libdatachannel objects the session touches; the packet path is real. */
function fakePeer(): { peer: PeerSetup; deliver: (b: Buffer) => void; setState: (s: string) => void } {
  let onMessage: (b: Buffer) => void = () => {};
  let onState: (s: string) => void = () => {};
  const track = { onMessage: (cb: (b: Buffer) => void) => { onMessage = cb; } } as unknown as ndc.Track;
  const pc = { onStateChange: (cb: (s: string) => void) => { onState = cb; }, close: () => {} } as unknown as ndc.PeerConnection;
  return {
    peer: { pc, track, answer: '', offer: { mid: '0', opusPayloadType: 111, direction: 'sendonly' } },
    deliver: (b) => onMessage(b),
    setState: (s) => onState(s),
  };
}

async function dropped(reason: string): Promise<number> {
  return (await stageMetrics.packetsDropped.get()).values.find((v) => v.labels.reason === reason)?.value ?? 0;
}

test('garbage and truncated RTP is dropped and counted; valid Opus RTP goes through', async () => {
  const { peer, deliver, setState } = fakePeer();
  const packets: number[] = [];
  const lost: string[] = [];
  const session = new WhipSession('s1', 'space', 'p1', peer, 5000, {
    onPacket: (p) => packets.push(p.sequence),
    onConnected: () => {},
    onLost: (reason) => lost.push(reason),
  });
  const malformedBefore = await dropped('malformed');
  const ptBefore = await dropped('payload-type');
  let garbage = 0;
  for (let i = 0; i < 2000; i++) {
    const b = randomBytes(Math.floor(Math.random() * 40));
    if (b.length >= 2 && b[1]! >= 192 && b[1]! <= 223) continue; // RTCP-shaped: ignored, not counted
    if (b.length >= 1) b[0] = (b[0]! & 0x3f) | (i % 3 === 0 ? 0x80 : 0x40);
    deliver(b);
    garbage += 1;
  }
  deliver(writeRtp(111, 7, 960, 1, Buffer.from([1, 2, 3])));
  deliver(writeRtp(96, 8, 1920, 1, Buffer.from([1, 2, 3])));
  deliver(writeRtp(111, 9, 2880, 1, Buffer.from([1, 2, 3])).subarray(0, 11));
  assert.ok(packets.includes(7));
  assert.ok(!packets.includes(8) && !packets.includes(9));
  assert.ok((await dropped('payload-type')) - ptBefore >= 1);
  assert.ok((await dropped('malformed')) - malformedBefore >= garbage / 3, 'malformed packets counted');
  setState('failed');
  assert.deepEqual(lost, ['ice']);
  assert.ok(session.closed);
  deliver(writeRtp(111, 10, 960, 1, Buffer.from([1])));
  assert.ok(!packets.includes(10), 'nothing after close');
});
