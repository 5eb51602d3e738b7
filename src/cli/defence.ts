import { parseArgs } from 'node:util';

export const DEFENCE_HELP = `tribune defence — read or switch an origin's defences (docs/security.md)

Usage: tribune defence <status|on|off|auto> --url <origin> [--token <admin token>]

  status   The load-shedding level, the gauges behind it, and under-attack mode
  on       Under-attack mode on: anonymous writes, logins, registrations and listener tokens must
           carry a proof of work (the web app solves it in the background)
  off      Under-attack mode off
  auto     On while the origin sheds load, and for a while after (the default)

Options:
  --url <origin>     The origin, e.g. http://10.0.0.1:8080 (each origin has its own switch)
  --token <token>    An admin's session token (or TRIBUNE_ADMIN_TOKEN in the environment)
  -h, --help         This help
`;

interface DefenceState {
  setting: string; underAttack: boolean; difficulty: number;
  pressure: { level: number; eventLoopDelayMs: number; rssMb: number; inFlight: number };
}

export async function defence(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, strict: true, allowPositionals: true, options: { url: { type: 'string' }, token: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (err) {
    process.stderr.write(`tribune defence: ${(err as Error).message}\nRun 'tribune defence --help'.\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) { process.stdout.write(DEFENCE_HELP); return 0; }
  const [verb, ...extra] = positionals;
  const token = values.token ?? process.env.TRIBUNE_ADMIN_TOKEN;
  if (!verb || !['status', 'on', 'off', 'auto'].includes(verb) || extra.length || !values.url || !token) {
    process.stderr.write(`tribune defence: usage: tribune defence <status|on|off|auto> --url <origin> --token <admin token>\n`);
    return 2;
  }
  let base: URL;
  try { base = new URL('/api/v1/admin/defence', values.url); } catch {
    process.stderr.write(`tribune defence: --url ${values.url} is not a URL\n`);
    return 2;
  }
  const res = await fetch(base, {
    method: verb === 'status' ? 'GET' : 'PUT',
    headers: { authorization: `Bearer ${token}`, ...(verb === 'status' ? {} : { 'content-type': 'application/json' }) },
    ...(verb === 'status' ? {} : { body: JSON.stringify({ underAttack: verb }) }),
    signal: AbortSignal.timeout(10_000),
  }).catch((err: Error) => err);
  if (res instanceof Error) { process.stderr.write(`tribune defence: ${base.origin} did not answer: ${res.message}\n`); return 1; }
  const body = await res.json().catch(() => null) as DefenceState | { error?: { code: string; message: string } } | null;
  if (!res.ok || !body || !('setting' in body)) {
    const error = body && 'error' in body ? body.error : undefined;
    process.stderr.write(`tribune defence: ${res.status} ${error?.code ?? ''} ${error?.message ?? ''}\n`);
    return 1;
  }
  const p = body.pressure;
  process.stdout.write([
    `under-attack mode: ${body.setting} (${body.underAttack ? `ON, ${body.difficulty} bits of work asked` : 'off'})`,
    `load shedding:     level ${p.level} of 3 (event-loop delay ${p.eventLoopDelayMs} ms, RSS ${p.rssMb} MB, ${p.inFlight} writes in flight)`,
    '',
  ].join('\n'));
  return 0;
}
