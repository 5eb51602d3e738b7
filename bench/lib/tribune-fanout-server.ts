/**
 * A Tribune stage media origin for the fan-out bench, in its own process so its CPU can be read
 * from /proc apart from the subscribers'. Prints {"port":..,"udpPort":..} on stdout when ready.
 * Everyone may publish (as one seat) and listen (the program).
 */
import Fastify from 'fastify';
import { createStageMedia, stageRoutes } from '../../src/stage/index.js';
import { stageMediaDefaults } from '../../test/helpers/stage-app.js';
import type { ListenGrant, StageSeat } from '../../src/media/types.js';

const SPACE = 'bench';
const seat: StageSeat = { spaceId: SPACE, participantId: 'speaker', displayName: 'speaker', role: 'speaker', muted: false };
const media = createStageMedia({ ...stageMediaDefaults(), udpPort: 0, bindAddress: '127.0.0.1', maxSessions: 5000, sessionRateBurst: 10_000, sessionRatePerSecond: 10_000 });
const app = Fastify();
await app.register(async (scope) => stageRoutes(scope, {
  media,
  authority: { authorizePublish: async () => seat, authorizeListen: async (): Promise<ListenGrant> => ({ kind: 'program' }) },
}));
app.get('/stats', async () => ({ ...media.stats(), memory: process.memoryUsage(), cpu: process.cpuUsage() }));
await app.listen({ host: '127.0.0.1', port: 0 });
media.openSpace(SPACE, { push: () => {}, end: () => {} });
const address = app.server.address();
console.log(JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0, udpPort: media.udpPort }));
process.on('SIGTERM', () => {
  void media.close().then(() => app.close()).then(() => process.exit(0));
});
