import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyInstance, RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Role } from '../shared/api.ts';
import type { Permission } from '../shared/permissions.ts';

/** The Fastify instance with zod schemas as its type provider. */
export type ZodApp = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;

export interface AuthContext {
  sessionId: string;
  userId: string;
  email: string;
  name: string;
  locale: string;
  workspaceId: string;
  role: Role;
  csrfToken: string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    permission?: Permission;
  }
  interface FastifyRequest {
    auth: AuthContext | null;
  }
}

/** An error with an API code and HTTP status; the error handler renders `{ error: { code, message } }`. */
export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export const notFound = (what: string) => new HttpError(404, 'not_found', `${what} not found`);

/** The signed-in operator of a route that declared a permission other than 'public'. */
export function auth(req: FastifyRequest): AuthContext {
  if (!req.auth) throw new HttpError(401, 'unauthenticated', 'sign in first');
  return req.auth;
}

export function sendError(reply: FastifyReply, status: number, code: string, message: string, details?: unknown) {
  return reply.status(status).send({ error: { code, message, ...(details === undefined ? {} : { details }) } });
}

/** The HTTP handler of a WebSocket route: a plain request, not an upgrade, is told to upgrade. */
export const upgradeRequired = (_req: FastifyRequest, reply: FastifyReply) => sendError(reply, 426, 'upgrade_required', 'open this URL as a WebSocket');
