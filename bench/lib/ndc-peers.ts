import ndc from 'node-datachannel';

/** Signalling: POST an offer somewhere, get the answer SDP back. */
export type Exchange = (offer: string) => Promise<string>;

async function gathered(pc: ndc.PeerConnection): Promise<string> {
  await new Promise<void>((resolve) => {
    if (pc.gatheringState() === 'complete') return resolve();
    pc.onGatheringStateChange((state) => { if (state === 'complete') resolve(); });
  });
  return pc.localDescription()!.sdp;
}

/** A lightweight WebRTC peer (libdatachannel) that sends or receives one Opus track as raw RTP. */
export class NdcPeer {
  readonly pc: ndc.PeerConnection;
  readonly track: ndc.Track;
  readonly ssrc = 0x1000 + Math.floor(Math.random() * 0xffff);
  packets = 0;

  constructor(direction: 'send' | 'recv', name = 'bench', bindAddress?: string) {
    this.pc = new ndc.PeerConnection(name, { iceServers: [], ...(bindAddress ? { bindAddress } : {}) });
    const audio = new ndc.Audio('0', direction === 'send' ? 'SendOnly' : 'RecvOnly');
    audio.addOpusCodec(111);
    if (direction === 'send') audio.addSSRC(this.ssrc, 'bench', 'bench', 'bench-audio');
    this.track = this.pc.addTrack(audio);
  }

  /** Offer (non-trickle), exchange, apply the answer; resolves when the track is open. */
  async connect(exchange: Exchange, timeoutMs = 15_000): Promise<void> {
    const opened = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('track did not open')), timeoutMs);
      this.track.onOpen(() => { clearTimeout(timer); resolve(); });
    });
    this.pc.setLocalDescription('offer');
    const answer = await exchange(await gathered(this.pc));
    this.pc.setRemoteDescription(answer, 'answer');
    await opened;
  }

  onRtp(callback: (packet: Buffer) => void): void {
    this.track.onMessage((message) => {
      if (message.length >= 2 && message[1]! >= 192 && message[1]! <= 223) return; // RTCP
      this.packets += 1;
      callback(message);
    });
  }

  countRtp(): void {
    this.onRtp(() => {});
  }

  close(): void {
    try { this.pc.close(); } catch { /* already closed */ }
  }
}

/** A receive-only peer that answers an offer (Janus sends the offer in its streaming plugin). */
export class NdcAnswerer {
  readonly pc: ndc.PeerConnection;
  track: ndc.Track | undefined;
  packets = 0;

  constructor(name = 'bench', bindAddress?: string, countPackets = false) {
    this.pc = new ndc.PeerConnection(name, { iceServers: [], disableAutoNegotiation: true, ...(bindAddress ? { bindAddress } : {}) });
    this.pc.onTrack((track) => {
      this.track = track;
      if (countPackets) track.onMessage(() => { this.packets += 1; });
    });
  }

  async answer(offer: string): Promise<string> {
    this.pc.setRemoteDescription(offer, 'offer');
    this.pc.setLocalDescription('answer');
    return gathered(this.pc);
  }

  close(): void {
    try { this.pc.close(); } catch { /* already closed */ }
  }
}
