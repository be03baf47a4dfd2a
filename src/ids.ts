/** ULIDs: 48-bit millisecond time + 80 random bits, Crockford base32, sortable as strings. */
import type { Clock, Ids } from './deps.js';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export function createUlids(clock: Clock): Ids {
  let lastTime = -1;
  let lastRandom: Uint8Array = new Uint8Array(10);
  return {
    next() {
      let time = clock.now().getTime();
      if (time <= lastTime) {
        // Same (or earlier) millisecond: increment the random part so ids stay monotonic.
        time = lastTime;
        lastRandom = increment(lastRandom);
      } else {
        lastTime = time;
        lastRandom = crypto.getRandomValues(new Uint8Array(10));
      }
      return encodeTime(time) + encodeRandom(lastRandom);
    },
  };
}

function encodeTime(time: number): string {
  let out = '';
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[time % 32] + out;
    time = Math.floor(time / 32);
  }
  return out;
}

function encodeRandom(bytes: Uint8Array): string {
  let bits = 0n;
  for (const b of bytes) bits = (bits << 8n) | BigInt(b);
  let out = '';
  for (let i = 0; i < 16; i++) {
    out = ALPHABET[Number(bits & 31n)] + out;
    bits >>= 5n;
  }
  return out;
}

function increment(bytes: Uint8Array): Uint8Array {
  const next = new Uint8Array(bytes);
  for (let i = next.length - 1; i >= 0; i--) {
    if (next[i] !== 255) {
      next[i] = (next[i] as number) + 1;
      return next;
    }
    next[i] = 0;
  }
  return next;
}
