import { parseArgs } from 'node:util';
import { EDGE_DEFAULTS, renderEdgeConfig } from '../audience/edge-config.js';

export const EDGE_CONFIG_HELP = `tribune edge-config — print the nginx configuration of an audience edge

Usage: tribune edge-config --listen <addr:port> --origin <host:port> [--origin <host:port> …] [options]

Prints a complete nginx.conf to stdout: LL-HLS and the room state cached and collapsed (one origin
request per part, whatever the audience), the client's real address passed on (start the origins with
--trust-proxy <this edge's address>), and per-address limits on writes, logins and WHIP/WHEP offers.
See docs/edge.md and docs/security.md.

Options:
  --listen <addr:port>     Where nginx listens (required), e.g. 0.0.0.0:80
  --origin <host:port>     An origin; repeat for each (required, any origin answers any request)
  --cache-dir <dir>        The cache (default /var/cache/tribune-edge)
  --temp-dir <dir>         nginx's temporary files (default /var/lib/tribune-edge)
  --user <name>            The user nginx's workers run as (default: nginx's own)
  --writes-rate <r>        API writes per client address (default ${EDGE_DEFAULTS.writesRate}, burst ${EDGE_DEFAULTS.writesBurst})
  --auth-rate <r>          Logins, registrations, listener tokens per address (default ${EDGE_DEFAULTS.authRate})
  --offers-rate <r>        WHIP/WHEP offers per address (default ${EDGE_DEFAULTS.offersRate})
  --connections <n>        Open connections per address (default ${EDGE_DEFAULTS.connectionsPerAddress})
  --tls-certificate <pem>  Serve HTTPS and HTTP/2 with this certificate chain (with --tls-key); HTTP/2
                           compresses the headers players repeat several times a second
  --tls-key <pem>          The certificate's private key
  -h, --help               This help

Example:
  tribune edge-config --listen 0.0.0.0:80 --origin 10.0.0.1:8080 --origin 10.0.0.2:8080 > /etc/nginx/nginx.conf
  tribune edge-config --listen 0.0.0.0:443 --origin 10.0.0.1:8080 \\
    --tls-certificate /etc/ssl/tribune/fullchain.pem --tls-key /etc/ssl/tribune/key.pem > /etc/nginx/nginx.conf
  nginx -t && nginx -s reload
`;

export async function edgeConfig(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv, strict: true, allowPositionals: false,
      options: {
        listen: { type: 'string' }, origin: { type: 'string', multiple: true }, 'cache-dir': { type: 'string' },
        'temp-dir': { type: 'string' }, user: { type: 'string' }, 'writes-rate': { type: 'string' },
        'auth-rate': { type: 'string' }, 'offers-rate': { type: 'string' }, connections: { type: 'string' },
        'tls-certificate': { type: 'string' }, 'tls-key': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    process.stderr.write(`tribune edge-config: ${(err as Error).message}\nRun 'tribune edge-config --help' for the options.\n`);
    return 2;
  }
  if (values.help) { process.stdout.write(EDGE_CONFIG_HELP); return 0; }
  if (!values.listen || !values.origin?.length) {
    process.stderr.write(`tribune edge-config: --listen and at least one --origin are required\nRun 'tribune edge-config --help' for the options.\n`);
    return 2;
  }
  if (!values['tls-certificate'] !== !values['tls-key']) {
    process.stderr.write(`tribune edge-config: --tls-certificate and --tls-key go together\n`);
    return 2;
  }
  const tls = values['tls-certificate'] && values['tls-key'] ? { certificate: values['tls-certificate'], key: values['tls-key'] } : undefined;
  const connections = values.connections === undefined ? undefined : Number(values.connections);
  if (connections !== undefined && !(Number.isInteger(connections) && connections > 0)) {
    process.stderr.write(`tribune edge-config: --connections must be a positive integer\n`);
    return 2;
  }
  try {
    process.stdout.write(renderEdgeConfig({
      listen: values.listen, origins: values.origin,
      cacheDir: values['cache-dir'] ?? '/var/cache/tribune-edge', tempDir: values['temp-dir'] ?? '/var/lib/tribune-edge',
      user: values.user, writesRate: values['writes-rate'], authRate: values['auth-rate'], offersRate: values['offers-rate'],
      connectionsPerAddress: connections, accessLog: '/var/log/nginx/tribune-edge.log', tls,
    }));
    return 0;
  } catch (err) {
    if (err instanceof TypeError) { process.stderr.write(`tribune ${err.message}\n`); return 2; }
    throw err;
  }
}
