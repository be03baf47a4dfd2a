/** Email address validation and normalisation. */
import { AppError } from '../errors.js';

// Deliberately simple: a local part without spaces or angle brackets, one @, a dotted domain.
const SHAPE = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/u;

/**
 * Returns the address with its domain lower-cased and, for internationalised domains, in
 * ASCII (punycode). Throws `invalid_request` for anything that is not a plausible address,
 * including any CR, LF or NUL (header injection).
 */
export function normalizeEmail(raw: string): string {
  const value = raw.trim();
  if (/[\r\n\0]/.test(value) || value.length > 254 || !SHAPE.test(value)) {
    throw new AppError('invalid_request', 'Enter a valid email address');
  }
  const at = value.lastIndexOf('@');
  const local = value.slice(0, at);
  let domain: string;
  try {
    domain = new URL(`http://${value.slice(at + 1)}`).hostname;
  } catch {
    throw new AppError('invalid_request', 'Enter a valid email address');
  }
  if (local.length > 64 || !domain.includes('.') || domain.endsWith('.')) {
    throw new AppError('invalid_request', 'Enter a valid email address');
  }
  return `${local}@${domain}`;
}
