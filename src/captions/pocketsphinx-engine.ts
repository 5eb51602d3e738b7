import koffi from 'koffi';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { primaryLanguage, type AsrEngine, type AsrHypothesis, type AsrStream, type AsrStreamOptions, type AsrWord } from './asr-engine.js';

/** Debian's pocketsphinx-en-us model. */
export const DEFAULT_MODEL_DIR = '/usr/share/pocketsphinx/model/en-us';
/** PocketSphinx frames are 10 ms (-frate 100). */
const FRAME_MS = 10;
const SAMPLES_PER_FRAME = 160;
/** A partial hypothesis at most this often per stream, in pushed audio. */
const PARTIAL_EVERY_SAMPLES = 16_000 / 2;

interface Native {
  readonly psArgs: () => unknown;
  readonly cmdLnInit: (...args: unknown[]) => unknown;
  readonly cmdLnFree: (config: unknown) => number;
  readonly init: (config: unknown) => unknown;
  readonly free: (ps: unknown) => number;
  readonly startUtt: (ps: unknown) => number;
  readonly endUtt: (ps: unknown) => number;
  readonly processRaw: (ps: unknown, data: Int16Array, n: number, noSearch: number, fullUtt: number) => number;
  readonly getHyp: (ps: unknown, score: number[]) => string | null;
  readonly segIter: (ps: unknown) => unknown;
  readonly segNext: (seg: unknown) => unknown;
  readonly segWord: (seg: unknown) => string;
  readonly segFrames: (seg: unknown, sf: number[], ef: number[]) => void;
}

let native: Native | undefined;

/**
 * libpocketsphinx 5prealpha (Debian's libpocketsphinx3) through koffi: no compiler, no addon to build,
 * partial hypotheses and per-word frames straight from the decoder. Loaded once per process.
 */
function load(): Native {
  if (native) return native;
  const sb = koffi.load('libsphinxbase.so.3');
  const ps = koffi.load('libpocketsphinx.so.3');
  native = {
    psArgs: ps.func('void *ps_args()'),
    cmdLnInit: sb.func('void *cmd_ln_init(void *inout, void *defn, int strict, ...)'),
    cmdLnFree: sb.func('int cmd_ln_free_r(void *config)'),
    init: ps.func('void *ps_init(void *config)'),
    free: ps.func('int ps_free(void *ps)'),
    startUtt: ps.func('int ps_start_utt(void *ps)'),
    endUtt: ps.func('int ps_end_utt(void *ps)'),
    processRaw: ps.func('int ps_process_raw(void *ps, const int16_t *data, size_t n, int no_search, int full_utt)'),
    getHyp: ps.func('const char *ps_get_hyp(void *ps, _Out_ int32_t *score)'),
    segIter: ps.func('void *ps_seg_iter(void *ps)'),
    segNext: ps.func('void *ps_seg_next(void *seg)'),
    segWord: ps.func('const char *ps_seg_word(void *seg)'),
    segFrames: ps.func('void ps_seg_frames(void *seg, _Out_ int *sf, _Out_ int *ef)'),
  };
  return native;
}

export interface PocketSphinxOptions {
  readonly modelDir: string;
}

/** Fillers (<s>, </s>, <sil>, [NOISE]) are not words; "word(2)" is an alternative pronunciation. */
function cleanWord(raw: string): string | undefined {
  if (raw.startsWith('<') || raw.startsWith('[') || raw.startsWith('+')) return undefined;
  return raw.replace(/\(\d+\)$/, '');
}

interface Decoder {
  readonly ps: unknown;
  readonly config: unknown;
}

/**
 * Decoders are leased for one utterance, not held per speaker: each costs ~95 MB (model, dictionary,
 * language model), and a stage of 13 seats rarely has more than two or three people talking at once.
 * Memory follows concurrent utterances; at most KEEP_IDLE idle decoders stay loaded (creating one
 * takes ~0.3 s). The price: cepstral mean normalisation carries over from the decoder's last speaker.
 */
const KEEP_IDLE = 2;

class DecoderPool {
  readonly #n: Native;
  readonly #modelDir: string;
  readonly #idle: Decoder[] = [];
  #leased = 0;

  constructor(n: Native, modelDir: string) {
    this.#n = n;
    this.#modelDir = modelDir;
  }

  get loaded(): number {
    return this.#idle.length + this.#leased;
  }

  acquire(): Decoder {
    this.#leased += 1;
    return this.#idle.pop() ?? this.#create();
  }

  release(d: Decoder): void {
    this.#leased -= 1;
    if (this.#idle.length < KEEP_IDLE) this.#idle.push(d);
    else this.#free(d);
  }

  close(): void {
    for (const d of this.#idle.splice(0)) this.#free(d);
  }

  #create(): Decoder {
    const n = this.#n;
    const config = n.cmdLnInit(null, n.psArgs(), 1,
      'str', '-hmm', 'str', join(this.#modelDir, 'en-us'),
      'str', '-lm', 'str', join(this.#modelDir, 'en-us.lm.bin'),
      'str', '-dict', 'str', join(this.#modelDir, 'cmudict-en-us.dict'),
      'str', '-logfn', 'str', '/dev/null',
      'void *', null);
    if (!config) throw new Error('pocketsphinx: bad configuration');
    const ps = n.init(config);
    if (!ps) {
      n.cmdLnFree(config);
      throw new Error(`pocketsphinx: cannot load the model in ${this.#modelDir}`);
    }
    return { ps, config };
  }

  #free(d: Decoder): void {
    this.#n.free(d.ps);
    this.#n.cmdLnFree(d.config);
  }
}

class PocketSphinxStream implements AsrStream {
  readonly #n: Native;
  readonly #pool: DecoderPool;
  readonly #onHypothesis: (h: AsrHypothesis) => void;
  readonly #onClose: () => void;
  #decoder: Decoder | undefined;
  #closed = false;
  #utterance = -1;
  #uttSamples = 0;
  #sinceP = 0;
  #lastPartial = '';

  constructor(n: Native, pool: DecoderPool, options: AsrStreamOptions, onClose: () => void) {
    this.#n = n;
    this.#pool = pool;
    this.#onHypothesis = options.onHypothesis;
    this.#onClose = onClose;
  }

  push(pcm: Int16Array): void {
    if (this.#closed || pcm.length === 0) return;
    if (!this.#decoder) {
      this.#decoder = this.#pool.acquire();
      this.#n.startUtt(this.#decoder.ps);
      this.#utterance += 1;
      this.#uttSamples = 0;
      this.#sinceP = 0;
      this.#lastPartial = '';
    }
    const ps = this.#decoder.ps;
    this.#n.processRaw(ps, pcm, pcm.length, 0, 0);
    this.#uttSamples += pcm.length;
    this.#sinceP += pcm.length;
    if (this.#sinceP >= PARTIAL_EVERY_SAMPLES) {
      this.#sinceP = 0;
      const text = this.#n.getHyp(ps, [0]) ?? '';
      if (text && text !== this.#lastPartial) {
        this.#lastPartial = text;
        this.#onHypothesis({ utterance: this.#utterance, final: false, text, words: [] });
      }
    }
  }

  endUtterance(): void {
    const decoder = this.#decoder;
    if (!decoder) return;
    this.#decoder = undefined;
    let words: AsrWord[];
    try {
      words = this.#finish(decoder.ps);
    } finally {
      this.#pool.release(decoder);
    }
    if (words.length === 0) return;
    this.#onHypothesis({ utterance: this.#utterance, final: true, text: words.map((w) => w.word).join(' '), words });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#decoder) {
      this.#n.endUtt(this.#decoder.ps);
      this.#pool.release(this.#decoder);
      this.#decoder = undefined;
    }
    this.#onClose();
  }

  #finish(ps: unknown): AsrWord[] {
    this.#n.endUtt(ps);
    const segs: { word: string; sf: number; ef: number }[] = [];
    for (let seg = this.#n.segIter(ps); seg; seg = this.#n.segNext(seg)) {
      const sf = [0];
      const ef = [0];
      this.#n.segFrames(seg, sf, ef);
      segs.push({ word: this.#n.segWord(seg), sf: sf[0]!, ef: ef[0]! });
    }
    // Frames count from the decoder's creation in this version (from the utterance in others), and
    // not exactly as we count samples; the last segment (</s> or silence) ends with the utterance.
    const uttFrames = Math.floor(this.#uttSamples / SAMPLES_PER_FRAME);
    const offset = Math.max(0, (segs.at(-1)?.ef ?? 0) + 1 - uttFrames);
    const words: AsrWord[] = [];
    for (const s of segs) {
      const word = cleanWord(s.word);
      if (word) words.push({ word, startMs: Math.max(0, s.sf - offset) * FRAME_MS, endMs: (s.ef - offset + 1) * FRAME_MS });
    }
    return words;
  }
}

class PocketSphinxEngine implements AsrEngine {
  readonly name = 'pocketsphinx';
  readonly #modelDir: string;
  readonly #streams = new Set<PocketSphinxStream>();
  #pool: DecoderPool | undefined;

  constructor(options: PocketSphinxOptions) {
    this.#modelDir = options.modelDir;
  }

  /** Decoders loaded now (leased and idle). */
  get decodersLoaded(): number {
    return this.#pool?.loaded ?? 0;
  }

  supports(language: string): boolean {
    return primaryLanguage(language) === 'en' && existsSync(join(this.#modelDir, 'en-us.lm.bin'));
  }

  openStream(options: AsrStreamOptions): AsrStream {
    this.#pool ??= new DecoderPool(load(), this.#modelDir);
    const stream: PocketSphinxStream = new PocketSphinxStream(load(), this.#pool, options, () => this.#streams.delete(stream));
    this.#streams.add(stream);
    return stream;
  }

  close(): void {
    for (const s of [...this.#streams]) s.close();
    this.#pool?.close();
  }
}

export const createPocketSphinxEngine = (options: Readonly<Record<string, unknown>>): AsrEngine & { readonly decodersLoaded: number } =>
  new PocketSphinxEngine({ modelDir: typeof options.modelDir === 'string' && options.modelDir ? options.modelDir : DEFAULT_MODEL_DIR });
