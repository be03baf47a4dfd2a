/** Turns zod failures into the one error type, with field paths editors can act on. */
import type { z } from 'zod';
import { AppError } from './errors.js';

export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fields = result.error.issues.map((i) => ({ path: i.path.join('.') || '(body)', message: i.message }));
  const summary = fields.slice(0, 3).map((f) => `${f.path}: ${f.message}`).join('; ');
  throw new AppError('invalid_request', `Invalid request: ${summary}`, { fields });
}
