import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { validateStatement, type FieldErrors } from '../../src/trust-safety/statement-rules.js';

/**
 * A local stand-in for the DSA Transparency Database API, validating as it does: bearer token,
 * 1 to 100 statements per call, each checked field by field, puids unique per platform, and a 422 with
 * errors keyed `statement_<index>` that stores nothing of the batch.
 */
export interface DsaStandIn {
  readonly url: string;
  readonly stored: Map<string, Record<string, unknown>>;
  readonly calls: Array<{ status: number; size: number }>;
  close(): Promise<void>;
}

export async function startDsaStandIn(token: string): Promise<DsaStandIn> {
  const stored = new Map<string, Record<string, unknown>>();
  const calls: Array<{ status: number; size: number }> = [];
  const server: Server = createServer((req, res) => {
    const send = (status: number, body: unknown, size = 0) => {
      calls.push({ status, size });
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    const existing = /^\/api\/v1\/statement\/existing-puid\/([^/]+)$/.exec(req.url ?? '');
    if (req.headers.authorization !== `Bearer ${token}`) return send(401, { message: 'Unauthenticated.' });
    if (req.method === 'GET' && existing) return stored.has(existing[1]!) ? send(302, { puid: existing[1] }) : send(404, { message: 'statement not found' });
    if (req.method !== 'POST' || req.url !== '/api/v1/statements') return send(404, { message: 'Not found' });
    let raw = '';
    req.on('data', (c: Buffer) => { raw += c.toString(); });
    req.on('end', () => {
      let body: { statements?: unknown };
      try { body = JSON.parse(raw) as { statements?: unknown }; } catch { return send(400, { message: 'Malformed JSON' }); }
      const statements = body.statements;
      if (!Array.isArray(statements) || statements.length < 1 || statements.length > 100) {
        return send(422, { message: 'The statements field must have between 1 and 100 items.', errors: { statements: ['The statements field must have between 1 and 100 items.'] } });
      }
      const errors: Record<string, FieldErrors> = {};
      const seen = new Set<string>();
      statements.forEach((s: Record<string, unknown>, i) => {
        const e = validateStatement(s);
        const puid = typeof s.puid === 'string' ? s.puid : '';
        if (puid && (stored.has(puid) || seen.has(puid))) (e.puid ??= []).push('The identifier given is not unique within this platform.');
        seen.add(puid);
        if (Object.keys(e).length) errors[`statement_${i}`] = e;
      });
      if (Object.keys(errors).length) return send(422, { message: 'The given data was invalid.', errors }, statements.length);
      for (const s of statements as Array<Record<string, unknown>>) stored.set(s.puid as string, s);
      return send(201, { statements: statements.map((s: Record<string, unknown>) => ({ ...s, uuid: crypto.randomUUID() })) }, statements.length);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stored, calls,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
