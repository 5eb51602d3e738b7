import type { StatementStoreRequest } from './dsa-format.js';
import type { FieldErrors } from './statement-rules.js';
import { batches } from './transparency.js';

export interface SubmitOutcome {
  readonly accepted: string[];
  readonly rejected: Array<{ puid: string; errors: FieldErrors }>;
  readonly skipped: string[];
  readonly failedBatches: Array<{ status: number; body: string }>;
}

/**
 * Sends statements to a Transparency Database endpoint in batches of at most 100. The API validates
 * a batch as a whole: a 422 names the faulty statements (`statement_<index>`) and stores none, so the
 * batch's other statements are sent again without them.
 */
export async function submitStatements(
  statements: readonly StatementStoreRequest[],
  options: { endpoint: string; token: string; alreadySubmitted: ReadonlySet<string>; onAccepted: (puids: string[]) => Promise<void>; fetch?: typeof fetch },
): Promise<SubmitOutcome> {
  const doFetch = options.fetch ?? fetch;
  const url = `${options.endpoint.replace(/\/+$/, '')}/api/v1/statements`;
  const outcome: SubmitOutcome = { accepted: [], rejected: [], skipped: [], failedBatches: [] };
  const pending = statements.filter((s) => {
    if (options.alreadySubmitted.has(s.puid)) { outcome.skipped.push(s.puid); return false; }
    return true;
  });
  for (let batch of batches(pending)) {
    // Each 422 removes at least one statement or ends the batch, so this ends.
    while (batch.length > 0) {
      const res = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${options.token}` },
        body: JSON.stringify({ statements: batch }),
      });
      const text = await res.text();
      if (res.ok) {
        const puids = batch.map((s) => s.puid);
        await options.onAccepted(puids);
        outcome.accepted.push(...puids);
        break;
      }
      if (res.status !== 422) { outcome.failedBatches.push({ status: res.status, body: text.slice(0, 500) }); break; }
      const errors = parseErrors(text);
      const bad = new Set<number>();
      const known: string[] = [];
      for (const [key, fieldErrors] of Object.entries(errors)) {
        const m = /^statement_(\d+)$/.exec(key);
        if (!m || !batch[Number(m[1])]) continue;
        bad.add(Number(m[1]));
        const puid = batch[Number(m[1])]!.puid;
        // Already in the Database (accepted by a run whose record here was lost): it is there, so it counts.
        if (Object.keys(fieldErrors).length === 1 && fieldErrors.puid?.every((e) => /not unique/i.test(e))) known.push(puid);
        else outcome.rejected.push({ puid, errors: fieldErrors });
      }
      if (known.length) { await options.onAccepted(known); outcome.accepted.push(...known); }
      if (bad.size === 0) { outcome.failedBatches.push({ status: 422, body: text.slice(0, 500) }); break; }
      batch = batch.filter((_, i) => !bad.has(i));
    }
  }
  return outcome;
}

function parseErrors(text: string): Record<string, FieldErrors> {
  try {
    const body = JSON.parse(text) as { errors?: Record<string, FieldErrors> };
    return body.errors ?? {};
  } catch { return {}; }
}
