import { test } from 'node:test';
import assert from 'node:assert/strict';
import { advertiseCandidates, iceServerLinks, parseAudioOffer } from './sdp.js';
import { TribuneError } from '../errors/catalogue.js';

const OFFER = [
  'v=0', 'o=- 1 2 IN IP4 127.0.0.1', 's=-', 't=0 0', 'a=group:BUNDLE 0',
  'a=fingerprint:sha-256 AA:BB', 'a=ice-ufrag:abcd', 'a=ice-pwd:0123456789012345678901',
  'm=audio 9 UDP/TLS/RTP/SAVPF 109 0', 'c=IN IP4 0.0.0.0', 'a=mid:a0', 'a=sendonly',
  'a=rtpmap:109 opus/48000/2', 'a=rtpmap:0 PCMU/8000', '',
].join('\r\n');

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof TribuneError ? err.code : 'not a TribuneError';
  }
  return undefined;
}

test('finds the audio mid and the Opus payload type', () => {
  assert.deepEqual(parseAudioOffer(OFFER), { mid: 'a0', opusPayloadType: 109, direction: 'sendonly' });
});

test('rejects malformed, audio-less and Opus-less offers with their codes', () => {
  assert.equal(codeOf(() => parseAudioOffer('')), 'SDP_INVALID');
  assert.equal(codeOf(() => parseAudioOffer('hello')), 'SDP_INVALID');
  assert.equal(codeOf(() => parseAudioOffer(OFFER.replace('a=ice-pwd:', 'a=ice-pw:'))), 'SDP_INVALID');
  assert.equal(codeOf(() => parseAudioOffer(OFFER.replace('a=mid:a0\r\n', ''))), 'SDP_INVALID');
  assert.equal(codeOf(() => parseAudioOffer(OFFER.replace('m=audio 9', 'm=video 9'))), 'SDP_NO_AUDIO');
  assert.equal(codeOf(() => parseAudioOffer(OFFER.replace('m=audio 9', 'm=audio 0'))), 'SDP_NO_AUDIO');
  assert.equal(codeOf(() => parseAudioOffer(OFFER.replace('opus/48000/2', 'G722/8000'))), 'SDP_NO_OPUS');
});

test('advertised addresses replace gathered candidates', () => {
  const answer = 'v=0\r\nm=audio 5000 UDP/TLS/RTP/SAVPF 111\r\na=candidate:1 1 UDP 1 10.0.0.5 5000 typ host\r\na=end-of-candidates\r\n';
  const out = advertiseCandidates(answer, ['203.0.113.7'], 5000);
  assert.doesNotMatch(out, /10\.0\.0\.5/);
  assert.match(out, /a=candidate:1 1 UDP \d+ 203\.0\.113\.7 5000 typ host\r\na=end-of-candidates/);
  assert.equal(advertiseCandidates(answer, [], 5000), answer);
});

test('ICE server Link headers follow RFC 9725', () => {
  assert.deepEqual(iceServerLinks(['stun:stun.example.net']), ['<stun:stun.example.net>; rel="ice-server"']);
});
