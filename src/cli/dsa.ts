import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULTS } from '../config/defaults.js';
import { createPostgresStore } from '../store/postgres/index.js';
import { createSqliteStore } from '../store/sqlite/index.js';
import type { Store } from '../store/store.js';
import type { StatementStoreRequest } from '../trust-safety/dsa-format.js';
import { submitStatements } from '../trust-safety/submit.js';
import { batches, exportStatements } from '../trust-safety/transparency.js';

export const DSA_HELP = `tribune dsa — statements of reasons for the DSA Transparency Database (Art. 24(5))

Usage:
  tribune dsa export --from YYYY-MM-DD --to YYYY-MM-DD [--out file.json] [--data-dir DIR | --database-url URL]
  tribune dsa submit --endpoint URL --token T (--file export.json | --from … --to …) [--data-dir DIR | --database-url URL]

export   writes {"statements": [...]} in the StatementStoreRequest format (stdout without --out)
submit   POSTs them to <URL>/api/v1/statements in batches of at most 100, skips the puids already
         accepted, records the accepted ones in the data directory, and prints what was refused
         (exit 1 if anything was)

--data-dir defaults to TRIBUNE_DATA_DIR, else ${DEFAULTS.dataDir}. Both read the SQLite store directly
(a running server may keep running). A cluster's PostgreSQL is read with --database-url (or
TRIBUNE_DATABASE_URL), the URL its origins are given.
`;

const OPTIONS = {
  from: { type: 'string' }, to: { type: 'string' }, out: { type: 'string' }, file: { type: 'string' },
  endpoint: { type: 'string' }, token: { type: 'string' }, 'data-dir': { type: 'string' }, 'database-url': { type: 'string' }, help: { type: 'boolean', short: 'h' },
} as const;

export async function dsa(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  let values: ReturnType<typeof parseArgs<{ args: string[]; options: typeof OPTIONS; strict: true }>>['values'];
  try {
    ({ values } = parseArgs({ args: rest, options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (err) {
    process.stderr.write(`tribune dsa: ${(err as Error).message}\n`);
    return 2;
  }
  if (values.help || (sub !== 'export' && sub !== 'submit')) {
    process.stdout.write(DSA_HELP);
    return values.help ? 0 : 2;
  }
  const dataDir = resolve(values['data-dir'] ?? process.env.TRIBUNE_DATA_DIR ?? DEFAULTS.dataDir);
  const usage = (message: string) => { process.stderr.write(`tribune dsa ${sub}: ${message}\n`); return 2; };
  // Arguments first: a wrong call must not create a database where there was none.
  if (sub === 'export' && (!values.from || !values.to)) return usage('--from and --to are required');
  if (sub === 'submit' && (!values.endpoint || !values.token)) return usage('--endpoint and --token are required');
  if (sub === 'submit' && !values.file && !(values.from && values.to)) return usage('give --file, or --from and --to');
  const databaseUrl = values['database-url'] ?? process.env.TRIBUNE_DATABASE_URL;
  if (!databaseUrl && !existsSync(join(dataDir, 'tribune.db'))) return usage(`no Tribune database in ${dataDir} (give --data-dir or --database-url)`);
  const store: Store = databaseUrl ? await createPostgresStore({ url: databaseUrl, maxConnections: 2 }) : createSqliteStore(dataDir);
  try {
    if (sub === 'export') {
      const statements = await exportStatements(store, values.from!, values.to!);
      const json = `${JSON.stringify({ statements }, null, 2)}\n`;
      if (values.out) {
        writeFileSync(values.out, json);
        process.stderr.write(`${statements.length} statements (${batches(statements).length} batches of at most 100) written to ${values.out}\n`);
      } else process.stdout.write(json);
      return 0;
    }
    let statements: StatementStoreRequest[];
    if (values.file) statements = (JSON.parse(readFileSync(values.file, 'utf8')) as { statements: StatementStoreRequest[] }).statements;
    else statements = await exportStatements(store, values.from!, values.to!);
    const outcome = await submitStatements(statements, {
      endpoint: values.endpoint!, token: values.token!,
      alreadySubmitted: await store.trustSafety.submitted(statements.map((s) => s.puid)),
      onAccepted: (puids) => store.trustSafety.markSubmitted(puids, new Date().toISOString()),
    });
    process.stdout.write(`${JSON.stringify({ accepted: outcome.accepted.length, skipped: outcome.skipped.length, rejected: outcome.rejected, failedBatches: outcome.failedBatches }, null, 2)}\n`);
    return outcome.rejected.length || outcome.failedBatches.length ? 1 : 0;
  } catch (err) {
    if (err instanceof Error && 'code' in err && err.code === 'VALIDATION_FAILED') return usage(err.message);
    throw err;
  } finally {
    await store.close();
  }
}
