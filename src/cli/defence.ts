import { parseArgs } from 'node:util';

export const DEFENCE_HELP = `tribune defence — read or switch an origin's defences (docs/security.md)

Usage: tribune defence <status|on|off|auto> --url <origin> [--token <admin token>]
       tribune defence room <status|on|off|auto> [room options] --url <origin> [--token <admin token>]

  status   The load-shedding level, the gauges behind it, and under-attack mode
  on       Under-attack mode on: anonymous writes, logins, registrations and listener tokens must
           carry a proof of work (the web app solves it in the background)
  off      Under-attack mode off
  auto     On while the origin sheds load, and for a while after (the default)

  room status          The waiting room: open or not, its limits, the queue, the active users
  room on|off|auto     Open it, close it, or open it while under-attack mode is on
                       (the queue is one for the whole cluster; the settings are each origin's)
Room options (with a room verb, 'status' included, they change the limits):
  --active-users <n>       totalActiveUsers: users admitted at once
  --users-per-minute <n>   newUsersPerMinute: admissions in any minute
  --session-minutes <n>    An admitted user idle this long gives back their place
  --ticket-minutes <n>     A waiting user who stops checking in leaves the queue after this

Options:
  --url <origin>     The origin, e.g. http://10.0.0.1:8080 (each origin has its own switch)
  --token <token>    An admin's session token (or TRIBUNE_ADMIN_TOKEN in the environment)
  -h, --help         This help
`;

interface RoomState {
  setting: string; open: boolean; totalActiveUsers: number; newUsersPerMinute: number; sessionMinutes: number; ticketMinutes: number;
  waiting: number; active: number; admittedLastMinute: number;
}

const ROOM_OPTIONS = { 'active-users': 'totalActiveUsers', 'users-per-minute': 'newUsersPerMinute', 'session-minutes': 'sessionMinutes', 'ticket-minutes': 'ticketMinutes' } as const;

interface DefenceState {
  setting: string; underAttack: boolean; difficulty: number;
  pressure: { level: number; eventLoopDelayMs: number; rssMb: number; inFlight: number };
}

export async function defence(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, strict: true, allowPositionals: true, options: {
      url: { type: 'string' }, token: { type: 'string' }, help: { type: 'boolean', short: 'h' },
      ...Object.fromEntries(Object.keys(ROOM_OPTIONS).map((o) => [o, { type: 'string' as const }])),
    } });
  } catch (err) {
    process.stderr.write(`tribune defence: ${(err as Error).message}\nRun 'tribune defence --help'.\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) { process.stdout.write(DEFENCE_HELP); return 0; }
  const token = values.token ?? process.env.TRIBUNE_ADMIN_TOKEN;
  if (positionals[0] === 'room') return room(positionals.slice(1), values as Record<string, string | undefined>, token);
  const [verb, ...extra] = positionals;
  if (!verb || !['status', 'on', 'off', 'auto'].includes(verb) || extra.length || !values.url || !token) {
    process.stderr.write(`tribune defence: usage: tribune defence <status|on|off|auto> --url <origin> --token <admin token>\n`);
    return 2;
  }
  let base: URL;
  try { base = new URL('/api/v1/admin/defence', values.url); } catch {
    process.stderr.write(`tribune defence: --url ${values.url} is not a URL\n`);
    return 2;
  }
  const body = await ask<DefenceState>(base, token, verb === 'status' ? undefined : { underAttack: verb });
  if (!body) return 1;
  const p = body.pressure;
  process.stdout.write([
    `under-attack mode: ${body.setting} (${body.underAttack ? `ON, ${body.difficulty} bits of work asked` : 'off'})`,
    `load shedding:     level ${p.level} of 3 (event-loop delay ${p.eventLoopDelayMs} ms, RSS ${p.rssMb} MB, ${p.inFlight} writes in flight)`,
    '',
  ].join('\n'));
  return 0;
}

/** GET (no body) or PUT `body`; the answer, or null once the problem is said on stderr. */
async function ask<T extends { setting: string }>(url: URL, token: string, body: object | undefined): Promise<T | null> {
  const res = await fetch(url, {
    method: body === undefined ? 'GET' : 'PUT',
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(10_000),
  }).catch((err: Error) => err);
  if (res instanceof Error) { process.stderr.write(`tribune defence: ${url.origin} did not answer: ${res.message}\n`); return null; }
  const answer = await res.json().catch(() => null) as T | { error?: { code: string; message: string } } | null;
  if (!res.ok || !answer || !('setting' in answer)) {
    const error = answer && 'error' in answer ? answer.error : undefined;
    process.stderr.write(`tribune defence: ${res.status} ${error?.code ?? ''} ${error?.message ?? ''}\n`);
    return null;
  }
  return answer;
}

async function room(positionals: string[], values: Record<string, string | undefined>, token: string | undefined): Promise<number> {
  const [verb, ...extra] = positionals;
  if (!verb || !['status', 'on', 'off', 'auto'].includes(verb) || extra.length || !values.url || !token) {
    process.stderr.write(`tribune defence: usage: tribune defence room <status|on|off|auto> [--active-users n] [--users-per-minute n] --url <origin> --token <admin token>\n`);
    return 2;
  }
  const change: Record<string, string | number> = verb === 'status' ? {} : { setting: verb };
  for (const [option, field] of Object.entries(ROOM_OPTIONS)) {
    const raw = values[option];
    if (raw === undefined) continue;
    if (!/^\d+(\.\d+)?$/.test(raw)) { process.stderr.write(`tribune defence: --${option} takes a number, not ${raw}\n`); return 2; }
    change[field] = Number(raw);
  }
  let url: URL;
  try { url = new URL('/api/v1/admin/waiting-room', values.url); } catch {
    process.stderr.write(`tribune defence: --url ${values.url} is not a URL\n`);
    return 2;
  }
  const body = await ask<RoomState>(url, token, Object.keys(change).length ? change : undefined);
  if (!body) return 1;
  process.stdout.write([
    `waiting room: ${body.setting} (${body.open ? 'OPEN: interactive requests queue' : 'not holding anyone'})`,
    `limits:       ${body.totalActiveUsers} active users, ${body.newUsersPerMinute} new a minute, sessions ${body.sessionMinutes} min idle, tickets ${body.ticketMinutes} min`,
    `now:          ${body.waiting} waiting, ${body.active} active, ${body.admittedLastMinute} admitted in the last minute`,
    '',
  ].join('\n'));
  return 0;
}
