/**
 * Who may use the web server: the ingress allow-list under the Supervisor, the token
 * standalone. Refusals are logged through RepeatedWarnings per peer address, so a flood
 * of them can neither fill the log nor push every other line out of the ring.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from '../core/logger.ts';
import { RepeatedWarnings } from '../core/repeatedWarnings.ts';
import { isAllowedPeer } from './ingressGuard.ts';
import { presentedToken, sameToken, tokenCookie } from './tokenAuth.ts';

export interface AccessRules {
  ingressOnly: boolean;
  token?: string;
}

const TOKEN_HELP =
  'this API needs the token from WATTWIRE_HTTP_TOKEN: open the page once as …/?token=<token>, or send "Authorization: Bearer <token>"';

export function installAccessGuard(app: FastifyInstance, log: Logger, rules: AccessRules): void {
  const refusals = new RepeatedWarnings(log);
  app.addHook('onClose', async () => refusals.stop());

  if (rules.ingressOnly) {
    app.addHook('onRequest', async (req, reply) => {
      const peer = req.socket.remoteAddress;
      if (isAllowedPeer(peer)) return;
      refusals.warn(String(peer), `refused web request from ${peer}: only Home Assistant ingress may connect`);
      return reply.code(403).send({ error: 'Only Home Assistant ingress may connect' });
    });
  }

  const { token } = rules;
  if (!token) return;
  app.addHook('onRequest', async (req, reply) => {
    const peer = String(req.socket.remoteAddress);
    const offered = landingToken(req);
    if (offered !== undefined) {
      if (!sameToken(offered, token)) {
        refusals.warn(peer, `refused web request from ${peer}: wrong token`);
        return reply.code(401).type('text/plain; charset=utf-8').send('Wrong token: go back and enter the value of WATTWIRE_HTTP_TOKEN.');
      }
      return reply.code(303).header('Set-Cookie', tokenCookie(token)).header('Location', landingPage(req.url)).send();
    }
    // The matched route, not the raw URL: an encoded or odd spelling of a path reaches the same route.
    if (!req.routeOptions.url?.startsWith('/api')) return;
    const presented = presentedToken(req.headers);
    if (presented !== undefined && sameToken(presented, token)) return;
    refusals.warn(peer, `refused web request from ${peer}: ${presented === undefined ? 'no token' : 'wrong token'}`);
    return reply.code(401).header('WWW-Authenticate', 'Bearer').send({ error: TOKEN_HELP });
  });
}

/**
 * Back to the same page without the query (and the token in it), relative so that it works
 * behind a path prefix; a file name only, so it can never point to another host.
 */
function landingPage(url: string): string {
  const name = (url.split('?')[0] ?? '').replace(/^.*\//, '');
  return /^[\w.-]+$/.test(name) && name !== '.' && name !== '..' ? name : './';
}

/** `?token=` on a page (not API) GET: the browser's way in. */
function landingToken(req: FastifyRequest): string | undefined {
  if (req.method !== 'GET' || req.routeOptions.url?.startsWith('/api')) return undefined;
  const value = (req.query as Record<string, unknown> | undefined)?.token;
  return typeof value === 'string' ? value : undefined;
}
