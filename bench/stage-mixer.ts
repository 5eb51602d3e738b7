/**
 * CPU of one live Space's mixer: SPEAKERS speakers talking (decode + conceal path, mix, limiter),
 * the program and one mix-minus per speaker encoded to Opus. Drives the Mixer directly, as fast as
 * it goes, and reports the CPU per 20 ms frame as a share of one core in real time.
 *
 *   npx tsx bench/stage-mixer.ts [speakers=13] [seconds-of-audio=60] [runs=5]
 */
import { Mixer } from '../src/stage/mixer.js';
import { median, opusTone, round } from './lib/opus-tones.js';

const speakers = Number(process.argv[2] ?? 13);
const seconds = Number(process.argv[3] ?? 60);
const runs = Number(process.argv[4] ?? 5);
const frames = seconds * 50;
const tones = Array.from({ length: speakers }, (_, i) => opusTone(200 + 137 * i, 250));

function run(mixMinus: boolean): { cpuMsPerFrame: number; coreShare: number } {
  const mixer = new Mixer(48_000);
  const inputs = Array.from({ length: speakers }, (_, i) => mixer.addInput(`s${i}`, false));
  let bytes = 0;
  mixer.subscribeProgram((f) => { bytes += f.opus.length; });
  if (mixMinus) for (let i = 0; i < speakers; i++) mixer.subscribeMixMinus(`s${i}`, (f) => { bytes += f.opus.length; });
  const start = process.cpuUsage();
  for (let f = 0; f < frames; f++) {
    for (let i = 0; i < speakers; i++) inputs[i]!.path.push(f & 0xffff, tones[i]![f % 250]!, f * 20);
    mixer.tick(f * 960, f * 20);
  }
  const used = process.cpuUsage(start);
  const cpuMs = (used.user + used.system) / 1000;
  if (bytes === 0) throw new Error('no output');
  return { cpuMsPerFrame: cpuMs / frames, coreShare: cpuMs / frames / 20 };
}

run(true); // warm-up: JIT, libopus allocations
const full = Array.from({ length: runs }, () => run(true));
const programOnly = Array.from({ length: runs }, () => run(false));
const result = {
  bench: 'stage-mixer',
  speakers,
  audioSecondsPerRun: seconds,
  runs,
  programPlusMixMinus: {
    outputsEncoded: speakers + 1,
    cpuMsPerFrameMedian: round(median(full.map((r) => r.cpuMsPerFrame)), 4),
    coreShareMedian: round(median(full.map((r) => r.coreShare)), 4),
    spacesPerCore: round(1 / median(full.map((r) => r.coreShare)), 1),
  },
  programOnly: {
    cpuMsPerFrameMedian: round(median(programOnly.map((r) => r.cpuMsPerFrame)), 4),
    coreShareMedian: round(median(programOnly.map((r) => r.coreShare)), 4),
  },
  node: process.version,
};
console.log(JSON.stringify(result, null, 2));
console.log(`stage-mixer: ${speakers} speakers, program + ${speakers} mix-minus = ${round(result.programPlusMixMinus.coreShareMedian * 100, 2)}% of a core per Space (median of ${runs}); program only ${round(result.programOnly.coreShareMedian * 100, 2)}%`);
