import type { PlatformRole, User } from '../domain/types.js';
import { TribuneError } from '../errors/catalogue.js';
import type { Store } from '../store/store.js';
import { ANONYMOUS, demand, platformAccess, type Actor } from './actor.js';
import type { Clock } from './clock.js';
import { iso } from './clock.js';
import { decoyHash, hashPassword, hashToken, newId, newToken, TOKEN_PREFIX, verifyPassword } from './crypto.js';
import { LoginBackoff } from './login-backoff.js';
import { PasswordWork } from './password-work.js';

export interface Session { readonly token: string; readonly user: User; readonly expiresAt: string }

export class AuthService {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #ttlMs: number;
  readonly #work: PasswordWork;
  readonly #backoff = new LoginBackoff();

  constructor(store: Store, clock: Clock, options: { sessionTtlDays: number; passwordWork?: PasswordWork }) {
    this.#store = store;
    this.#clock = clock;
    this.#ttlMs = options.sessionTtlDays * 86_400_000;
    this.#work = options.passwordWork ?? new PasswordWork({ concurrency: 1, queue: 8 });
  }

  get passwordWork(): PasswordWork { return this.#work; }

  /**
   * A new account is a user. Administrators are made by the operator (`tribune admin create`), never
   * by being first: ten registrations racing on a fresh install once all became admins.
   */
  async register(input: { handle: string; password: string; displayName?: string }): Promise<Session> {
    const user = await this.#createUser(input, 'user');
    return this.#openSession(user, this.#clock.now());
  }

  /** The operator's bootstrap: a new account with the admin role, or an existing one promoted. */
  async createAdmin(input: { handle: string; password?: string; displayName?: string }): Promise<{ user: User; created: boolean }> {
    const existing = await this.#store.users.byHandle(input.handle);
    if (existing) {
      await this.#store.users.setPlatformRole(existing.id, 'admin');
      const { passwordHash: _, ...user } = existing;
      return { user: { ...user, platformRole: 'admin' }, created: false };
    }
    if (!input.password) throw new TribuneError('VALIDATION_FAILED', { detail: 'a password is needed to create an account' });
    return { user: await this.#createUser({ ...input, password: input.password }, 'admin'), created: true };
  }

  async #createUser(input: { handle: string; password: string; displayName?: string }, platformRole: PlatformRole): Promise<User> {
    const user = {
      id: newId('u'),
      handle: input.handle,
      displayName: input.displayName?.trim() || input.handle,
      platformRole,
      createdAt: iso(this.#clock.now()),
      passwordHash: await this.#work.run(() => hashPassword(input.password)),
    };
    if (!(await this.#store.users.create(user))) throw new TribuneError('HANDLE_TAKEN', { handle: input.handle });
    const { passwordHash: _, ...publicUser } = user;
    return publicUser;
  }

  async login(input: { handle: string; password: string }): Promise<Session> {
    const wait = this.#backoff.waitSeconds(input.handle, this.#clock.now());
    if (wait > 0) throw new TribuneError('RATE_LIMITED', { retryAfter: wait }, { details: { retryAfter: wait } });
    const record = await this.#store.users.byHandle(input.handle);
    const stored = record?.passwordHash ?? (await decoyHash());
    const ok = await this.#work.run(() => verifyPassword(input.password, stored));
    if (!record || !ok) {
      this.#backoff.failed(input.handle, this.#clock.now());
      throw new TribuneError('INVALID_CREDENTIALS');
    }
    this.#backoff.succeeded(input.handle);
    const { passwordHash: _, ...user } = record;
    return this.#openSession(user, this.#clock.now());
  }

  async logout(token: string): Promise<void> {
    await this.#store.sessions.delete(hashToken(token));
  }

  /** Resolves a bearer (or cookie) secret to an actor; an unknown or expired one is an error, not anonymity. */
  async authenticate(token: string | undefined): Promise<Actor> {
    if (!token) return ANONYMOUS;
    if (token.startsWith(TOKEN_PREFIX.stage)) return { user: null, inviteTokenHash: hashToken(token) };
    const session = await this.#store.sessions.byTokenHash(hashToken(token));
    if (!session || Date.parse(session.expiresAt) <= this.#clock.now()) throw new TribuneError('AUTH_REQUIRED');
    const user = await this.#store.users.byId(session.userId);
    if (!user) throw new TribuneError('AUTH_REQUIRED');
    return { user, inviteTokenHash: null };
  }

  /** Seconds until the session expires on the service's clock (the cookie's Max-Age). */
  secondsLeft(session: Session): number {
    return Math.max(0, Math.floor((Date.parse(session.expiresAt) - this.#clock.now()) / 1000));
  }

  async setPlatformRole(actor: Actor, userId: string, role: PlatformRole): Promise<User> {
    demand(platformAccess(actor), 'platform.set-role');
    const target = await this.#store.users.byId(userId);
    if (!target) throw new TribuneError('USER_NOT_FOUND', { userId });
    await this.#store.users.setPlatformRole(userId, role);
    return { ...target, platformRole: role };
  }

  async #openSession(user: User, now: number): Promise<Session> {
    const token = newToken('session');
    const expiresAt = iso(now + this.#ttlMs);
    await this.#store.sessions.create({ tokenHash: hashToken(token), userId: user.id, createdAt: iso(now), expiresAt });
    return { token, user, expiresAt };
  }
}
