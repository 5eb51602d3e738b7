import { parseArgs } from 'node:util';
import { EDGE_DEFAULTS, renderEdgeConfig, renderVarnishConfig, VARNISH_DEFAULTS, varnishdCommand } from '../audience/edge-config.js';

export const EDGE_CONFIG_HELP = `tribune edge-config — print the nginx configuration of an audience edge

Usage: tribune edge-config --listen <addr:port> --origin <host:port> [--origin <host:port> …] [options]
       tribune edge-config --varnish --listen <host:port> --origin <host:port> [--origin <host:port> …]

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
  --stream-cache <host:port>
                           Send segments (/hls/<id>/seg-<n>.m4s) to the streaming cache at this address,
                           a varnishd on this host running the --varnish configuration, unbuffered.
                           The origin answers the segment it is still producing part by part as it
                           produces it; nginx's cache would make every listener but one wait for the
                           whole segment (2 s), the streaming cache hands each listener the bytes so
                           far, then the rest as they arrive, for one origin request per segment.
  --varnish                Print the streaming cache's configuration instead: a VCL 4.1 for Varnish 7
                           (--listen is then where varnishd listens, its -a; --origin as for nginx, each
                           probed on /healthz). Takes no other option. Its header holds the varnishd
                           command line.
  -h, --help               This help

Example:
  tribune edge-config --listen 0.0.0.0:80 --origin 10.0.0.1:8080 --origin 10.0.0.2:8080 > /etc/nginx/nginx.conf
  tribune edge-config --listen 0.0.0.0:443 --origin 10.0.0.1:8080 \\
    --tls-certificate /etc/ssl/tribune/fullchain.pem --tls-key /etc/ssl/tribune/key.pem > /etc/nginx/nginx.conf
  nginx -t && nginx -s reload

  # With the streaming cache: two processes on each edge host, nginx in front, Varnish behind it.
  tribune edge-config --varnish --listen 127.0.0.1:6081 --origin 10.0.0.1:8080 --origin 10.0.0.2:8080 > ${VARNISH_DEFAULTS.vclPath}
  # varnishd as varnish.service runs it (its ExecStart: systemctl edit --full varnish; then restart it):
  #   ${varnishdCommand({ listen: '127.0.0.1:6081', origins: [] })}
  tribune edge-config --listen 0.0.0.0:80 --origin 10.0.0.1:8080 --origin 10.0.0.2:8080 \\
    --stream-cache 127.0.0.1:6081 > /etc/nginx/nginx.conf
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
        'tls-certificate': { type: 'string' }, 'tls-key': { type: 'string' }, 'stream-cache': { type: 'string' },
        varnish: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
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
  const { listen, origin: origins } = values;
  if (values.varnish) {
    const nginxOnly = Object.keys(values).filter((k) => !['varnish', 'listen', 'origin'].includes(k));
    if (nginxOnly.length > 0) {
      process.stderr.write(`tribune edge-config: --varnish takes --listen and --origin only (not ${nginxOnly.map((k) => `--${k}`).join(', ')})\n`);
      return 2;
    }
    return render(() => renderVarnishConfig({ listen, origins }));
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
  return render(() => renderEdgeConfig({
    listen, origins,
    cacheDir: values['cache-dir'] ?? '/var/cache/tribune-edge', tempDir: values['temp-dir'] ?? '/var/lib/tribune-edge',
    user: values.user, writesRate: values['writes-rate'], authRate: values['auth-rate'], offersRate: values['offers-rate'],
    connectionsPerAddress: connections, accessLog: '/var/log/nginx/tribune-edge.log', tls, streamCache: values['stream-cache'],
  }));
}

/** Prints a rendered configuration; a value the renderer refuses (a TypeError) is the caller's mistake: exit 2. */
function render(config: () => string): number {
  try {
    process.stdout.write(config());
    return 0;
  } catch (err) {
    if (err instanceof TypeError) { process.stderr.write(`tribune ${err.message}\n`); return 2; }
    throw err;
  }
}
