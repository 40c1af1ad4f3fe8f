/**
 * The 2030.5 client certificate API (relative to the ingress root):
 * GET api/certs, POST api/certs/generate {confirm?}, POST api/certs/import
 * {certPem,keyPem}|{certPath,keyPath}, GET api/certs/cert.pem. The key never leaves the data directory.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { CertificateError } from '../../certs/inspect.ts';
import {
  CertificateExistsError,
  generateAndStore,
  importCredentials,
  importCredentialsFromFiles,
  importRoots,
  storedCertificate,
} from '../../certs/store.ts';
import { groupLfdi } from '../../protocols/ieee2030_5/identity.ts';
import type { WebContext } from '../context.ts';

const generateBody = z.object({ confirm: z.boolean().optional() }).optional();
const importBody = z.union([
  z.object({ certPem: z.string().min(1, 'certPem is empty'), keyPem: z.string().min(1, 'keyPem is empty') }),
  z.object({ certPath: z.string().min(1, 'certPath is empty'), keyPath: z.string().min(1, 'keyPath is empty') }),
]);

export interface CertRouteOptions {
  /** Folders a certPath/keyPath may lie in (tests have no /ssl). */
  importRoots?: readonly string[];
}

export function registerCertRoutes(app: FastifyInstance, ctx: WebContext, opts: CertRouteOptions = {}): void {
  const roots = opts.importRoots ?? importRoots(ctx.dataDir);
  app.get('/api/certs', async () => {
    const stored = await storedCertificate(ctx.dataDir);
    if (!stored) return { present: false };
    const s = stored.summary;
    return {
      present: true,
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

  app.post('/api/certs/generate', async (req, reply) => {
    const body = generateBody.safeParse(req.body ?? undefined);
    if (!body.success) return reply.code(400).send({ error: 'confirm must be true or false' });
    try {
      const s = await generateAndStore(ctx.dataDir, { confirm: body.data?.confirm === true });
      ctx.log.info({ lfdi: s.lfdi }, 'generated a new 2030.5 client certificate');
      return { ok: true, lfdi: s.lfdi, lfdiGrouped: groupLfdi(s.lfdi), sfdi: s.sfdi, notAfter: s.notAfter };
    } catch (err) {
      if (err instanceof CertificateExistsError) return reply.code(409).send({ error: err.message });
      throw err;
    }
  });

  app.post('/api/certs/import', async (req, reply) => {
    const body = importBody.safeParse(req.body);
    if (!body.success) {
      return reply.code(400).send({ error: 'send {certPem, keyPem} or {certPath, keyPath}' });
    }
    try {
      const s =
        'certPem' in body.data
          ? await importCredentials(ctx.dataDir, body.data.certPem, body.data.keyPem)
          : await importCredentialsFromFiles(ctx.dataDir, body.data.certPath, body.data.keyPath, roots);
      ctx.log.info({ lfdi: s.lfdi }, 'imported a 2030.5 client certificate');
      return { ok: true, lfdi: s.lfdi, lfdiGrouped: groupLfdi(s.lfdi), sfdi: s.sfdi, notAfter: s.notAfter, daysLeft: s.daysLeft };
    } catch (err) {
      if (err instanceof CertificateError) return reply.code(400).send({ error: err.message });
      throw err;
    }
  });

  app.get('/api/certs/cert.pem', async (_req, reply) => {
    const stored = await storedCertificate(ctx.dataDir);
    if (!stored) return reply.code(404).send({ error: 'no client certificate yet' });
    return reply
      .header('Content-Type', 'application/x-pem-file')
      .header('Content-Disposition', `attachment; filename="wattwire-${stored.summary.lfdi.slice(0, 8)}.pem"`)
      .send(stored.certPem);
  });
}
