import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyError } from 'fastify';
import { hasZodFastifySchemaValidationErrors, jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { extendSession, findSession } from '../store/repos/accounts.ts';
import { SESSION_COOKIE, SESSION_TTL_MS, tokenHash } from './auth.ts';
import { allows } from '../shared/permissions.ts';
import { HttpError, sendError, type ZodApp } from './http.ts';
import type { Runtime } from './runtime.ts';
import { accountRoutes } from './routes/account.ts';
import { adminRoutes } from './routes/admins.ts';
import { groupRoutes } from './routes/groups.ts';
import { liveRoutes } from './routes/live.ts';
import { moderationRoutes } from './routes/moderation.ts';
import { alertRoutes } from './routes/alerts.ts';
import { blacklistRoutes } from './routes/blacklist.ts';
import { policyRoutes } from './routes/policies.ts';
import { wordListRoutes } from './routes/wordlists.ts';
import { ruleRoutes } from './routes/rules.ts';
import { webchatRoutes } from './routes/webchat.ts';
import { webchatDirectRoutes } from './routes/webchat-direct.ts';
import { directRoutes } from './routes/direct.ts';
import type { Role } from '../shared/api.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const SESSION_REFRESH_MS = 3600_000;
export const BODY_LIMIT = 256 * 1024;

export async function buildApp(rt: Runtime, opts: { logger?: boolean } = {}): Promise<ZodApp> {
  // forceCloseConnections: a browser's pre-opened connection that never sent a request must not hold up shutdown.
  const app = Fastify({ logger: opts.logger ?? false, bodyLimit: BODY_LIMIT, trustProxy: false, forceCloseConnections: true }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest('auth', null);

  await app.register(fastifyCookie);
  await app.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 } });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Shequn API', version: '1', description: 'Everything the Shequn console does, as a REST API. Sign in with POST /api/v1/auth/login; send the returned csrfToken as the x-csrf-token header on every change.' },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE } } },
      security: [{ session: [] }],
    },
    transform: jsonSchemaTransform,
  });

  // Every API route must say who may call it; a forgotten declaration fails at start, not in production.
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/api/v1') && route.config?.permission === undefined) {
      throw new Error(`route ${route.method} ${route.url} declares no permission`);
    }
  });

  app.addHook('onRequest', async (req, reply) => {
    const permission = req.routeOptions.config.permission;
    if (permission === undefined || permission === 'public') return;
    const token = req.cookies[SESSION_COOKIE];
    const now = rt.now();
    const session = token ? await findSession(rt.store.db, tokenHash(token), now) : undefined;
    if (!session) return sendError(reply, 401, 'unauthenticated', 'sign in first');
    if (!SAFE_METHODS.has(req.method) && req.headers['x-csrf-token'] !== session.csrf_token) {
      return sendError(reply, 403, 'csrf', 'missing or wrong x-csrf-token header');
    }
    const role = session.role as Role;
    if (!allows(role, permission)) return sendError(reply, 403, 'forbidden', `the ${role} role may not do this`);
    if (now - session.last_seen_at > SESSION_REFRESH_MS) await extendSession(rt.store.db, session.id, now, SESSION_TTL_MS);
    req.auth = {
      sessionId: session.id,
      userId: session.user_id,
      email: session.email,
      name: session.name,
      locale: session.locale,
      workspaceId: session.workspace_id,
      role,
      csrfToken: session.csrf_token,
    };
  });

  app.setErrorHandler((error: FastifyError | HttpError, req, reply) => {
    if (error instanceof HttpError) return sendError(reply, error.status, error.code, error.message, error.details);
    if (hasZodFastifySchemaValidationErrors(error)) {
      const details = error.validation.map((v) => ({ path: v.instancePath || '/', message: v.message }));
      const where = error.validationContext ?? 'request';
      return sendError(reply, 400, 'invalid_request', `invalid ${where}: ${details.map((d) => `${d.path} ${d.message}`).join('; ')}`, details);
    }
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return sendError(reply, 413, 'payload_too_large', `request body is larger than ${BODY_LIMIT} bytes`);
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return sendError(reply, 415, 'unsupported_media_type', 'send JSON (content-type: application/json)');
    if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return sendError(reply, 400, 'invalid_request', 'the JSON body is empty');
    if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || (error.statusCode === 400 && error instanceof SyntaxError)) {
      return sendError(reply, 400, 'invalid_json', `the body is not valid JSON: ${error.message}`);
    }
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      return sendError(reply, error.statusCode, 'bad_request', error.message);
    }
    req.log.error(error);
    console.error(error);
    return sendError(reply, 500, 'internal', 'internal error; the details are in the server log');
  });

  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  app.get('/healthz', { schema: { hide: true } }, async () => ({ ok: true }));

  await app.register(async (api) => {
    const z = api.withTypeProvider<ZodTypeProvider>();
    accountRoutes(z, rt);
    groupRoutes(z, rt);
    ruleRoutes(z, rt);
    webchatRoutes(z, rt);
    webchatDirectRoutes(z, rt);
    directRoutes(z, rt);
    liveRoutes(z, rt);
    moderationRoutes(z, rt);
    wordListRoutes(z, rt);
    blacklistRoutes(z, rt);
    alertRoutes(z, rt);
    policyRoutes(z, rt);
    adminRoutes(z, rt);
  });

  const hasConsole = existsSync(join(rt.config.consoleDir, 'index.html'));
  // wildcard: files are looked up per request, so a console rebuilt while running is served as is.
  if (hasConsole) {
    await app.register(fastifyStatic, { root: rt.config.consoleDir, wildcard: true, index: false });
    app.get('/', { schema: { hide: true } }, (_req, reply) => reply.type('text/html; charset=utf-8').sendFile('index.html'));
  }
  app.setNotFoundHandler((req, reply) => {
    if (req.url.startsWith('/api/')) return sendError(reply, 404, 'not_found', `no route ${req.method} ${req.url.split('?')[0]}`);
    if ((req.method !== 'GET' && req.method !== 'HEAD') || req.url.startsWith('/assets/')) return sendError(reply, 404, 'not_found', 'not found');
    if (!hasConsole) {
      return reply
        .status(503)
        .type('text/plain; charset=utf-8')
        .send('The console is not built yet. Run `npm run build` (npm install does it for you), then restart.\n控制台尚未构建：请运行 `npm run build` 后重启。');
    }
    return reply.type('text/html; charset=utf-8').sendFile('index.html');
  });
  return app;
}
