import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Agent } from 'node:https';
import { join } from 'node:path';
import webpush from 'web-push';
import type { Space } from '../domain/types.js';
import type { PushSubscriptionRecord, Store } from '../store/store.js';

export interface VapidKeys { readonly publicKey: string; readonly privateKey: string }

/** The install's VAPID key pair (RFC 8292), made once and kept in the data directory like the secret. */
export function loadVapidKeys(dataDir: string): VapidKeys {
  const file = join(dataDir, 'vapid.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as VapidKeys;
  const keys = webpush.generateVAPIDKeys();
  writeFileSync(file, JSON.stringify(keys), { mode: 0o600, flag: 'wx' });
  return keys;
}

const PAGE = 200;
const PARALLEL = 8;

/**
 * Web Push at go-live, encrypted per RFC 8291 by the web-push package. Subscriptions are read in
 * pages from the follows and reminders (nothing written per follower); a subscription the push
 * service says is gone (404, 410) is deleted. Runs in the background: going live never waits for it.
 * The go-live is claimed in the store first, so it is pushed once however many origins are told of it.
 */
export class PushNotifier {
  readonly #store: Store;
  readonly #keys: VapidKeys;
  readonly #subject: string;
  readonly #agent: Agent | undefined;
  readonly #onError: (err: unknown) => void;
  #running = new Set<Promise<void>>();

  constructor(deps: { store: Store; keys: VapidKeys; subject: string; agent?: Agent | undefined; onError?: (err: unknown) => void }) {
    this.#store = deps.store;
    this.#keys = deps.keys;
    this.#subject = deps.subject;
    this.#agent = deps.agent;
    this.#onError = deps.onError ?? (() => {});
  }

  get publicKey(): string { return this.#keys.publicKey; }

  spaceLive(space: Space, url: string): void {
    const run = (async () => {
      if (!(await this.#store.follows.claimGoLivePush(space.id, new Date().toISOString()))) return;
      const host = (await this.#store.users.byId(space.hostId))?.displayName ?? '';
      await this.#fanOut(space, JSON.stringify({ type: 'space.live', spaceId: space.id, title: space.title, host, url }));
    })().catch(this.#onError).finally(() => this.#running.delete(run));
    this.#running.add(run);
  }

  /** Resolves when every push started so far is done (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.#running.size) await Promise.all([...this.#running]);
  }

  async #fanOut(space: Space, payload: string): Promise<void> {
    let after = '';
    for (;;) {
      const page = await this.#store.follows.pushAudience(space.hostId, space.id, after, PAGE);
      for (let i = 0; i < page.length; i += PARALLEL) await Promise.all(page.slice(i, i + PARALLEL).map((s) => this.#send(s, payload)));
      if (page.length < PAGE) return;
      after = page[page.length - 1]!.endpoint;
    }
  }

  async #send(sub: PushSubscriptionRecord, payload: string): Promise<void> {
    try {
      await webpush.sendNotification({ endpoint: sub.endpoint, keys: { p256dh: sub.p256dh, auth: sub.auth } }, payload, {
        vapidDetails: { subject: this.#subject, publicKey: this.#keys.publicKey, privateKey: this.#keys.privateKey },
        TTL: 600, contentEncoding: 'aes128gcm', urgency: 'high',
        ...(this.#agent ? { agent: this.#agent } : {}),
      });
    } catch (err) {
      const status = (err as { statusCode?: number }).statusCode;
      if (status === 404 || status === 410) await this.#store.follows.deletePushSubscription(sub.endpoint);
      else this.#onError(err);
    }
  }
}
