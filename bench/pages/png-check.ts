import { crc32 } from '../../src/media/png-stream.ts';

export interface PngCheck {
  width: number;
  height: number;
  channels: number;
  bytes: number;
  chunks: number;
  /** Every chunk's CRC matched its type and data. */
  crcOk: boolean;
  /** Bytes the IDAT stream inflated to; a whole image is height × (1 + width × channels). */
  inflated: number;
  expectedInflated: number;
  valid: boolean;
}

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

/**
 * Proves a PNG is whole without holding its pixels: reads it chunk by chunk from the blob,
 * checks every CRC, and inflates the IDAT stream only to count the bytes it yields.
 */
export async function checkPng(blob: Blob): Promise<PngCheck> {
  const head = new Uint8Array(await blob.slice(0, 8).arrayBuffer());
  if (SIGNATURE.some((b, i) => head[i] !== b)) throw new Error('Not a PNG: bad signature');
  const inflater = new DecompressionStream('deflate');
  const writer = inflater.writable.getWriter();
  let inflated = 0;
  const counted = (async () => {
    const reader = inflater.readable.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      inflated += value.length;
    }
  })();
  let offset = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  let chunks = 0;
  let crcOk = true;
  let ended = false;
  while (offset < blob.size && !ended) {
    const header = new DataView(await blob.slice(offset, offset + 8).arrayBuffer());
    const length = header.getUint32(0);
    const chunk = new Uint8Array(await blob.slice(offset + 4, offset + 12 + length).arrayBuffer());
    const type = String.fromCharCode(...chunk.subarray(0, 4));
    const crc = new DataView(chunk.buffer, chunk.byteOffset + 4 + length, 4).getUint32(0);
    if (crc32(chunk, 0, 4 + length) !== crc) crcOk = false;
    const data = chunk.subarray(4, 4 + length);
    if (type === 'IHDR') {
      const view = new DataView(data.buffer, data.byteOffset, data.length);
      width = view.getUint32(0);
      height = view.getUint32(4);
      channels = ({ 0: 1, 2: 3, 4: 2, 6: 4 } as Record<number, number>)[data[9]!] ?? 0;
      if (data[8] !== 8) throw new Error(`Unexpected bit depth ${data[8]}`);
    } else if (type === 'IDAT') {
      await writer.write(data.slice());
    } else if (type === 'IEND') {
      ended = true;
    }
    chunks++;
    offset += 12 + length;
  }
  await writer.close();
  await counted;
  const expectedInflated = height * (1 + width * channels);
  return {
    width,
    height,
    channels,
    bytes: blob.size,
    chunks,
    crcOk,
    inflated,
    expectedInflated,
    valid: ended && crcOk && inflated === expectedInflated,
  };
}
