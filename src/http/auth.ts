/** Admin authentication: `Authorization: Bearer <ADMIN_TOKEN>`, compared in constant time. */
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app.js';
import { AppError } from '../errors.js';

const enc = new TextEncoder();

async function sha256(s: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', enc.encode(s)));
}

/** Compares two secrets without leaking, through timing, how much of them matched. */
export async function secretsEqual(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([sha256(a), sha256(b)]);
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= (x[i] as number) ^ (y[i] as number);
  return diff === 0;
}

export const requireAdmin: MiddlewareHandler<AppEnv> = async (c, next) => {
  const header = c.req.header('authorization') ?? '';
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match || !(await secretsEqual(match[1] as string, c.get('deps').config.ADMIN_TOKEN))) {
    throw new AppError('unauthorized', 'Send a valid admin token as "Authorization: Bearer <token>"');
  }
  await next();
};
