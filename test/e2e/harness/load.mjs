// HTTP client, the cross-user checker and bounded load drivers.
import http from 'node:http';
import { performance } from 'node:perf_hooks';

/** The routes of the example app, each driven with identical URLs for every user. */
export const STEPS = {
  me: { method: 'GET', path: '/me', expectStatus: 200, identities: 1 },
  dashboard: { method: 'GET', path: '/dashboard', expectStatus: 200, identities: 2 },
  createOrder: { method: 'POST', path: '/orders', body: { item: 'book', qty: 1 }, expectStatus: 201, identities: 1 },
  getOrder: { method: 'GET', path: '/orders/42', expectStatus: 200, identities: 1 },
  missingOrder: { method: 'GET', path: '/orders/missing', expectStatus: 502, identities: 0 },
};
export const STEP_NAMES = Object.keys(STEPS);

/**
 * @param {string} baseUrl
 * @param {{ maxSockets?: number, bodyFor?: (user: string, stepName: string, defaultBody: unknown) => unknown,
 *   rawBodyFor?: (user: string, stepName: string) => { payload: string, contentType: string } | undefined, bodyDelayMs?: number }} [options]
 *   bodyFor: optional per-user request body, sent as JSON (e.g. to check that each user's POST body reaches the upstream).
 *   rawBodyFor: optional per-user raw body with its own content type (e.g. text/plain for a route-level
 *   `express.text()` parser); it wins over bodyFor for steps that have a body.
 *   bodyDelayMs: when > 0, send the headers first and the body that many ms later, so the server reads the
 *   body in a later socket event (as with slow clients or large bodies) instead of with the headers.
 */
export function createClient(baseUrl, { maxSockets = 64, bodyFor, rawBodyFor, bodyDelayMs = 0 } = {}) {
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  const target = new URL(baseUrl);

  /** @returns {Promise<{ status: number, body: any, ms: number }>} */
  function call(user, stepName) {
    const step = STEPS[stepName];
    if (!step) throw new Error(`unknown step ${stepName}`);
    const raw = rawBodyFor && step.body !== undefined ? rawBodyFor(user, stepName) : undefined;
    const body = bodyFor && step.body !== undefined ? bodyFor(user, stepName, step.body) : step.body;
    const payload = raw ? raw.payload : body === undefined ? undefined : JSON.stringify(body);
    const headers = { authorization: `Bearer ${user}` };
    if (payload !== undefined) {
      headers['content-type'] = raw ? raw.contentType : 'application/json';
      headers['content-length'] = String(Buffer.byteLength(payload));
    }
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const req = http.request(
        { agent, host: target.hostname, port: target.port, method: step.method, path: step.path, headers, timeout: 30_000 },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let body;
            try {
              body = JSON.parse(text);
            } catch {
              body = text;
            }
            resolve({ status: res.statusCode ?? 0, body, ms: performance.now() - started });
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`timeout: ${step.method} ${step.path}`)));
      req.on('error', reject);
      if (payload !== undefined && bodyDelayMs > 0) {
        req.flushHeaders();
        setTimeout(() => req.end(payload), bodyDelayMs);
      } else {
        req.end(payload);
      }
    });
  }

  return { call, close: () => agent.destroy() };
}

/** Every `user` value found anywhere in a JSON body. */
export function identitiesIn(body) {
  const found = [];
  const walk = (v) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'user') found.push(x);
        else walk(x);
      }
    }
  };
  walk(body);
  return found;
}

/**
 * The cross-user checker. `crossUser` is true when the response carries ANY
 * identity other than the caller's; `ok` also needs the expected status and
 * the caller's identity in every place the route should carry it.
 */
export function checkResponse(user, stepName, res) {
  const step = STEPS[stepName];
  const ids = identitiesIn(res.body);
  const foreign = ids.filter((id) => id !== user && id !== null && id !== undefined);
  const own = ids.filter((id) => id === user).length;
  const crossUser = foreign.length > 0;
  const ok = res.status === step.expectStatus && !crossUser && own === step.identities && ids.length === step.identities;
  return { crossUser, ok, foreign };
}

function record(results, user, stepName, res, phase, keepBody = false) {
  const c = checkResponse(user, stepName, res);
  const entry = { phase, user, step: stepName, status: res.status, ms: res.ms, crossUser: c.crossUser, ok: c.ok, foreign: c.foreign };
  if (keepBody) entry.body = res.body;
  results.push(entry);
}

function recordError(results, user, stepName, err, phase) {
  results.push({ phase, user, step: stepName, status: 0, ms: NaN, crossUser: false, ok: false, foreign: [], error: String(err?.message ?? err) });
}

/**
 * One request at a time, users and steps rotating. Bounded by `count` and `deadline` (ms epoch).
 * keepBody: also store each response body in the results.
 */
export async function runSequential(client, { users, steps = STEP_NAMES, count, deadline = Infinity, phase = 'sequential', results = [], keepBody = false }) {
  for (let i = 0; i < count && Date.now() < deadline; i += 1) {
    const user = users[i % users.length];
    const step = steps[Math.floor(i / users.length) % steps.length];
    try {
      record(results, user, step, await client.call(user, step), phase, keepBody);
    } catch (err) {
      recordError(results, user, step, err, phase);
    }
  }
  return results;
}

/**
 * Rounds: in each round every user calls the SAME route at the same moment.
 * Bounded by `rounds` and `deadline`.
 */
export async function runConcurrent(client, { users, steps = STEP_NAMES, rounds, deadline = Infinity, phase = 'concurrent', results = [], keepBody = false }) {
  for (let r = 0; r < rounds && Date.now() < deadline; r += 1) {
    const step = steps[r % steps.length];
    const out = await Promise.allSettled(users.map((user) => client.call(user, step)));
    out.forEach((o, i) => {
      if (o.status === 'fulfilled') record(results, users[i], step, o.value, phase, keepBody);
      else recordError(results, users[i], step, o.reason, phase);
    });
  }
  return results;
}

export function percentile(sortedValues, p) {
  if (sortedValues.length === 0) return NaN;
  const idx = Math.min(sortedValues.length - 1, Math.max(0, Math.ceil((p / 100) * sortedValues.length) - 1));
  return sortedValues[idx];
}

export function latencyStats(results) {
  const ms = results.map((r) => r.ms).filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return { n: ms.length, median: percentile(ms, 50), p99: percentile(ms, 99) };
}

export function summarize(results) {
  return {
    requests: results.length,
    crossUser: results.filter((r) => r.crossUser).length,
    notOk: results.filter((r) => !r.ok).length,
    errors: results.filter((r) => r.error).length,
    byStep: Object.fromEntries(
      STEP_NAMES.map((s) => {
        const rs = results.filter((r) => r.step === s);
        return [s, { requests: rs.length, crossUser: rs.filter((r) => r.crossUser).length, notOk: rs.filter((r) => !r.ok).length }];
      }).filter(([, v]) => v.requests > 0),
    ),
  };
}

/** POSTs each user sent (status 201 expected) vs POSTs the upstream received from that user. */
export function lostPosts(results, upstreamCounts) {
  const sent = {};
  for (const r of results) if (r.step === 'createOrder') sent[r.user] = (sent[r.user] ?? 0) + 1;
  let lost = 0;
  for (const [user, n] of Object.entries(sent)) lost += Math.max(0, n - (upstreamCounts.postsByUser[user] ?? 0));
  return lost;
}
