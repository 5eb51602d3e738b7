import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { ControlContext } from '../context.js';
import { presentUser } from '../presenters.js';
import { addressKey, admit } from '../rate-limits.js';
import { actorOf } from '../request-context.js';
import { credentialOf, SESSION_COOKIE } from '../../http/credentials.js';
import { Credentials, ErrorBody, Id, LoginBody, PlatformRoleBody, SessionView, UserView } from '../schemas.js';
import type { Session } from '../../services/auth-service.js';
import { requireUser } from '../../services/actor.js';

export function authRoutes(app: FastifyInstance, ctx: ControlContext): void {
  const secure = ctx.config.publicUrl?.startsWith('https:') ?? false;
  const setCookie = (reply: FastifyReply, session: Session) => {
    reply.header('set-cookie', `${SESSION_COOKIE}=${session.token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${ctx.auth.secondsLeft(session)}${secure ? '; Secure' : ''}`);
  };
  const sessionResponse = (session: Session) => ({ token: session.token, user: presentUser(session.user), expiresAt: session.expiresAt });

  app.post('/api/v1/auth/register', {
    schema: { tags: ['accounts'], summary: 'Create an account (a user: admins are made with `tribune admin create`)', body: Credentials, response: { 201: SessionView, '4xx': ErrorBody } },
  }, async (request, reply) => {
    await admit(ctx.limits.auth, addressKey(request));
    const session = await ctx.auth.register(request.body as { handle: string; password: string; displayName?: string });
    setCookie(reply, session);
    return reply.code(201).send(sessionResponse(session));
  });

  app.post('/api/v1/auth/login', {
    schema: { tags: ['accounts'], summary: 'Log in; returns a bearer token and sets the session cookie', body: LoginBody, response: { 200: SessionView, '4xx': ErrorBody } },
  }, async (request, reply) => {
    await admit(ctx.limits.auth, addressKey(request));
    const session = await ctx.auth.login(request.body as { handle: string; password: string });
    setCookie(reply, session);
    return sessionResponse(session);
  });

  app.post('/api/v1/auth/logout', {
    schema: { tags: ['accounts'], summary: 'End this session', response: { 204: Type.Null(), '4xx': ErrorBody } },
  }, async (request, reply) => {
    const token = credentialOf(request.headers);
    if (token) await ctx.auth.logout(token);
    reply.header('set-cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`);
    return reply.code(204).send();
  });

  app.get('/api/v1/me', {
    schema: { tags: ['accounts'], summary: 'The logged-in account', response: { 200: UserView, '4xx': ErrorBody } },
  }, async (request) => presentUser(requireUser(await actorOf(request, ctx.auth))));

  app.put('/api/v1/users/:userId/platform-role', {
    schema: { tags: ['accounts'], summary: 'Make an account a moderator, an admin or a plain user (admins only)', params: Type.Object({ userId: Id }, { additionalProperties: false }), body: PlatformRoleBody, response: { 200: UserView, '4xx': ErrorBody } },
  }, async (request) => {
    const { userId } = request.params as { userId: string };
    const { role } = request.body as { role: 'user' | 'moderator' | 'admin' };
    return presentUser(await ctx.auth.setPlatformRole(await actorOf(request, ctx.auth), userId, role));
  });
}
