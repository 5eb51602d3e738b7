/**
 * The speech-to-text contract. An engine turns one speaker's 16 kHz mono PCM into hypotheses; it runs
 * inside the captions worker thread (never on the mixer's thread), so an implementation may block.
 */

/** The sample format every engine is fed: 16 kHz, mono, signed 16-bit. */
export const ASR_SAMPLE_RATE = 16_000;

export interface AsrWord {
  readonly word: string;
  /** Milliseconds from the start of the utterance (the first sample pushed after the last end). */
  readonly startMs: number;
  readonly endMs: number;
}

export interface AsrHypothesis {
  /** Counts utterances of this stream from 0. */
  readonly utterance: number;
  /** A partial may still change; the final of an utterance never does. */
  readonly final: boolean;
  readonly text: string;
  /** Word timings; finals carry them, partials may leave them empty. */
  readonly words: readonly AsrWord[];
}

export interface AsrStream {
  /** Audio of the current utterance (starting one if none is open). */
  push(pcm: Int16Array): void;
  /** The utterance is over (voice-activity offset, a gap, a mute): emit its final hypothesis. */
  endUtterance(): void;
  /** Ends any open utterance without a result and frees the stream. Idempotent. */
  close(): void;
}

export interface AsrStreamOptions {
  /** BCP 47 language of the speech; the engine was asked `supports()` first. */
  readonly language: string;
  readonly onHypothesis: (hypothesis: AsrHypothesis) => void;
}

export interface AsrEngine {
  readonly name: string;
  /** Whether the engine has a model for this BCP 47 tag (e.g. "en", "en-GB"). */
  supports(language: string): boolean;
  openStream(options: AsrStreamOptions): AsrStream;
  close(): void;
}

/** What an engine module exports (the built-in one, or one an operator names in the configuration). */
export type AsrEngineFactory = (options: Readonly<Record<string, unknown>>) => AsrEngine;

/** "en", "en-US", "en-gb" -> "en". */
export function primaryLanguage(tag: string): string {
  return tag.trim().toLowerCase().split(/[-_]/)[0] ?? '';
}
