/**
 * The 2030.5 client certificate API (relative to the ingress root):
 * GET api/certs, POST api/certs/generate {confirm?}, POST api/certs/import
 * {certPem,keyPem}|{certPath,keyPath}, GET api/certs/cert.pem. The key never leaves the data directory.
 * The store (and the X.509 library it generates with) is loaded by the first request that needs it.
 */
import * as z from 'zod';
import { groupLfdi } from '../../protocols/ieee2030_5/identity.ts';
import type { RoutePlugin } from '../api.ts';
import { NotFoundError } from '../httpErrors.ts';
import { certView } from '../statusView.ts';

const generateBody = z.object({ confirm: z.boolean({ error: 'must be true or false' }).optional() }).nullish();
const importBody = z.union(
  [
    z.object({ certPem: z.string().min(1, 'certPem is empty'), keyPem: z.string().min(1, 'keyPem is empty') }),
    z.object({ certPath: z.string().min(1, 'certPath is empty'), keyPath: z.string().min(1, 'keyPath is empty') }),
  ],
  { error: 'send {certPem, keyPem} or {certPath, keyPath}' },
);
const identity = z.object({ ok: z.literal(true), lfdi: z.string(), lfdiGrouped: z.string(), sfdi: z.string(), notAfter: z.string() });

export interface CertRouteOptions {
  /** Folders a certPath/keyPath may lie in (tests have no /ssl). */
  importRoots?: readonly string[];
}

const store = () => import('../../certs/store.ts');

export const certRoutes: RoutePlugin<CertRouteOptions> = async (app, { ctx, importRoots }) => {
  app.get('/api/certs', { schema: { response: { 200: certView } } }, async () => {
    const stored = await (await store()).storedCertificate(ctx.dataDir);
    if (!stored) return { present: false as const };
    const s = stored.summary;
    return {
      present: true as const,
      lfdi: s.lfdi,
      lfdiGrouped: groupLfdi(s.lfdi),
      sfdi: s.sfdi,
      fingerprint: s.fingerprint,
      notBefore: s.notBefore,
      notAfter: s.notAfter,
      daysLeft: s.daysLeft,
      expiresSoon: s.expiresSoon,
      subject: s.subject,
      certPem: stored.certPem,
    };
  });

  app.post('/api/certs/generate', { schema: { body: generateBody, response: { 200: identity } } }, async (req) => {
    const s = await (await store()).generateAndStore(ctx.dataDir, { confirm: req.body?.confirm === true });
    ctx.log.info({ lfdi: s.lfdi }, 'generated a new 2030.5 client certificate');
    return { ok: true as const, lfdi: s.lfdi, lfdiGrouped: groupLfdi(s.lfdi), sfdi: s.sfdi, notAfter: s.notAfter };
  });

  app.post(
    '/api/certs/import',
    { schema: { body: importBody, response: { 200: identity.extend({ daysLeft: z.number() }) } } },
    async (req) => {
      const certs = await store();
      const body = req.body;
      const s =
        'certPem' in body
          ? await certs.importCredentials(ctx.dataDir, body.certPem, body.keyPem)
          : await certs.importCredentialsFromFiles(ctx.dataDir, body.certPath, body.keyPath, importRoots ?? certs.importRoots(ctx.dataDir));
      ctx.log.info({ lfdi: s.lfdi }, 'imported a 2030.5 client certificate');
      return { ok: true as const, lfdi: s.lfdi, lfdiGrouped: groupLfdi(s.lfdi), sfdi: s.sfdi, notAfter: s.notAfter, daysLeft: s.daysLeft };
    },
  );

  app.get('/api/certs/cert.pem', async (_req, reply) => {
    const stored = await (await store()).storedCertificate(ctx.dataDir);
    if (!stored) throw new NotFoundError('no client certificate yet');
    return reply
      .header('Content-Type', 'application/x-pem-file')
      .header('Content-Disposition', `attachment; filename="wattwire-${stored.summary.lfdi.slice(0, 8)}.pem"`)
      .send(stored.certPem);
  });
};
