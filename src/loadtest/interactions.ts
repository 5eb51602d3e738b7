import type { HttpClient, HttpResponse } from './http-client.js';
import { Counter } from './stats.js';
import type { Scheduler } from './scheduler.js';
import { accountToken, runHandle } from './setup.js';

const REACTIONS = ['clap', 'heart', 'laugh', 'fire', 'thumbsup', 'thinking', 'hundred'] as const;

export interface InteractionOptions {
  readonly spaceId: string;
  readonly run: string;
  readonly askers: number;
  readonly voters: number;
  readonly tappers: number;
  readonly tapIntervalMs: number;
  readonly askIntervalMs: number;
  readonly voteIntervalMs: number;
  readonly spoofForwardedFor: boolean;
  /** With the host's token, pending questions are approved (as a moderator would) so voters see them. */
  readonly hostToken: string | undefined;
  readonly moderateIntervalMs: number;
  /** Each account's (and tapper's) own loopback source address; undefined: the machine's. */
  readonly addressOf?: ((i: number) => string) | undefined;
  /** True while the attack's flood runs: writes sent then are also counted on their own. */
  readonly flooding?: (() => boolean) | undefined;
}

/** Why a write was not accepted: "origin RATE_LIMITED", "edge 429", "no answer timeout", "http 500". */
export function refusalOf(res: HttpResponse): string {
  if (res.error) return `no answer ${res.error}`;
  const body = res.body.toString('utf8', 0, Math.min(res.body.length, 512));
  const code = /"code"\s*:\s*"([A-Z_]+)"/.exec(body)?.[1];
  if (code) return `origin ${code}`;
  if (/<center>nginx/.test(body)) return `edge ${res.status}`;
  return `http ${res.status}`;
}

/** The audience's writes: questions, votes and reactions, each from its own simulated client. */
export class Interactions {
  questions = 0;
  votes = 0;
  reactions = 0;
  approved = 0;
  accountsFailed = 0;
  /** Honest writes (questions, votes, reactions) sent, accepted, and why the others were refused. */
  writesAttempted = 0;
  writesAccepted = 0;
  readonly refusals = new Counter();
  readonly duringFlood = { attempted: 0, accepted: 0, refusals: new Counter() };
  readonly #client: HttpClient;
  readonly #scheduler: Scheduler;
  readonly #options: InteractionOptions;
  /** Each simulated client's waiting-room ticket or pass, sent with its next write as a browser would. */
  readonly #tickets = new Map<number, string>();
  #stopped = false;

  constructor(client: HttpClient, scheduler: Scheduler, options: InteractionOptions) {
    this.#client = client;
    this.#scheduler = scheduler;
    this.#options = options;
  }

  async start(): Promise<void> {
    const o = this.#options;
    // Accounts are made a few at a time: registration hashes a password (deliberately slow).
    const tokens = await mapLimited(o.askers + o.voters, 8, async (i) => {
      try {
        return await accountToken(this.#client, runHandle('lt', i + 1, o.run), `loadtest-${o.run}-${i}`, true, o.addressOf?.(i));
      } catch {
        this.accountsFailed += 1;
        return undefined;
      }
    });
    tokens.slice(0, o.askers).forEach((token, i) => { if (token) this.#asker(token, i); });
    tokens.slice(o.askers).forEach((token, i) => { if (token) this.#voter(token, new Set(), i); });
    if (o.hostToken && o.askers > 0) this.#moderate(o.hostToken);
    for (let i = 0; i < o.tappers; i++) this.#scheduler.after(Math.random() * o.tapIntervalMs, () => this.#tap(i));
  }

  stop(): void {
    this.#stopped = true;
  }

  #headers(token: string | undefined, id: number): Record<string, string> {
    const h: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    if (this.#options.spoofForwardedFor) h['x-forwarded-for'] = `10.250.${(id >> 8) & 255}.${id & 255}`;
    const ticket = this.#tickets.get(id);
    if (ticket) h['x-tribune-ticket'] = ticket;
    return h;
  }

  /** One honest write: counted as attempted, then accepted (the expected status) or refused with its reason. */
  #write(path: string, body: string, token: string | undefined, id: number, expect: number, onAccepted: () => void): void {
    const flood = this.#options.flooding?.() ? this.duringFlood : undefined;
    this.writesAttempted += 1;
    if (flood) flood.attempted += 1;
    this.#client.request(path, { method: 'POST', body, headers: this.#headers(token, id), localAddress: this.#options.addressOf?.(id) }, (res) => {
      // Held in the waiting room (a refusal like any other here): the next write checks in with it.
      const ticket = res.headers['x-tribune-ticket'];
      if (typeof ticket === 'string') this.#tickets.set(id, ticket);
      else if (/ROOM_TICKET_/.test(refusalOf(res))) this.#tickets.delete(id);
      if (res.status === expect) {
        this.writesAccepted += 1;
        if (flood) flood.accepted += 1;
        onAccepted();
      } else {
        const why = refusalOf(res);
        this.refusals.add(why);
        flood?.refusals.add(why);
      }
    });
  }

  #asker(token: string, i: number): void {
    const ask = (n: number): void => {
      if (this.#stopped) return;
      const text = `Load test question ${n} from asker ${i}: how does this scale?`;
      this.#write(`/api/v1/spaces/${this.#options.spaceId}/questions`, JSON.stringify({ text }), token, i, 201, () => { this.questions += 1; });
      this.#scheduler.after(this.#options.askIntervalMs, () => ask(n + 1));
    };
    this.#scheduler.after(Math.random() * 2000, () => ask(1));
  }

  #voter(token: string, voted: Set<string>, i: number): void {
    const vote = (): void => {
      if (this.#stopped) return;
      this.#client.getShared(`/api/v1/spaces/${this.#options.spaceId}/questions`, (res) => {
        if (this.#stopped) return;
        if (res.status === 200) {
          res.parsed ??= safeJson(res.body.toString());
          const list = ((res.parsed as { questions?: Array<{ id: string }> } | undefined)?.questions ?? []).filter((q) => !voted.has(q.id));
          const pick = list[Math.floor(Math.random() * list.length)];
          if (pick) {
            voted.add(pick.id);
            this.#write(`/api/v1/spaces/${this.#options.spaceId}/questions/${pick.id}/vote`, '{}', token, this.#options.askers + i, 200, () => { this.votes += 1; });
          }
        }
        this.#scheduler.after(this.#options.voteIntervalMs, vote);
      });
    };
    this.#scheduler.after(1000 + Math.random() * this.#options.voteIntervalMs, vote);
  }

  #moderate(token: string): void {
    if (this.#stopped) return;
    const auth = { authorization: `Bearer ${token}` };
    this.#client.request(`/api/v1/spaces/${this.#options.spaceId}/questions?state=pending`, { headers: auth }, (res) => {
      const pending = res.status === 200 ? (safeJson(res.body.toString()) as { questions?: Array<{ id: string }> } | undefined)?.questions ?? [] : [];
      for (const q of pending.slice(0, 50)) {
        this.#client.request(`/api/v1/spaces/${this.#options.spaceId}/questions/${q.id}/action`, { method: 'POST', body: JSON.stringify({ action: 'approve' }), headers: auth }, (r) => {
          if (r.status === 200) this.approved += 1;
        });
      }
      this.#scheduler.after(this.#options.moderateIntervalMs, () => this.#moderate(token));
    });
  }

  #tap(i: number): void {
    if (this.#stopped) return;
    const reaction = REACTIONS[Math.floor(Math.random() * REACTIONS.length)];
    this.#write(`/api/v1/spaces/${this.#options.spaceId}/reactions`, JSON.stringify({ reaction }), undefined, this.#options.askers + this.#options.voters + i, 202, () => { this.reactions += 1; });
    this.#scheduler.after(this.#options.tapIntervalMs, () => this.#tap(i));
  }
}

function safeJson(text: string): unknown {
  try { return JSON.parse(text); } catch { return undefined; }
}

async function mapLimited<T>(count: number, limit: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out = new Array<T>(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) { const i = next++; out[i] = await fn(i); }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
  return out;
}
