/**
 * The route table contract: every API route is declared with its method, path, who may call it and the zod schema
 * of its body, so access control, CSRF and validation are applied in one place and a test can walk every route.
 */
import type { Request, Response } from 'express';
import type { z } from 'zod';
import type { Role } from '../store/sqlite/users.repository.ts';
import type { Principal } from '../services/auth.service.ts';

/**
 * Who may call a route: `public` (anyone, e.g. sign-in), `setup` (anyone, only while setup is pending; the handler
 * checks the setup token), or the least role required (a signed-in user; state-changing methods also need CSRF).
 */
export type Access = 'public' | 'setup' | Role;

/** What a handler receives. */
export interface RouteContext<B> {
  req: Request;
  res: Response;
  /** The validated body (undefined for routes without a body schema). */
  body: B;
  /** The signed-in user (null on public and setup routes). */
  principal: Principal | null;
  /** Client address as seen by the service. */
  ip: string;
}

/** One API route. */
export interface RouteDef<B = unknown> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Path under /api/v1 (express syntax, e.g. `/users/:id`). */
  path: string;
  access: Access;
  /** One line for the API document. */
  summary: string;
  body?: z.ZodType<B>;
  /** Returns the JSON answer (undefined → 204), or writes the response itself and returns `RESPONDED`. */
  handler(ctx: RouteContext<B>): Promise<unknown> | unknown;
}

/** Returned by a handler that wrote the response itself. */
export const RESPONDED = Symbol('responded');

/** Declares a route with its body type inferred from the schema. */
export function route<B = undefined>(def: RouteDef<B>): RouteDef<B> {
  return def;
}
