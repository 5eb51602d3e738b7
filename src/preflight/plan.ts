import type { Behaviour, Capacities } from './capacities.js';

/**
 * How listeners' players fetch the audio (config audience.delivery): 'parts', a blocking playlist
 * reload and the part for every part; 'segment-streams', each segment in one request the origin streams
 * while producing it, and a real playlist reload at one segment boundary in three (docs/edge.md).
 */
export type Delivery = 'parts' | 'segment-streams';
export const DELIVERIES: readonly Delivery[] = ['parts', 'segment-streams'];

export interface PlanInput {
  readonly expectedListeners: number;
  readonly spaces: number;
  /** Size for expected x headroom (1.5: half as many again as expected). */
  readonly headroom: number;
  /** The default, as in the config, is 'parts'. */
  readonly delivery?: Delivery;
  readonly capacities: Capacities;
  readonly behaviour: Behaviour;
}

export interface PlanRow {
  readonly area: 'audience' | 'edge' | 'origin' | 'control' | 'data' | 'cluster' | 'rehearsal';
  readonly item: string;
  readonly value: number;
  readonly unit: string;
  /** The arithmetic, with the figures it used. */
  readonly basis: string;
}

export interface Plan {
  readonly input: { readonly expectedListeners: number; readonly spaces: number; readonly headroom: number; readonly sizedFor: number; readonly delivery: Delivery };
  readonly rows: readonly PlanRow[];
  readonly edges: number;
  readonly origins: number;
  /** Cluster mode: the origins for the Spaces' media or for the audience's writes, whichever is more. */
  readonly clusterOrigins: number;
  readonly warnings: readonly string[];
}

/** Edge NICs are planned at 80%: a full link drops packets before it reports 100%. */
const NIC_UTILISATION = 0.8;
/** Question and vote writes come in bursts (the host asks the room): plan for 10x the mean. */
const BURST_FACTOR = 10;
/** One origin process runs its HTTP and fan-out on one JS thread: keep it below this share of a core. */
const ORIGIN_CORE_BUDGET = 0.7;
const REACTION_KINDS = 7;
/** Each node keeps a spare (Redis replica, PostgreSQL standby). */
const REPLICAS = 2;

const ceil = (x: number): number => Math.ceil(x - 1e-9);
/** A rate for a basis string: 1/6 as 0.167, 2.5 as 2.5. */
const rate = (x: number): number => Math.round(x * 1000) / 1000;

/** Pure: the capacity plan for an audience, from per-node figures. Unit-tested arithmetic. */
export function computePlan(input: PlanInput): Plan {
  if (!(input.expectedListeners >= 0) || !(input.spaces >= 1) || !(input.headroom >= 1)) {
    throw new RangeError('expected listeners >= 0, spaces >= 1, headroom >= 1');
  }
  const c = input.capacities;
  const b = input.behaviour;
  const delivery: Delivery = input.delivery ?? 'parts';
  if (!DELIVERIES.includes(delivery)) throw new RangeError(`delivery must be one of ${DELIVERIES.join(', ')}`);
  const streams = delivery === 'segment-streams';
  const L = ceil(input.expectedListeners * input.headroom);
  const hls = ceil(L * (1 - b.whepShare.value));
  const whep = L - hls;
  const partsPerSecond = 1000 / c.partMs.value;
  const audioBytesPerPart = (c.opusBitrateBps.value * c.partMs.value) / 1000 / 8;
  const mediaBytesPerPart = audioBytesPerPart + c.containerBytesPerPart.value;
  const bytesPerPart = mediaBytesPerPart + c.playlistBytes.value + c.requestsPerPart.value * c.responseHeaderBytes.value;
  const statePollsPerSecond = 1 / b.statePollSeconds.value;
  // Segment streams: one response per segment (its parts' audio and boxes), a real reload one segment in N.
  const segmentSeconds = c.segmentMs.value / 1000;
  const segmentsPerSecond = 1 / segmentSeconds;
  const reloadsPerSecond = segmentsPerSecond / c.segmentsPerRealReload.value;
  const mediaBytesPerSecond = streams
    ? mediaBytesPerPart * partsPerSecond + c.responseHeaderBytes.value * (segmentsPerSecond + reloadsPerSecond) + c.playlistBytes.value * reloadsPerSecond
    : bytesPerPart * partsPerSecond;
  const listenerBps = (mediaBytesPerSecond + c.stateBytes.value * statePollsPerSecond) * 8;
  const audioOnlyBps = hls * c.opusBitrateBps.value;
  const egressBps = hls * listenerBps;
  const mediaRequestsPerListenerSecond = streams ? segmentsPerSecond + reloadsPerSecond : c.requestsPerPart.value * partsPerSecond;
  const requestsPerListenerSecond = mediaRequestsPerListenerSecond + statePollsPerSecond;
  const edgeRps = hls * requestsPerListenerSecond;
  const edgesByCpu = ceil(edgeRps / (c.edgeRequestsPerCoreSecond.value * c.edgeCores.value));
  const edgesByNic = ceil(egressBps / (c.edgeNicBps.value * NIC_UTILISATION));
  const edges = hls === 0 ? 0 : Math.max(2, edgesByCpu, edgesByNic);
  const originRps = streams
    ? edges * c.originRequestsPerSegmentPerEdge.value * segmentsPerSecond * input.spaces
    : edges * c.originRequestsPerPartPerEdge.value * partsPerSecond * input.spaces;
  const originCoreShare = 1 / c.spacesPerMixerCore.value + originRps / c.originRequestsPerCoreSecond.value;
  const whepOrigins = ceil(whep / c.whepListenersPerOrigin.value);
  const origins = 2 * input.spaces + whepOrigins;

  const joinsPerSecond = L / b.joinStormSeconds.value;
  const heartbeatsPerSecond = L / c.heartbeatSeconds.value;
  const reactionsPerSecond = L * b.reactionsPerListenerSecond.value;
  const questionWrites = (L * b.askersShare.value * BURST_FACTOR) / b.eventSeconds.value;
  const voteWrites = (L * b.votesPerListener.value * BURST_FACTOR) / b.eventSeconds.value;
  const apiRps = heartbeatsPerSecond + reactionsPerSecond + joinsPerSecond + questionWrites + voteWrites;
  const apiCores = ceil(apiRps / c.apiRequestsPerCoreSecond.value);
  // Heartbeats land in a HyperLogLog (one PFADD each); reactions are summed in memory and published
  // once a second per Space and kind; questions and votes are a publish each.
  const redisOps = heartbeatsPerSecond + input.spaces * REACTION_KINDS + questionWrites + voteWrites;
  const redisCores = Math.max(1, ceil(redisOps / c.redisOpsPerCoreSecond.value));
  const pgWrites = questionWrites + voteWrites + input.spaces * REACTION_KINDS;
  const pgCores = Math.max(1, ceil(pgWrites / c.postgresWritesPerCoreSecond.value));
  // Cluster mode: any origin takes any write, so the writes spread over every origin; each origin is one
  // JS thread kept within its core budget. The engines' load follows from the costs counted per write.
  const clusterWrites = heartbeatsPerSecond + reactionsPerSecond + questionWrites + voteWrites;
  const originsForWrites = ceil(clusterWrites / (c.clusterWritesPerOriginCoreSecond.value * ORIGIN_CORE_BUDGET));
  const clusterOrigins = Math.max(origins, originsForWrites);
  const clusterRedis = clusterWrites * c.redisCommandsPerWrite.value;
  const clusterPostgres = clusterWrites * c.postgresQueriesPerWrite.value;
  const generators = ceil(hls / (c.loadtestListenersPerCore.value * 2));
  const edgeCapacity = edges * Math.min(c.edgeRequestsPerCoreSecond.value * c.edgeCores.value / requestsPerListenerSecond, (c.edgeNicBps.value * NIC_UTILISATION) / listenerBps);

  const mbps = (bps: number): number => Math.round(bps / 1e4) / 100;
  const state = `${c.stateBytes.value} B state every ${b.statePollSeconds.value} s`;
  const everyReload = `every ${c.segmentsPerRealReload.value} x ${segmentSeconds} s`;
  const deliveryRow: PlanRow = streams
    ? { area: 'audience', item: 'delivery: segment-streams', value: rate(requestsPerListenerSecond), unit: 'req per listener-s', basis: `each ${segmentSeconds} s segment in one request the origin streams while producing it + a real playlist reload at one segment boundary in ${c.segmentsPerRealReload.value} (the page makes up the others) + /state; the edge MUST share a streaming fill among its listeners (nginx with Varnish beside it: tribune edge-config --stream-cache, or a CDN that does; docs/edge.md), else every listener but one waits for the whole segment` }
    : { area: 'audience', item: 'delivery: parts', value: rate(requestsPerListenerSecond), unit: 'req per listener-s', basis: `for each ${c.partMs.value} ms part a blocking playlist reload and the part (${c.requestsPerPart.value} requests) + /state; any edge or CDN serves it (--delivery segment-streams: fewer requests, needs an edge that shares a streaming fill)` };
  const rows: PlanRow[] = [
    { area: 'audience', item: 'listeners planned for', value: L, unit: 'listeners', basis: `${input.expectedListeners} expected x ${input.headroom} headroom; ${hls} LL-HLS, ${whep} WHEP` },
    deliveryRow,
    { area: 'audience', item: 'per-listener LL-HLS traffic', value: Math.round(listenerBps / 100) / 10, unit: 'kb/s', basis: streams
      ? `(${audioBytesPerPart} B Opus + ${c.containerBytesPerPart.value} B CMAF) x ${partsPerSecond} parts/s + ${c.responseHeaderBytes.value} B headers x (${rate(segmentsPerSecond)} segments/s + ${rate(reloadsPerSecond)} reloads/s) + ${c.playlistBytes.value} B playlist x ${rate(reloadsPerSecond)} reloads/s + ${state}`
      : `(${audioBytesPerPart} B Opus + ${c.containerBytesPerPart.value} B CMAF + ${c.playlistBytes.value} B playlist + ${c.requestsPerPart.value} x ${c.responseHeaderBytes.value} B headers) x ${partsPerSecond} parts/s + ${state}` },
    { area: 'edge', item: 'audio alone (Opus bitrate x listeners)', value: mbps(audioOnlyBps) / 1000, unit: 'Gb/s', basis: `${hls} x ${c.opusBitrateBps.value} b/s` },
    { area: 'edge', item: 'edge / CDN egress', value: mbps(egressBps) / 1000, unit: 'Gb/s', basis: `${hls} x ${Math.round(listenerBps)} b/s (fMP4 + playlists + HTTP)` },
    { area: 'edge', item: 'requests at the edge', value: Math.round(edgeRps), unit: 'req/s', basis: streams
      ? `${hls} x (1 segment stream every ${segmentSeconds} s + 1 playlist reload ${everyReload} + 1 state poll every ${b.statePollSeconds.value} s) = ${hls} x ${rate(requestsPerListenerSecond)} req/s`
      : `${hls} x (${c.requestsPerPart.value} req x ${partsPerSecond} parts/s + 1 state poll every ${b.statePollSeconds.value} s)` },
    { area: 'edge', item: 'edge nodes', value: edges, unit: 'nodes', basis: `max(2, CPU ${edgesByCpu} = req/s / (${c.edgeRequestsPerCoreSecond.value} x ${c.edgeCores.value} cores), NIC ${edgesByNic} = egress / (${c.edgeNicBps.value / 1e9} Gb/s x ${NIC_UTILISATION}))` },
    { area: 'edge', item: 'headroom at the edge', value: L === 0 ? 0 : Math.round((edgeCapacity / input.expectedListeners) * 100) / 100, unit: 'x expected', basis: `${Math.round(edgeCapacity)} listeners the edges hold / ${input.expectedListeners} expected` },
    { area: 'edge', item: 'join storm at the edge', value: Math.round(joinsPerSecond * 2), unit: 'req/s', basis: `${L} joins over ${b.joinStormSeconds.value} s x 2 playlists (multivariant + media)` },
    { area: 'origin', item: 'origins', value: origins, unit: 'processes', basis: `2 per Space (redundancy) x ${input.spaces} + ${whepOrigins} for ${whep} WHEP listeners at ${c.whepListenersPerOrigin.value} each` },
    { area: 'origin', item: 'requests at each Space origin', value: Math.round(originRps), unit: 'req/s', basis: streams
      ? `${edges} edges x ${c.originRequestsPerSegmentPerEdge.value} req/segment (1 segment stream shared by the edge + playlist reloads) x ${rate(segmentsPerSecond)} segments/s x ${input.spaces} Spaces (worst case: one origin of the pair takes all)`
      : `${edges} edges x ${c.originRequestsPerPartPerEdge.value} req/part x ${partsPerSecond} parts/s x ${input.spaces} Spaces (worst case: one origin of the pair takes all)` },
    { area: 'origin', item: 'core share of an origin process', value: Math.round(originCoreShare * 100) / 100, unit: 'cores', basis: `mix 1/${c.spacesPerMixerCore.value} + ${Math.round(originRps)} req/s / ${c.originRequestsPerCoreSecond.value}` },
    { area: 'control', item: 'heartbeats', value: Math.round(heartbeatsPerSecond), unit: '/s', basis: `${L} / ${c.heartbeatSeconds.value} s` },
    { area: 'control', item: 'reactions (before coalescing)', value: Math.round(reactionsPerSecond), unit: '/s', basis: `${L} x ${b.reactionsPerListenerSecond.value}/s; coalesced to ${input.spaces * REACTION_KINDS} bus messages/s` },
    { area: 'control', item: 'question + vote writes (burst)', value: Math.round((questionWrites + voteWrites) * 10) / 10, unit: '/s', basis: `(${b.askersShare.value} askers + ${b.votesPerListener.value} votes) x ${L} / ${b.eventSeconds.value} s x ${BURST_FACTOR} burst` },
    { area: 'control', item: 'API cores', value: apiCores, unit: 'cores', basis: `${Math.round(apiRps)} req/s (heartbeats, reactions, listener tokens, writes) / ${c.apiRequestsPerCoreSecond.value}` },
    { area: 'data', item: 'Redis', value: redisCores * REPLICAS, unit: 'cores', basis: `${Math.round(redisOps)} ops/s / ${c.redisOpsPerCoreSecond.value} = ${redisCores}, x ${REPLICAS} with a replica` },
    { area: 'data', item: 'PostgreSQL', value: pgCores * REPLICAS, unit: 'cores', basis: `${Math.round(pgWrites * 10) / 10} writes/s / ${c.postgresWritesPerCoreSecond.value} = ${pgCores}, x ${REPLICAS} with a standby` },
    { area: 'cluster', item: 'audience writes at the origins', value: Math.round(clusterWrites), unit: 'writes/s', basis: `${Math.round(heartbeatsPerSecond)} heartbeats + ${Math.round(reactionsPerSecond)} reactions + ${Math.round((questionWrites + voteWrites) * 10) / 10} questions and votes (burst)` },
    { area: 'cluster', item: 'origins for the audience writes', value: originsForWrites, unit: 'processes', basis: `${Math.round(clusterWrites)} writes/s / (${c.clusterWritesPerOriginCoreSecond.value} writes/s per core x ${ORIGIN_CORE_BUDGET} of a core each)` },
    { area: 'cluster', item: 'origins in cluster mode', value: clusterOrigins, unit: 'processes', basis: `max(${origins} for the Spaces' media, ${originsForWrites} for the writes); each on a core of its own` },
    { area: 'cluster', item: 'Redis commands', value: Math.round(clusterRedis), unit: '/s', basis: `${Math.round(clusterWrites)} writes/s x ${c.redisCommandsPerWrite.value} commands per write` },
    { area: 'cluster', item: 'PostgreSQL queries', value: Math.round(clusterPostgres), unit: '/s', basis: `${Math.round(clusterWrites)} writes/s x ${c.postgresQueriesPerWrite.value} queries per write` },
    { area: 'rehearsal', item: 'load generators to rehearse at full size', value: generators, unit: '2-core machines', basis: `${hls} / (${c.loadtestListenersPerCore.value} listeners per core x 2)` },
  ];
  const warnings: string[] = [];
  if (originCoreShare > ORIGIN_CORE_BUDGET) warnings.push(`Each Space origin would need ${originCoreShare.toFixed(2)} cores on one JS thread: put a shield cache tier between edges and origins (edges then count as one).`);
  if (c.playlistBytes.value > mediaBytesPerPart) warnings.push(`Playlists (${c.playlistBytes.value} B per reload) outweigh the audio (${Math.round(mediaBytesPerPart)} B per part): enable gzip for .m3u8 at the edge or delta updates (_HLS_skip) in players.`);
  if (edgesByNic > edgesByCpu) warnings.push(`Edges are bandwidth-bound (${edgesByNic} by NIC vs ${edgesByCpu} by CPU): a CDN may be cheaper than own edges.`);
  if (originsForWrites > origins) warnings.push(`In cluster mode the audience's writes need ${originsForWrites} origins, more than the ${origins} the Spaces' media need: run ${clusterOrigins} behind the edge.`);
  if (streams && hls > 0) warnings.push(`Segment streams: each edge host must share a streaming fill (nginx with Varnish beside it, tribune edge-config --stream-cache; or a CDN that does: docs/edge.md). The ${c.edgeRequestsPerCoreSecond.value} req/s per edge core is nginx's figure; a segment request also passes through the Varnish, whose CPU no bench here measures: rehearse one edge at full load before counting on ${edges} edges.`);
  if (whep > 0 && whepOrigins > 10) warnings.push(`${whep} WHEP listeners need ${whepOrigins} origin processes: WHEP is for the stage and callers; send the audience to LL-HLS.`);
  return { input: { expectedListeners: input.expectedListeners, spaces: input.spaces, headroom: input.headroom, sizedFor: L, delivery }, rows, edges, origins, clusterOrigins, warnings };
}
