import { startEdge as startEdgeOn, type Edge, type EdgeOptions } from '../../src/local-cluster/nginx-edge.js';

export { cpuSeconds, freePort, NGINX_BIN, selfSignedCertificate, type Edge } from '../../src/local-cluster/nginx-edge.js';

/** The shipped edge in front of one or two origins (`tribune cluster` starts it the same way for N). */
export function startEdge(origins: { primary: string; secondary?: string }, extra: EdgeOptions = {}): Promise<Edge> {
  return startEdgeOn([origins.primary, ...(origins.secondary ? [origins.secondary] : [])], extra);
}
