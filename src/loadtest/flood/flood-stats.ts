import type { FloodKind } from './junk-requests.js';
import type { ParsedResponse } from './response-parser.js';

/** Who answered a flood request, for the report: the edge refused it, the origin did, it went through, or nothing came back. */
export type FloodLayer = 'edge' | 'origin' | 'accepted' | 'no-answer';

/** One outcome label: "edge 429", "origin RATE_LIMITED", "accepted 202", "no-answer reset". */
export function classify(res: ParsedResponse): { layer: FloodLayer; outcome: string } {
  if (res.status >= 200 && res.status < 300) return { layer: 'accepted', outcome: `accepted ${res.status}` };
  if (res.fromEdge) return { layer: 'edge', outcome: `edge ${res.status}` };
  if (res.code) return { layer: 'origin', outcome: `origin ${res.code}` };
  return { layer: 'origin', outcome: `origin ${res.status}` };
}

export interface FloodSecond {
  readonly t: number;
  readonly sent: number;
  readonly answered: number;
  readonly accepted: number;
  readonly refusedAtEdge: number;
  readonly refusedAtOrigin: number;
  readonly noAnswer: number;
}

export interface KindTotals {
  sent: number;
  answered: number;
  forgedXff: number;
  readonly outcomes: Record<string, number>;
}

/** Counts of everything the flood sent and what came back, by kind, by layer and per second. */
export class FloodStats {
  readonly kinds = new Map<FloodKind, KindTotals>();
  readonly byLayer: Record<FloodLayer, number> = { edge: 0, origin: 0, accepted: 0, 'no-answer': 0 };
  readonly timeline: FloodSecond[] = [];
  sent = 0;
  answered = 0;
  #window = { sent: 0, answered: 0, accepted: 0, refusedAtEdge: 0, refusedAtOrigin: 0, noAnswer: 0 };

  #kind(kind: FloodKind): KindTotals {
    let k = this.kinds.get(kind);
    if (!k) this.kinds.set(kind, (k = { sent: 0, answered: 0, forgedXff: 0, outcomes: {} }));
    return k;
  }

  onSent(kind: FloodKind, forgedXff: boolean): void {
    const k = this.#kind(kind);
    k.sent += 1;
    if (forgedXff) k.forgedXff += 1;
    this.sent += 1;
    this.#window.sent += 1;
  }

  onAnswer(kind: FloodKind, res: ParsedResponse): void {
    const { layer, outcome } = classify(res);
    this.#record(kind, layer, outcome);
    this.answered += 1;
    this.#window.answered += 1;
  }

  onNoAnswer(kind: FloodKind, reason: string): void {
    this.#record(kind, 'no-answer', `no-answer ${reason}`);
  }

  #record(kind: FloodKind, layer: FloodLayer, outcome: string): void {
    const k = this.#kind(kind);
    if (layer !== 'no-answer') k.answered += 1;
    k.outcomes[outcome] = (k.outcomes[outcome] ?? 0) + 1;
    this.byLayer[layer] += 1;
    const w = this.#window;
    if (layer === 'accepted') w.accepted += 1;
    else if (layer === 'edge') w.refusedAtEdge += 1;
    else if (layer === 'origin') w.refusedAtOrigin += 1;
    else w.noAnswer += 1;
  }

  /** Closes one second of the flood's timeline (per-second rates over `wallS`). */
  tick(t: number, wallS: number): FloodSecond {
    const w = this.#window;
    const per = (n: number): number => Math.round(n / Math.max(0.001, wallS));
    const second = { t, sent: per(w.sent), answered: per(w.answered), accepted: per(w.accepted), refusedAtEdge: per(w.refusedAtEdge), refusedAtOrigin: per(w.refusedAtOrigin), noAnswer: per(w.noAnswer) };
    this.timeline.push(second);
    this.#window = { sent: 0, answered: 0, accepted: 0, refusedAtEdge: 0, refusedAtOrigin: 0, noAnswer: 0 };
    return second;
  }
}
