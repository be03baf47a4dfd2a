/** Lower-case hexadecimal of bytes (digests, MACs), through a table: no string per byte. */
const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += HEX[b] as string;
  return out;
}
