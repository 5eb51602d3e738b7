/** Messages between the captions process and the origin (Node IPC, structured clone). */

export interface WorkerInit {
  /** Module that default-exports or exports `createEngine` (an AsrEngineFactory); empty for PocketSphinx. */
  readonly engineModule: string;
  readonly engineOptions: Readonly<Record<string, unknown>>;
}

export type ToWorker =
  | { readonly type: 'open'; readonly seat: string; readonly language: string }
  /** 48 kHz float audio of one seat, contiguous from `wallClock` (ms since the epoch). */
  | { readonly type: 'audio'; readonly seat: string; readonly pcm: Float32Array; readonly wallClock: number; readonly sentAt: number }
  /** The seat's audio stopped (muted, idle, or audio was dropped): end the utterance. */
  | { readonly type: 'gap'; readonly seat: string }
  | { readonly type: 'close'; readonly seat: string }
  | { readonly type: 'supports'; readonly id: number; readonly language: string };

export interface WorkerWord {
  readonly word: string;
  /** Wall clock, ms since the epoch. */
  readonly start: number;
  readonly end: number;
}

export type FromWorker =
  | { readonly type: 'ready'; readonly engine: string }
  | { readonly type: 'fatal'; readonly message: string }
  | { readonly type: 'error'; readonly seat: string; readonly message: string }
  /** A batch was taken in: its samples (48 kHz) and when it was sent, for the backlog and the lag. */
  | { readonly type: 'ack'; readonly seat: string; readonly samples: number; readonly sentAt: number; readonly cpuMs: number }
  | { readonly type: 'partial'; readonly seat: string; readonly utterance: number; readonly text: string; readonly start: number }
  | { readonly type: 'final'; readonly seat: string; readonly utterance: number; readonly text: string; readonly words: readonly WorkerWord[] }
  | { readonly type: 'supported'; readonly id: number; readonly supported: boolean };
