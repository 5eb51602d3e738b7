import koffi from 'koffi';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { primaryLanguage, type AsrEngine, type AsrEngineFactory, type AsrHypothesis, type AsrStream, type AsrStreamOptions, type AsrWord } from './asr-engine.js';

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

class PocketSphinxStream implements AsrStream {
  readonly #n: Native;
  readonly #onHypothesis: (h: AsrHypothesis) => void;
  #ps: unknown;
  #config: unknown;
  #utterance = -1;
  #inUtterance = false;
  #uttSamples = 0;
  #sinceP = 0;
  #lastPartial = '';

  constructor(n: Native, modelDir: string, options: AsrStreamOptions) {
    this.#n = n;
    this.#onHypothesis = options.onHypothesis;
    this.#config = n.cmdLnInit(null, n.psArgs(), 1,
      'str', '-hmm', 'str', join(modelDir, 'en-us'),
      'str', '-lm', 'str', join(modelDir, 'en-us.lm.bin'),
      'str', '-dict', 'str', join(modelDir, 'cmudict-en-us.dict'),
      'str', '-logfn', 'str', '/dev/null',
      'void *', null);
    if (!this.#config) throw new Error('pocketsphinx: bad configuration');
    this.#ps = n.init(this.#config);
    if (!this.#ps) throw new Error(`pocketsphinx: cannot load the model in ${modelDir}`);
  }

  push(pcm: Int16Array): void {
    if (!this.#ps || pcm.length === 0) return;
    if (!this.#inUtterance) {
      this.#n.startUtt(this.#ps);
      this.#inUtterance = true;
      this.#utterance += 1;
      this.#uttSamples = 0;
      this.#sinceP = 0;
      this.#lastPartial = '';
    }
    this.#n.processRaw(this.#ps, pcm, pcm.length, 0, 0);
    this.#uttSamples += pcm.length;
    this.#sinceP += pcm.length;
    if (this.#sinceP >= PARTIAL_EVERY_SAMPLES) {
      this.#sinceP = 0;
      const text = this.#n.getHyp(this.#ps, [0]) ?? '';
      if (text && text !== this.#lastPartial) {
        this.#lastPartial = text;
        this.#onHypothesis({ utterance: this.#utterance, final: false, text, words: [] });
      }
    }
  }

  endUtterance(): void {
    if (!this.#ps || !this.#inUtterance) return;
    this.#inUtterance = false;
    this.#n.endUtt(this.#ps);
    const segs: { word: string; sf: number; ef: number }[] = [];
    for (let seg = this.#n.segIter(this.#ps); seg; seg = this.#n.segNext(seg)) {
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
    if (words.length === 0) return;
    this.#onHypothesis({ utterance: this.#utterance, final: true, text: words.map((w) => w.word).join(' '), words });
  }

  close(): void {
    if (!this.#ps) return;
    if (this.#inUtterance) this.#n.endUtt(this.#ps);
    this.#n.free(this.#ps);
    this.#n.cmdLnFree(this.#config);
    this.#ps = undefined;
  }
}

class PocketSphinxEngine implements AsrEngine {
  readonly name = 'pocketsphinx';
  readonly #modelDir: string;
  readonly #streams = new Set<PocketSphinxStream>();

  constructor(options: PocketSphinxOptions) {
    this.#modelDir = options.modelDir;
  }

  supports(language: string): boolean {
    return primaryLanguage(language) === 'en' && existsSync(join(this.#modelDir, 'en-us.lm.bin'));
  }

  openStream(options: AsrStreamOptions): AsrStream {
    const stream = new PocketSphinxStream(load(), this.#modelDir, options);
    this.#streams.add(stream);
    const close = stream.close.bind(stream);
    stream.close = () => {
      this.#streams.delete(stream);
      close();
    };
    return stream;
  }

  close(): void {
    for (const s of [...this.#streams]) s.close();
  }
}

export const createPocketSphinxEngine: AsrEngineFactory = (options) =>
  new PocketSphinxEngine({ modelDir: typeof options.modelDir === 'string' ? options.modelDir : DEFAULT_MODEL_DIR });
