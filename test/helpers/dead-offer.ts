/**
 * A WHEP offer from a peer that will never answer ICE (what an attacker's script sends): it stays
 * pending on the origin until its connect timeout. Made once by libdatachannel (a receive-only Opus
 * peer), its candidate pointed at a loopback port nobody answers on: a test that sends it creates no
 * peer of its own (libdatachannel's cleanup crashes natively once peers that never connected were closed).
 */
export const DEAD_OFFER = [
  'v=0', 'o=rtc 2065482155 0 IN IP4 127.0.0.1', 's=-', 't=0 0', 'a=group:BUNDLE 0', 'a=group:LS 0', 'a=msid-semantic:WMS *',
  'a=ice-options:ice2,trickle',
  'a=fingerprint:sha-256 B9:F3:E5:E3:DC:2B:4D:E6:E1:0B:AA:21:8A:19:4F:17:66:39:C8:ED:7C:CB:E3:D7:34:AA:89:62:96:55:DE:CD',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111', 'c=IN IP4 127.0.0.1', 'a=mid:0', 'a=recvonly', 'a=rtcp-mux', 'a=rtpmap:111 opus/48000/2',
  'a=fmtp:111 minptime=10;maxaveragebitrate=96000;stereo=1;sprop-stereo=1;useinbandfec=1', 'a=setup:actpass',
  'a=ice-ufrag:07aM', 'a=ice-pwd:iS4E6+UAwel5UIre9ube0f', 'a=candidate:1 1 UDP 2114977791 127.0.0.1 9 typ host', 'a=end-of-candidates', '',
].join('\r\n');
