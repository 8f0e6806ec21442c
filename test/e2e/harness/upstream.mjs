// Fake upstream API on 127.0.0.1:<random port>. It echoes the caller's identity,
// taken ONLY from the Authorization header ("Bearer <user>"), waits a small random
// delay so concurrent identical requests overlap, and counts what it received.
import http from 'node:http';

export function userFromAuthorization(value) {
  if (typeof value !== 'string') return null;
  const m = /^Bearer\s+(\S+)$/.exec(value.trim());
  return m ? m[1] : null;
}

/**
 * @param {{ minDelayMs?: number, maxDelayMs?: number }} [options]
 */
export async function startUpstream({ minDelayMs = 2, maxDelayMs = 8 } = {}) {
  // postPayloadsByUser: the parsed JSON bodies of POST /orders (null when not JSON), per caller identity;
  // postRawByUser: the same bodies as received, as text (for text/plain bodies).
  const counts = { total: 0, byRoute: {}, postsByUser: {}, postPayloadsByUser: {}, postRawByUser: {}, anonymous: 0 };
  let orderSeq = 0;

  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const user = userFromAuthorization(req.headers.authorization);
      const url = new URL(req.url ?? '/', 'http://upstream');
      const route = `${req.method} ${url.pathname.replace(/^\/orders\/[^/]+$/, '/orders/:id')}`;
      counts.total += 1;
      counts.byRoute[route] = (counts.byRoute[route] ?? 0) + 1;
      if (!user) counts.anonymous += 1;

      let status = 200;
      let body;
      if (req.method === 'GET' && url.pathname === '/me') {
        body = { user, route: 'me', name: user ? `User ${user}` : null };
      } else if (req.method === 'GET' && url.pathname === '/profile') {
        body = { user, route: 'profile', email: user ? `${user}@example.test` : null };
      } else if (req.method === 'GET' && url.pathname === '/settings') {
        body = { user, route: 'settings', theme: 'dark' };
      } else if (req.method === 'POST' && url.pathname === '/orders') {
        const rawText = Buffer.concat(chunks).toString('utf8');
        let payload = null;
        try {
          payload = JSON.parse(rawText || 'null');
        } catch {
          payload = null;
        }
        if (user) {
          counts.postsByUser[user] = (counts.postsByUser[user] ?? 0) + 1;
          (counts.postPayloadsByUser[user] ??= []).push(payload);
          (counts.postRawByUser[user] ??= []).push(rawText);
        }
        orderSeq += 1;
        status = 201;
        body = { user, route: 'create-order', id: orderSeq, item: payload?.item ?? null, qty: payload?.qty ?? null };
      } else if (req.method === 'GET' && url.pathname.startsWith('/orders/')) {
        const id = decodeURIComponent(url.pathname.slice('/orders/'.length));
        if (id === 'missing') {
          status = 404;
          body = { error: 'no such order' };
        } else {
          body = { user, route: 'order', id };
        }
      } else {
        status = 404;
        body = { error: 'not found' };
      }

      const delay = minDelayMs + Math.random() * Math.max(0, maxDelayMs - minDelayMs);
      setTimeout(() => {
        const text = JSON.stringify(body);
        res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
        res.end(text);
      }, delay);
    });
  });
  server.keepAliveTimeout = 30_000;

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());

  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    reset() {
      counts.total = 0;
      counts.byRoute = {};
      counts.postsByUser = {};
      counts.postPayloadsByUser = {};
      counts.postRawByUser = {};
      counts.anonymous = 0;
    },
    async close() {
      server.closeAllConnections?.();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}
