import type { FastifyInstance } from 'fastify';
import { TribuneError } from '../../errors/catalogue.js';
import { defenceMetrics } from './metrics.js';
import { POW_HEADER, type ProofOfWork } from './proof-of-work.js';
import { classify } from './request-class.js';
import type { UnderAttack } from './under-attack.js';

/** WHEP offers open a long-lived media session: they are capped, never asked for work. */
const WHEP_OFFER = /^\/api\/v1\/spaces\/[^/]+\/whep$/;

/**
 * Under attack, anonymous writes, logins, registrations and listener tokens carry a proof of work.
 * The refusal (428 POW_REQUIRED) carries a fresh challenge, so a browser solves it and retries
 * without another round trip; scripts that flood pay for every request, honest pages once per action.
 */
export function installPowGate(app: FastifyInstance, underAttack: UnderAttack, pow: ProofOfWork): void {
  app.addHook('onRequest', async (request) => {
    const kind = classify(request);
    if (kind !== 'anonymous-write' && kind !== 'join') return;
    if (WHEP_OFFER.test(request.url.split('?')[0]!)) return;
    const state = underAttack.state();
    if (!state.underAttack) return;
    const proof = request.headers[POW_HEADER];
    if (pow.verify(typeof proof === 'string' ? proof : undefined, state.difficulty)) return;
    defenceMetrics.refusals.inc({ layer: 'proof-of-work', reason: proof ? 'invalid' : 'missing' });
    const challenge = pow.issue(state.difficulty);
    throw new TribuneError('POW_REQUIRED', { difficulty: state.difficulty }, { details: { ...challenge, header: POW_HEADER } });
  });
}
