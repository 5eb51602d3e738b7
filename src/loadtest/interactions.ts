import type { HttpClient } from './http-client.js';
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
}

/** The audience's writes: questions, votes and reactions, each from its own simulated client. */
export class Interactions {
  questions = 0;
  votes = 0;
  reactions = 0;
  approved = 0;
  accountsFailed = 0;
  readonly #client: HttpClient;
  readonly #scheduler: Scheduler;
  readonly #options: InteractionOptions;
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
        return await accountToken(this.#client, runHandle('lt', i + 1, o.run), `loadtest-${o.run}-${i}`, true);
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
    return h;
  }

  #asker(token: string, i: number): void {
    const ask = (n: number): void => {
      if (this.#stopped) return;
      const text = `Load test question ${n} from asker ${i}: how does this scale?`;
      this.#client.request(`/api/v1/spaces/${this.#options.spaceId}/questions`, { method: 'POST', body: JSON.stringify({ text }), headers: this.#headers(token, i) }, (res) => {
        if (res.status === 201) this.questions += 1;
      });
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
            this.#client.request(`/api/v1/spaces/${this.#options.spaceId}/questions/${pick.id}/vote`, { method: 'POST', body: '{}', headers: this.#headers(token, 1000 + i) }, (r) => {
              if (r.status === 200) this.votes += 1;
            });
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
    this.#client.request(`/api/v1/spaces/${this.#options.spaceId}/reactions`, { method: 'POST', body: JSON.stringify({ reaction }), headers: this.#headers(undefined, 5000 + i) }, (res) => {
      if (res.status === 202) this.reactions += 1;
    });
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
