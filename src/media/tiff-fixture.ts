/**
 * Small TIFF files written byte by byte for the decoder's tests (unit and browser): one strip,
 * little-endian, uncompressed, LZW or Deflate, 8 or 16 bits, grey / grey+alpha / RGB / RGBA.
 */
import { zlibSync } from 'fflate';

export type Compression = 'none' | 'lzw' | 'deflate';

export interface Layout {
  bits: 8 | 16;
  /** 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA. */
  samples: 1 | 2 | 3 | 4;
  compression: Compression;
  orientation?: number;
}

export const width = 5;
export const height = 3;

/** The 8-bit value of sample c of pixel i: every pixel and channel differs. */
export function value(i: number, c: number): number {
  return (i * 37 + c * 71 + 11) & 0xff;
}

/**
 * TIFF LZW (MSB-first codes, 9 bits: the test images are small enough that the table never
 * needs a 10th bit).
 */
function lzw(data: Uint8Array): Uint8Array {
  const out: number[] = [];
  let acc = 0;
  let bits = 0;
  const put = (code: number): void => {
    acc = (acc << 9) | code;
    bits += 9;
    while (bits >= 8) {
      out.push((acc >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  };
  const table = new Map<number, number>();
  let next = 258;
  put(256);
  let prefix = data[0]!;
  for (let i = 1; i < data.length; i++) {
    const key = prefix * 256 + data[i]!;
    const code = table.get(key);
    if (code !== undefined) prefix = code;
    else {
      put(prefix);
      table.set(key, next++);
      prefix = data[i]!;
    }
  }
  put(prefix);
  put(257);
  if (next >= 510) throw new Error('test image too large for 9-bit LZW');
  if (bits > 0) out.push((acc << (8 - bits)) & 0xff);
  return Uint8Array.from(out);
}

/** A little-endian, single-strip TIFF of the layout, 16-bit samples as value * 257. */
export function tiff(layout: Layout): Uint8Array {
  const { bits, samples } = layout;
  const raw = new Uint8Array(width * height * samples * (bits / 8));
  const rawView = new DataView(raw.buffer);
  for (let i = 0; i < width * height; i++)
    for (let c = 0; c < samples; c++) {
      const v = value(i, c);
      if (bits === 8) raw[i * samples + c] = v;
      else rawView.setUint16((i * samples + c) * 2, v * 257, true);
    }
  const strip =
    layout.compression === 'lzw'
      ? lzw(raw)
      : layout.compression === 'deflate'
        ? zlibSync(raw)
        : raw;
  const entries: [number, number, number[]][] = [
    [256, 3, [width]],
    [257, 3, [height]],
    [258, 3, Array<number>(samples).fill(bits)],
    [259, 3, [{ none: 1, lzw: 5, deflate: 8 }[layout.compression]]],
    [262, 3, [samples >= 3 ? 2 : 1]],
    [273, 4, [0]], // strip offset, patched below
    [274, 3, [layout.orientation ?? 1]],
    [277, 3, [samples]],
    [278, 3, [height]],
    [279, 4, [strip.length]],
  ];
  if (samples === 2 || samples === 4) entries.push([338, 3, [2]]); // unassociated alpha
  entries.sort((a, b) => a[0] - b[0]);
  const ifdAt = 8;
  const extraAt = ifdAt + 2 + entries.length * 12 + 4;
  const extras: number[] = [];
  const stripAt = extraAt + 16;
  const out = new Uint8Array(stripAt + strip.length);
  const view = new DataView(out.buffer);
  out.set([0x49, 0x49, 0x2a, 0]);
  view.setUint32(4, ifdAt, true);
  view.setUint16(ifdAt, entries.length, true);
  entries.forEach(([tag, type, values], n) => {
    const e = ifdAt + 2 + n * 12;
    view.setUint16(e, tag, true);
    view.setUint16(e + 2, type, true);
    view.setUint32(e + 4, values.length, true);
    const vals = tag === 273 ? [stripAt] : values;
    if (vals.length * (type === 3 ? 2 : 4) > 4) {
      // BitsPerSample for 3–4 samples does not fit the value field.
      view.setUint32(e + 8, extraAt + extras.length * 2, true);
      for (const v of vals) extras.push(v);
    } else
      vals.forEach((v, k) =>
        type === 3 ? view.setUint16(e + 8 + k * 2, v, true) : view.setUint32(e + 8, v, true),
      );
  });
  extras.forEach((v, k) => view.setUint16(extraAt + k * 2, v, true));
  out.set(strip, stripAt);
  return out;
}

/** The straight RGBA the file's pixels are, 8 bits (16-bit samples by their high byte). */
export function expected(samples: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < width * height; i++) {
    const grey = samples <= 2;
    const r = value(i, 0);
    out.push(r, grey ? r : value(i, 1), grey ? r : value(i, 2));
    out.push(samples === 2 ? value(i, 1) : samples === 4 ? value(i, 3) : 255);
  }
  return out;
}
