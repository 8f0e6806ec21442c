/**
 * Factory-level evidence for the classifier (classify.ts): does a framework request object reach
 * the factory, as a parameter named, typed or used like one? Pure: parsed functions in, one line
 * of evidence (or null) out.
 */
import { type Node, forEachChildNode, unwrapExpression } from './ast.js';

/** Parameter names frameworks use for the request object (Express req, Koa ctx, h3 event, Vike pageContext, Hono c.req). */
const REQUEST_PARAM_NAMES = new Set(['req', 'request', 'ctx', 'context', 'event', 'pageContext', 'incomingMessage']);
/** Type names of request objects. */
const REQUEST_TYPE_NAMES = new Set([
  'Request', 'IncomingMessage', 'H3Event', 'NextRequest', 'NextApiRequest', 'FastifyRequest', 'Context', 'ParameterizedContext', 'KoaContext',
  'RouterContext', 'PageContext', 'PageContextServer', 'GetServerSidePropsContext', 'LoaderFunctionArgs', 'ActionFunctionArgs', 'RequestEvent', 'HonoRequest',
]);
/** Members only a request object has (`req.headers`, `ctx.cookies`, `event.node`, `c.req`). */
const REQUEST_MEMBERS = new Set(['headers', 'cookies', 'cookie', 'session', 'signedCookies', 'ip', 'node', 'req', 'request', 'header', 'get']);
/** Framework helpers that read the request given to them: h3 `getHeader(event)`, Next `cookies()`, Nitro `useEvent()`. */
const REQUEST_READERS = new Set([
  'getHeader', 'getHeaders', 'getRequestHeader', 'getRequestHeaders', 'getCookie', 'parseCookies', 'readBody', 'getQuery', 'getRouterParam', 'getRequestURL',
  'getRequestIP', 'headers', 'cookies', 'useEvent', 'getRequestEvent',
]);

function typeNameOf(param: Node): string | null {
  const ann = param?.typeAnnotation?.typeAnnotation ?? param?.left?.typeAnnotation?.typeAnnotation;
  if (!ann) return null;
  if (ann.type === 'TSTypeReference') {
    const t = ann.typeName;
    return t.type === 'Identifier' ? t.name : t.type === 'TSQualifiedName' ? t.right.name : null;
  }
  return null;
}

function paramNames(fn: Node): { name: string; type: string | null }[] {
  const out: { name: string; type: string | null }[] = [];
  for (const p of fn.params ?? []) {
    const base = p.type === 'AssignmentPattern' ? p.left : p.type === 'TSParameterProperty' ? p.parameter : p;
    if (base?.type === 'Identifier') out.push({ name: base.name, type: typeNameOf(base) });
    else if (base?.type === 'ObjectPattern') {
      // `({ req, res }) =>` (Next getServerSideProps, tRPC) and `({ request }) =>` (Remix loaders).
      for (const prop of base.properties ?? []) {
        const v = prop.value ?? prop.argument;
        if (v?.type === 'Identifier') out.push({ name: v.name, type: null });
      }
    }
  }
  return out;
}

/**
 * A framework request object reaching the factory: a parameter of the factory (or of a function
 * around the createAlova call) named or typed like one, or used like one (`x.headers`,
 * `getHeader(x, ...)`), or a request-context reader called (`cookies()` from next/headers).
 */
export function requestObjectReaching(functions: Node[]): string | null {
  for (const fn of functions) {
    const params = paramNames(fn);
    for (const p of params) {
      if (p.type && REQUEST_TYPE_NAMES.has(p.type)) return `parameter ${p.name}: ${p.type}`;
    }
    const names = new Set(params.map((p) => p.name));
    let found: string | null = null;
    const visit = (n: Node) => {
      if (found || !n || typeof n.type !== 'string') return;
      if (n.type === 'MemberExpression' || n.type === 'OptionalMemberExpression') {
        const obj = unwrapExpression(n.object);
        if (obj.type === 'Identifier' && names.has(obj.name) && !n.computed && REQUEST_MEMBERS.has(n.property.name)) {
          found = `reads ${obj.name}.${n.property.name}`;
          return;
        }
      }
      if (n.type === 'CallExpression') {
        const c = unwrapExpression(n.callee);
        if (c.type === 'Identifier' && REQUEST_READERS.has(c.name)) {
          const arg = n.arguments[0] && unwrapExpression(n.arguments[0]);
          if (!n.arguments.length || (arg?.type === 'Identifier' && names.has(arg.name))) {
            found = `calls ${c.name}(${arg?.type === 'Identifier' ? arg.name : ''})`;
            return;
          }
        }
      }
      forEachChildNode(n, visit);
    };
    visit(fn.body);
    if (found) return found;
  }
  return null;
}

/** Weaker: a parameter only NAMED like a request object (`req`, `ctx`, `event`, `pageContext`). */
export function requestNamedParameter(functions: Node[]): string | null {
  for (const fn of functions) {
    const byName = paramNames(fn).find((p) => REQUEST_PARAM_NAMES.has(p.name));
    if (byName) return `parameter ${byName.name}`;
  }
  return null;
}
