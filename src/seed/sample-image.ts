/**
 * Sample lead images for the seeded articles, drawn as PNG on the fly (both runtimes have
 * CompressionStream), so a fresh install shows real images with real byte lengths in feeds
 * and digests. A palette image of two colours: a field and a band; a few kilobytes each.
 */
const WIDTH = 1200;
const HEIGHT = 630;

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = (CRC_TABLE[(c ^ b) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

async function zlib(data: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  const stream = new Blob([data]).stream().pipeThrough(new CompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** A 1200×630 PNG: `field` colour with a band of `band` colour across the lower third. */
export async function samplePng(field: [number, number, number], band: [number, number, number]): Promise<Uint8Array<ArrayBuffer>> {
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, WIDTH);
  view.setUint32(4, HEIGHT);
  header.set([8, 3, 0, 0, 0], 8); // 8-bit palette, no interlace
  const rows = new Uint8Array(HEIGHT * (WIDTH + 1));
  for (let y = Math.floor(HEIGHT * 0.62); y < Math.floor(HEIGHT * 0.8); y++) rows.fill(1, y * (WIDTH + 1) + 1, (y + 1) * (WIDTH + 1));
  const parts = [
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('PLTE', new Uint8Array([...field, ...band])),
    chunk('IDAT', await zlib(rows)),
    chunk('IEND', new Uint8Array()),
  ];
  const png = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    png.set(p, offset);
    offset += p.length;
  }
  return png;
}

export const SAMPLE_IMAGES: Record<string, [[number, number, number], [number, number, number]]> = {
  kazakhstan: [[11, 93, 75], [224, 165, 38]],
  diplomacy: [[138, 75, 8], [244, 241, 234]],
  'public-diplomacy': [[31, 35, 40], [11, 93, 75]],
  'world-cup': [[193, 39, 45], [0, 98, 51]],
  agriculture: [[96, 125, 59], [230, 204, 128]],
  forum: [[44, 62, 80], [208, 200, 182]],
};
