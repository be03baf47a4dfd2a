/**
 * workerd provides `node:crypto` under the `nodejs_compat` flag (wrangler.toml); the Workers
 * types do not declare it. The part Nashra uses (src/subscribers/tokens.ts):
 */
declare module 'node:crypto' {
  interface Hmac {
    update(data: string | Uint8Array): Hmac;
    digest(): Uint8Array;
  }
  export function createHmac(algorithm: 'sha256', key: string | Uint8Array): Hmac;
}
