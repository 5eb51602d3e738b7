/**
 * The chaos test's full form: what the loss of a Space's origin costs its audience, in rounds.
 *
 * Each round: five `tribune serve` processes on one PostgreSQL schema and Redis prefix, behind an edge
 * that skips a dead origin (test/helpers/failover-rig.ts); a WHIP speaker sends a tone; a WHEP
 * listener and an LL-HLS listener at the live edge follow through the edge. Then:
 *   1. kill -9 of the primary: its hot standby takes the Space;
 *   2. SIGTERM (drain) of the new primary: handed to its standby;
 *   3. the anchor, same round: kill -9 of the primary and its standby together, so the Space moves cold
 *      to one of the others once its lease lapses (what every move cost before the standby; LiveKit's
 *      answer to a lost node is this kind of move, a new room and a full reconnect).
 * Reported per event, median over the rounds: until the Space's lease is the successor's (its media opens
 * within a tick), until the speaker is back (a new session after the loss, or, a drain, one made before
 * the old one closed), the WHEP listener's longest stretch without the tone, how long an LL-HLS player
 * at the live edge would have stalled, and the longest stretch without the tone in what it was served
 * (the audible gap: silence on the same timeline does not stall a player, but it is heard).
 *
 *   npx tsx bench/failover.ts [--rounds 3]
 */
import { parseArgs } from 'node:util';
import { FailoverRig, type FailoverCost } from '../test/helpers/failover-rig.js';
import { originProcesses, type Origin } from '../test/helpers/origin-processes.js';

const { values } = parseArgs({ options: { rounds: { type: 'string' } } });
const ROUNDS = Number(values.rounds ?? 3);
if (!Number.isInteger(ROUNDS) || ROUNDS < 1 || ROUNDS > 20) throw new Error('--rounds: an integer from 1 to 20');

const log = (line: string) => process.stderr.write(`${line}\n`);
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2; };
type Event = 'kill' | 'drain' | 'coldMove';
const costs: Record<Event, FailoverCost[]> = { kill: [], drain: [], coldMove: [] };
let failures = 0;

for (let round = 1; round <= ROUNDS; round++) {
  const cluster = originProcesses('failover');
  let rig: FailoverRig | undefined;
  try {
    const origins = await Promise.all(['f1', 'f2', 'f3', 'f4', 'f5'].map((id) => cluster.start(id)));
    rig = await FailoverRig.start(origins, cluster.makeAdmin);
    const first = await rig.standbyReady();
    if (!first) throw new Error('no standby');
    costs.kill.push(await rig.fail([first.primary], 'SIGKILL', (o) => o === first.standby));
    log(`round ${round}: kill -9 ${JSON.stringify(costs.kill.at(-1))}`);
    const second = await rig.standbyReady();
    if (!second) throw new Error('no standby after the kill');
    costs.drain.push(await rig.fail([second.primary], 'SIGTERM', (o) => o === second.standby));
    log(`round ${round}: drain ${JSON.stringify(costs.drain.at(-1))}`);
    const third = await rig.standbyReady();
    if (!third) throw new Error('no standby after the drain');
    const spare = (o: Origin) => o !== third.primary && o !== third.standby;
    costs.coldMove.push(await rig.fail([third.primary, third.standby], 'SIGKILL', spare));
    log(`round ${round}: cold move ${JSON.stringify(costs.coldMove.at(-1))}`);
  } catch (err) {
    failures++;
    log(`round ${round} failed: ${(err as Error).message}`);
  } finally {
    await rig?.close().catch(() => {});
    await cluster.cleanup();
  }
}

const summary = (xs: FailoverCost[]) => xs.length === 0 ? null : {
  runs: xs.length,
  tookOverMs: median(xs.map((c) => c.tookOverMs)),
  speakerBackMs: median(xs.map((c) => c.speakerBackMs)),
  whepGapMs: median(xs.map((c) => c.whepGapMs)),
  llHlsStallS: median(xs.map((c) => c.llHlsStallS)),
  llHlsStallMaxS: Math.max(...xs.map((c) => c.llHlsStallS)),
  llHlsGapMs: median(xs.map((c) => c.llHlsGapMs)),
  llHlsGapMaxMs: Math.max(...xs.map((c) => c.llHlsGapMs)),
  speakerMoved: xs.filter((c) => c.speakerMoved).length,
};
const result = { rounds: ROUNDS, failures, kill: summary(costs.kill), drain: summary(costs.drain), coldMove: summary(costs.coldMove), all: costs };
log(`kill -9 (standby): ${JSON.stringify(result.kill)}`);
log(`drain (standby):   ${JSON.stringify(result.drain)}`);
log(`cold move (anchor): ${JSON.stringify(result.coldMove)}`);
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
process.exit(failures === ROUNDS ? 1 : 0);
