// A slow, literal evaluator of ncnn layers on plain Float32Arrays, for tests only: the thing the
// ONNX converter's output is checked against.
//
// It is written from ncnn's layer sources (src/layer/*.cpp, the naive paths), not from the
// converter: it shares only the .param/.bin reader, works in ncnn's own batchless (c, h, w)
// layout, and where ONNX has an equivalent it does it ncnn's way instead (padding by copying
// into a bordered buffer, transposed convolution by scattering, bicubic with ncnn's own edge
// weights), so an error in the converter's mapping to ONNX shows up as a difference. Sums are
// accumulated in float64.

import { type NcnnLayer, type NcnnModel, type NcnnWeight } from './ncnn.ts';

/** An ncnn Mat: dims 3 is an image (c, h, w); dims 1 is a vector of c values (h = w = 1). */
export interface Mat {
  dims: 1 | 3;
  c: number;
  h: number;
  w: number;
  data: Float32Array;
}

export function image(c: number, h: number, w: number, data?: Float32Array): Mat {
  const blob: Mat = { dims: 3, c, h, w, data: data ?? new Float32Array(c * h * w) };
  if (blob.data.length !== c * h * w) throw new Error(`image ${c}×${h}×${w} given wrong data`);
  return blob;
}

function vector(c: number): Mat {
  return { dims: 1, c, h: 1, w: 1, data: new Float32Array(c) };
}

interface Layer {
  layer: NcnnLayer;
  /** A parameter's number; defaults as in the layer's load_param. */
  p(key: number, fallback: number): number;
  a(key: number): readonly number[];
  weight(role: string): Float32Array;
  hasWeight(role: string): boolean;
}

type Forward = (layer: Layer, inputs: Mat[]) => Mat[];

const FORWARD: Readonly<Record<string, Forward>> = {
  Convolution: (l, [x]) => [activate(l, convolution(l, one(x)))],
  Deconvolution: (l, [x]) => [activate(l, deconvolution(l, one(x)))],
  InnerProduct: (l, [x]) => [activate(l, innerProduct(l, one(x)))],
  ReLU: (l, [x]) => [map(one(x), (v) => (v < 0 ? v * l.p(0, 0) : v))],
  Sigmoid: (_l, [x]) => [map(one(x), sigmoid)],
  Clip: (l, [x]) => [
    map(one(x), (v) => Math.min(Math.max(v, l.p(0, -Infinity)), l.p(1, Infinity))),
  ],
  PReLU: (l, [x]) => [prelu(l, one(x))],
  PixelShuffle: (l, [x]) => [pixelShuffle(l, one(x))],
  Interp: (l, [x]) => [interp(l, one(x))],
  BinaryOp: (l, inputs) => [binaryOp(l, inputs)],
  Eltwise: (l, inputs) => [eltwise(l, inputs)],
  Scale: (l, inputs) => [scale(l, inputs)],
  Split: (l, [x]) => l.layer.tops.map(() => one(x)),
  Concat: (l, inputs) => [concat(l, inputs)],
  Crop: (l, inputs) => [crop(l, inputs)],
  Padding: (l, [x]) => [padding(l, one(x))],
  Pooling: (l, [x]) => [globalPooling(l, one(x))],
  'rife.Warp': (_l, [x, flow]) => [warp(one(x), one(flow))],
};

function one(blob: Mat | undefined): Mat {
  if (!blob) throw new Error('missing input blob');
  return blob;
}

/**
 * Runs the network and returns its single output blob. `input` feeds the Input layers in .param
 * order: one (c, h, w) blob, or one per Input layer.
 */
export function runNcnnReference(model: NcnnModel, input: Mat | readonly Mat[]): Mat {
  const blobs = new Map<string, Mat>();
  const read = new Set(model.layers.flatMap((layer) => layer.bottoms));
  const inputs = 'dims' in input ? [input] : [...input];
  let output: Mat | undefined;
  for (const layer of model.layers) {
    let results: Mat[];
    if (layer.type === 'Input') {
      const next = inputs.shift();
      if (!next) throw new Error(`reference: no blob given for Input '${layer.name}'`);
      results = [next];
    } else {
      const forward = FORWARD[layer.type];
      if (!forward) throw new Error(`reference: no ${layer.type} (layer '${layer.name}')`);
      const inputs = layer.bottoms.map((name) => {
        const blob = blobs.get(name);
        if (!blob) throw new Error(`reference: blob '${name}' is not computed yet`);
        return blob;
      });
      results = forward(wrap(layer, model.weights.get(layer.name)), inputs);
    }
    layer.tops.forEach((name, i) => {
      const blob = results[i] as Mat;
      blobs.set(name, blob);
      if (!read.has(name)) output = blob;
    });
  }
  if (!output) throw new Error('reference: the model has no output blob');
  return output;
}

/**
 * What the waifu2x / realcugan ncnn front ends do around the network for a whole image: pad by
 * `pad` on each side (and to a multiple of `align` at the bottom/right) with mirrored
 * (reflect, edge pixel not repeated) or repeated (edge) pixels, run, and keep the top-left
 * scale × (h, w) of the output.
 */
export function runWithFrontEnd(
  model: NcnnModel,
  input: Mat,
  frontEnd: { pad: number; align: number; border: 'reflect' | 'edge'; scale: number },
): Mat {
  const { pad, align, border, scale: s } = frontEnd;
  const paddedH = Math.ceil((input.h + 2 * pad) / align) * align;
  const paddedW = Math.ceil((input.w + 2 * pad) / align) * align;
  const padded = image(input.c, paddedH, paddedW);
  const source = (i: number, size: number) => {
    if (border === 'edge') return Math.min(Math.max(i, 0), size - 1);
    let j = i;
    while (j < 0 || j >= size) j = j < 0 ? -j : 2 * (size - 1) - j;
    return j;
  };
  for (let c = 0; c < input.c; c++) {
    for (let y = 0; y < paddedH; y++) {
      for (let x = 0; x < paddedW; x++) {
        const sy = source(y - pad, input.h);
        const sx = source(x - pad, input.w);
        padded.data[(c * paddedH + y) * paddedW + x] = at(input, c, sy, sx);
      }
    }
  }
  const out = runNcnnReference(model, padded);
  const result = image(out.c, input.h * s, input.w * s);
  for (let c = 0; c < out.c; c++) {
    for (let y = 0; y < result.h; y++) {
      for (let x = 0; x < result.w; x++) {
        result.data[(c * result.h + y) * result.w + x] = at(out, c, y, x);
      }
    }
  }
  return result;
}

function wrap(layer: NcnnLayer, weights: ReadonlyMap<string, NcnnWeight> | undefined): Layer {
  return {
    layer,
    p: (key, fallback) => {
      const param = layer.params.get(key);
      if (param === undefined) return fallback;
      if (param.kind === 'array') throw new Error(`reference: param ${key} is an array`);
      return param.value;
    },
    a: (key) => {
      const param = layer.params.get(key);
      if (param === undefined) return [];
      if (param.kind !== 'array') throw new Error(`reference: param ${key} is not an array`);
      return param.values;
    },
    weight: (role) => {
      const weight = weights?.get(role);
      if (!weight) throw new Error(`reference: ${layer.name} has no ${role}`);
      return weight.data;
    },
    hasWeight: (role) => weights?.has(role) ?? false,
  };
}

function at(blob: Mat, c: number, y: number, x: number): number {
  return blob.data[(c * blob.h + y) * blob.w + x] as number;
}

function map(blob: Mat, f: (v: number) => number): Mat {
  return { ...blob, data: blob.data.map(f) };
}

function sigmoid(v: number): number {
  return 1 / (1 + Math.exp(-v));
}

/** The fused activation of Convolution / Deconvolution / InnerProduct. */
function activate(l: Layer, blob: Mat): Mat {
  const type = l.p(9, 0);
  const params = l.a(10);
  switch (type) {
    case 0:
      return blob;
    case 1:
      return map(blob, (v) => Math.max(v, 0));
    case 2:
      return map(blob, (v) => (v > 0 ? v : v * (params[0] as number)));
    case 3:
      return map(blob, (v) => Math.min(Math.max(v, params[0] as number), params[1] as number));
    case 4:
      return map(blob, sigmoid);
    default:
      throw new Error(`reference: activation ${type}`);
  }
}

function convolutionParams(l: Layer) {
  const kernelW = l.p(1, 0);
  const dilationW = l.p(2, 1);
  const strideW = l.p(3, 1);
  const padLeft = l.p(4, 0);
  const padTop = l.p(14, padLeft);
  return {
    out: l.p(0, 0),
    kw: kernelW,
    kh: l.p(11, kernelW),
    dw: dilationW,
    dh: l.p(12, dilationW),
    sw: strideW,
    sh: l.p(13, strideW),
    left: padLeft,
    right: l.p(15, padLeft),
    top: padTop,
    bottom: l.p(16, padTop),
  };
}

function convolution(l: Layer, x: Mat): Mat {
  const g = convolutionParams(l);
  // Pad into a bordered copy first, as ncnn's make_padding does.
  const bordered = image(x.c, x.h + g.top + g.bottom, x.w + g.left + g.right);
  for (let c = 0; c < x.c; c++) {
    for (let y = 0; y < x.h; y++) {
      for (let i = 0; i < x.w; i++) {
        bordered.data[(c * bordered.h + y + g.top) * bordered.w + i + g.left] = at(x, c, y, i);
      }
    }
  }
  const outH = Math.floor((bordered.h - (g.dh * (g.kh - 1) + 1)) / g.sh) + 1;
  const outW = Math.floor((bordered.w - (g.dw * (g.kw - 1) + 1)) / g.sw) + 1;
  const weight = l.weight('weight');
  const bias = l.hasWeight('bias') ? l.weight('bias') : undefined;
  const out = image(g.out, outH, outW);
  const sum = new Float64Array(outH * outW);
  const source = bordered.data;
  const stride = g.sw;
  for (let o = 0; o < g.out; o++) {
    sum.fill(bias ? (bias[o] as number) : 0);
    for (let c = 0; c < x.c; c++) {
      const plane = c * bordered.h * bordered.w;
      for (let ky = 0; ky < g.kh; ky++) {
        for (let kx = 0; kx < g.kw; kx++) {
          const k = weight[((o * x.c + c) * g.kh + ky) * g.kw + kx] as number;
          for (let y = 0; y < outH; y++) {
            const row = plane + (y * g.sh + ky * g.dh) * bordered.w + kx * g.dw;
            const at0 = y * outW;
            for (let i = 0; i < outW; i++) {
              sum[at0 + i] = (sum[at0 + i] as number) + k * (source[row + i * stride] as number);
            }
          }
        }
      }
    }
    out.data.set(sum, o * outH * outW);
  }
  return out;
}

function deconvolution(l: Layer, x: Mat): Mat {
  const g = convolutionParams(l);
  const outPadRight = l.p(18, 0);
  const outPadBottom = l.p(19, outPadRight);
  // Scatter every input pixel through the kernel into the full-size output, then cut the pads.
  const fullH = (x.h - 1) * g.sh + g.dh * (g.kh - 1) + 1 + outPadBottom;
  const fullW = (x.w - 1) * g.sw + g.dw * (g.kw - 1) + 1 + outPadRight;
  const weight = l.weight('weight');
  const bias = l.hasWeight('bias') ? l.weight('bias') : undefined;
  const full = new Float64Array(g.out * fullH * fullW);
  for (let o = 0; o < g.out; o++) {
    full.fill(bias ? (bias[o] as number) : 0, o * fullH * fullW, (o + 1) * fullH * fullW);
    for (let c = 0; c < x.c; c++) {
      for (let ky = 0; ky < g.kh; ky++) {
        for (let kx = 0; kx < g.kw; kx++) {
          const k = weight[((o * x.c + c) * g.kh + ky) * g.kw + kx] as number;
          for (let y = 0; y < x.h; y++) {
            // Input pixel (y, i) lands on output (y·stride + ky·dilation, i·stride + kx·dilation).
            const row = (o * fullH + y * g.sh + ky * g.dh) * fullW + kx * g.dw;
            for (let i = 0; i < x.w; i++) {
              const index = row + i * g.sw;
              full[index] = (full[index] as number) + k * at(x, c, y, i);
            }
          }
        }
      }
    }
  }
  const out = image(g.out, fullH - g.top - g.bottom, fullW - g.left - g.right);
  for (let o = 0; o < out.c; o++) {
    for (let y = 0; y < out.h; y++) {
      for (let i = 0; i < out.w; i++) {
        out.data[(o * out.h + y) * out.w + i] = full[
          (o * fullH + y + g.top) * fullW + i + g.left
        ] as number;
      }
    }
  }
  return out;
}

function innerProduct(l: Layer, x: Mat): Mat {
  const outCount = l.p(0, 0);
  const weight = l.weight('weight');
  const bias = l.hasWeight('bias') ? l.weight('bias') : undefined;
  // ncnn flattens whatever comes in: weight is [out][c·h·w].
  const size = x.data.length;
  const out = vector(outCount);
  for (let o = 0; o < outCount; o++) {
    let sum = bias ? (bias[o] as number) : 0;
    for (let i = 0; i < size; i++) sum += (weight[o * size + i] as number) * (x.data[i] as number);
    out.data[o] = sum;
  }
  return out;
}

function prelu(l: Layer, x: Mat): Mat {
  const slope = l.weight('slope');
  const planeSize = x.h * x.w;
  return {
    ...x,
    data: x.data.map((v, i) => {
      const s = slope.length === 1 ? slope[0] : slope[Math.floor(i / planeSize)];
      return v < 0 ? v * (s as number) : v;
    }),
  };
}

function pixelShuffle(l: Layer, x: Mat): Mat {
  const r = l.p(0, 1);
  const mode = l.p(1, 0);
  const outC = x.c / (r * r);
  const out = image(outC, x.h * r, x.w * r);
  for (let c = 0; c < outC; c++) {
    for (let i = 0; i < r; i++) {
      for (let j = 0; j < r; j++) {
        const from = mode === 0 ? c * r * r + i * r + j : (i * r + j) * outC + c;
        for (let y = 0; y < x.h; y++) {
          for (let k = 0; k < x.w; k++) {
            out.data[(c * out.h + y * r + i) * out.w + k * r + j] = at(x, from, y, k);
          }
        }
      }
    }
  }
  return out;
}

function interp(l: Layer, x: Mat): Mat {
  const type = l.p(0, 0);
  const scaleH = l.p(1, 1);
  const scaleW = l.p(2, 1);
  const alignCorner = l.p(6, 0) !== 0;
  const outH = Math.trunc(x.h * Math.fround(scaleH));
  const outW = Math.trunc(x.w * Math.fround(scaleW));
  let rows: Taps;
  let cols: Taps;
  if (type === 1) {
    [rows, cols] = [nearestTaps(x.h, outH, scaleH), nearestTaps(x.w, outW, scaleW)];
  } else if (type === 2) {
    [rows, cols] = [linearTaps(x.h, outH, alignCorner), linearTaps(x.w, outW, alignCorner)];
  } else if (type === 3) {
    [rows, cols] = [cubicTaps(x.h, outH, alignCorner), cubicTaps(x.w, outW, alignCorner)];
  } else {
    throw new Error(`reference: Interp type ${type}`);
  }
  return separable(x, image(x.c, outH, outW), rows, cols);
}

/** For each output row (or column): the input rows it reads and their weights. */
type Taps = { index: number[]; weight: number[] }[];

/** ncnn's nearest: source = min(int(d · (1 / scale)), size - 1). */
function nearestTaps(size: number, outSize: number, scale: number): Taps {
  const step = Math.fround(1 / Math.fround(scale));
  return Array.from({ length: outSize }, (_, d) => ({
    index: [Math.min(Math.trunc(d * step), size - 1)],
    weight: [1],
  }));
}

/** out[y][x] = Σ rows[y] × Σ cols[x] of the input. */
function separable(x: Mat, out: Mat, rows: Taps, cols: Taps): Mat {
  for (let c = 0; c < x.c; c++) {
    for (let y = 0; y < out.h; y++) {
      const row = rows[y] as Taps[number];
      for (let i = 0; i < out.w; i++) {
        const col = cols[i] as Taps[number];
        let sum = 0;
        row.index.forEach((sy, a) => {
          col.index.forEach((sx, b) => {
            sum += (row.weight[a] as number) * (col.weight[b] as number) * at(x, c, sy, sx);
          });
        });
        out.data[(c * out.h + y) * out.w + i] = sum;
      }
    }
  }
  return out;
}

/** ncnn's linear_coeffs: two taps, pinned to the edge pixel pair outside the image. */
function linearTaps(size: number, outSize: number, alignCorner: boolean): Taps {
  const scale = alignCorner ? (size - 1) / (outSize - 1) : size / outSize;
  return Array.from({ length: outSize }, (_, d) => {
    let f = alignCorner ? d * scale : (d + 0.5) * scale - 0.5;
    let s = Math.floor(f);
    f -= s;
    if (s < 0) {
      s = 0;
      f = 0;
    }
    if (s >= size - 1) {
      s = size - 2;
      f = 1;
    }
    return { index: [s, s + 1], weight: [1 - f, f] };
  });
}

/** ncnn's cubic_coeffs: Keys' cubic (A = -0.75) with its four edge re-weightings. */
function cubicTaps(size: number, outSize: number, alignCorner: boolean): Taps {
  const A = -0.75;
  const scale = alignCorner ? (size - 1) / (outSize - 1) : size / outSize;
  return Array.from({ length: outSize }, (_, d) => {
    let f = alignCorner ? d * scale : (d + 0.5) * scale - 0.5;
    let s = Math.floor(f);
    f -= s;
    const f0 = f + 1;
    const f2 = 1 - f;
    const w = [
      A * f0 * f0 * f0 - 5 * A * f0 * f0 + 8 * A * f0 - 4 * A,
      (A + 2) * f * f * f - (A + 3) * f * f + 1,
      (A + 2) * f2 * f2 * f2 - (A + 3) * f2 * f2 + 1,
      0,
    ];
    w[3] = 1 - (w[0] as number) - (w[1] as number) - (w[2] as number);
    let [a0, a1, a2, a3] = w as [number, number, number, number];
    if (s <= -1) {
      s = 1;
      [a0, a1, a2, a3] = [1 - a3, a3, 0, 0];
    }
    if (s === 0) {
      s = 1;
      [a0, a1, a2, a3] = [a0 + a1, a2, a3, 0];
    }
    if (s === size - 2) {
      s = size - 3;
      [a0, a1, a2, a3] = [0, a0, a1, a2 + a3];
    }
    if (s >= size - 1) {
      s = size - 3;
      [a0, a1, a2, a3] = [0, 0, a0, 1 - a0];
    }
    return { index: [s - 1, s, s + 1, s + 2], weight: [a0, a1, a2, a3] };
  });
}

const BINARY: Readonly<Record<number, (a: number, b: number) => number>> = {
  0: (a, b) => a + b,
  1: (a, b) => a - b,
  2: (a, b) => a * b,
  3: (a, b) => a / b,
  4: (a, b) => Math.max(a, b),
  5: (a, b) => Math.min(a, b),
  6: (a, b) => a ** b,
  7: (a, b) => b - a,
  8: (a, b) => b / a,
  9: (a, b) => b ** a,
};

/**
 * Applies f elementwise; a vector meets an image one value per channel, a one-channel image
 * meets every channel of an image of its size (ncnn broadcasting).
 */
function elementwise(a: Mat, b: Mat, f: (x: number, y: number) => number): Mat {
  const planeSize = Math.max(a.h * a.w, b.h * b.w);
  if (a.dims === 3 && b.dims === 3 && a.c !== b.c && (a.c === 1 || b.c === 1)) {
    const [big, small, swapped] = a.c > b.c ? [a, b, false] : [b, a, true];
    if (small.h !== big.h || small.w !== big.w) throw new Error('reference: sizes differ');
    const data = big.data.map((v, i) => {
      const other = small.data[i % planeSize] as number;
      return swapped ? f(other, v) : f(v, other);
    });
    return { ...big, data };
  }
  const [big, small, swapped] = a.dims >= b.dims ? [a, b, false] : [b, a, true];
  if (small.c !== big.c || (small.dims === big.dims && small.data.length !== big.data.length)) {
    throw new Error('reference: operands do not broadcast');
  }
  const data = big.data.map((v, i) => {
    const other = small.dims === big.dims ? small.data[i] : small.data[Math.floor(i / planeSize)];
    return swapped ? f(other as number, v) : f(v, other as number);
  });
  return { ...big, data };
}

function binaryOp(l: Layer, inputs: Mat[]): Mat {
  const f = BINARY[l.p(0, 0)];
  if (!f) throw new Error(`reference: BinaryOp ${l.p(0, 0)}`);
  if (l.p(1, 0) !== 0) {
    const b = l.p(2, 0);
    return map(one(inputs[0]), (v) => f(v, b));
  }
  return elementwise(one(inputs[0]), one(inputs[1]), f);
}

function eltwise(l: Layer, inputs: Mat[]): Mat {
  const type = l.p(0, 0);
  const coeffs = l.a(1);
  const first = one(inputs[0]);
  if (type === 1) {
    const data = new Float32Array(first.data.length);
    for (let i = 0; i < data.length; i++) {
      let sum = 0;
      inputs.forEach((input, k) => (sum += (coeffs[k] ?? 1) * (input.data[i] as number)));
      data[i] = sum;
    }
    return { ...first, data };
  }
  const f = type === 0 ? (a: number, b: number) => a * b : Math.max;
  return inputs.slice(1).reduce((acc, input) => elementwise(acc, input, f), first);
}

function scale(l: Layer, inputs: Mat[]): Mat {
  const x = one(inputs[0]);
  if (l.p(0, 0) === -233) return elementwise(x, one(inputs[1]), (a, b) => a * b);
  const factors = l.weight('scale');
  const bias = l.p(1, 0) !== 0 ? l.weight('bias') : undefined;
  const planeSize = x.h * x.w;
  return {
    ...x,
    data: x.data.map((v, i) => {
      const c = Math.floor(i / planeSize);
      return v * (factors[c] as number) + (bias ? (bias[c] as number) : 0);
    }),
  };
}

function concat(l: Layer, inputs: Mat[]): Mat {
  const first = one(inputs[0]);
  const rank = first.dims;
  let axis = l.p(0, 0);
  if (axis < 0) axis += rank;
  if (rank === 1 || axis === 0) {
    // Channels are outermost, so joining along them is joining the arrays.
    const c = inputs.reduce((sum, input) => sum + input.c, 0);
    const out: Mat = { ...first, c, data: new Float32Array(c * first.h * first.w) };
    let offset = 0;
    for (const input of inputs) {
      out.data.set(input.data, offset);
      offset += input.data.length;
    }
    return out;
  }
  const h = axis === 1 ? inputs.reduce((sum, input) => sum + input.h, 0) : first.h;
  const w = axis === 2 ? inputs.reduce((sum, input) => sum + input.w, 0) : first.w;
  const out = image(first.c, h, w);
  let offset = 0;
  for (const input of inputs) {
    for (let c = 0; c < input.c; c++) {
      for (let y = 0; y < input.h; y++) {
        for (let x = 0; x < input.w; x++) {
          const [oy, ox] = axis === 1 ? [y + offset, x] : [y, x + offset];
          out.data[(c * h + oy) * w + ox] = at(input, c, y, x);
        }
      }
    }
    offset += axis === 1 ? input.h : input.w;
  }
  return out;
}

/** ncnn Crop::resolve_crop_roi for (c, h, w) blobs, then a copy of the region. */
function crop(l: Layer, inputs: Mat[]): Mat {
  const x = one(inputs[0]);
  let [c0, y0, x0] = [l.p(2, 0), l.p(1, 0), l.p(0, 0)];
  let [outC, outH, outW] = [x.c - c0 - l.p(8, 0), x.h - y0 - l.p(7, 0), x.w - x0 - l.p(6, 0)];
  const reference = inputs[1];
  if (reference) {
    [outC, outH, outW] = [reference.c, reference.h, reference.w];
  } else if (l.a(9).length > 0) {
    const starts = l.a(9);
    const ends = l.a(10);
    const axes = l.a(11).length > 0 ? l.a(11) : starts.map((_, i) => i);
    const sizes = [x.c, x.h, x.w];
    const begin = [0, 0, 0];
    const count = [x.c, x.h, x.w];
    axes.forEach((rawAxis, i) => {
      const axis = rawAxis < 0 ? rawAxis + 3 : rawAxis;
      const size = sizes[axis] as number;
      const start = starts[i] as number;
      const end = ends[i] as number;
      begin[axis] = start >= 0 ? start : size + start;
      count[axis] = Math.min(size, end > 0 ? end : size + end) - (begin[axis] as number);
    });
    [c0, y0, x0] = begin as [number, number, number];
    [outC, outH, outW] = count as [number, number, number];
  }
  const out = image(outC, outH, outW);
  for (let c = 0; c < outC; c++) {
    for (let y = 0; y < outH; y++) {
      for (let i = 0; i < outW; i++) {
        out.data[(c * outH + y) * outW + i] = at(x, c + c0, y + y0, i + x0);
      }
    }
  }
  return out;
}

function padding(l: Layer, x: Mat): Mat {
  const [top, bottom, left, right] = [l.p(0, 0), l.p(1, 0), l.p(2, 0), l.p(3, 0)];
  const type = l.p(4, 0);
  const value = l.p(5, 0);
  const out = image(x.c, x.h + top + bottom, x.w + left + right);
  const source = (i: number, size: number): number | undefined => {
    if (i >= 0 && i < size) return i;
    if (type === 0) return undefined;
    if (type === 1) return Math.min(Math.max(i, 0), size - 1);
    return i < 0 ? -i : 2 * (size - 1) - i;
  };
  for (let c = 0; c < x.c; c++) {
    for (let y = 0; y < out.h; y++) {
      for (let i = 0; i < out.w; i++) {
        const sy = source(y - top, x.h);
        const sx = source(i - left, x.w);
        out.data[(c * out.h + y) * out.w + i] =
          sy === undefined || sx === undefined ? value : at(x, c, sy, sx);
      }
    }
  }
  return out;
}

function globalPooling(l: Layer, x: Mat): Mat {
  if (l.p(4, 0) === 0) throw new Error('reference: only global pooling');
  const max = l.p(0, 0) === 0;
  const out = vector(x.c);
  const planeSize = x.h * x.w;
  for (let c = 0; c < x.c; c++) {
    const plane = x.data.subarray(c * planeSize, (c + 1) * planeSize);
    let acc = max ? -Infinity : 0;
    for (const v of plane) acc = max ? Math.max(acc, v) : acc + v;
    out.data[c] = max ? acc : acc / planeSize;
  }
  return out;
}

/**
 * rife-ncnn-vulkan's Warp (warp.cpp): each output pixel samples the image at itself plus the
 * flow (channel 0 along x, 1 along y), bilinearly, with each of the four taps' indices clamped
 * into the image.
 */
function warp(x: Mat, flow: Mat): Mat {
  if (flow.c !== 2 || flow.h !== x.h || flow.w !== x.w) throw new Error('reference: bad flow');
  const out = image(x.c, x.h, x.w);
  const clamp = (v: number, size: number) => Math.min(Math.max(v, 0), size - 1);
  for (let y = 0; y < x.h; y++) {
    for (let i = 0; i < x.w; i++) {
      const sx = i + at(flow, 0, y, i);
      const sy = y + at(flow, 1, y, i);
      const fx = Math.floor(sx);
      const fy = Math.floor(sy);
      const alpha = sx - fx;
      const beta = sy - fy;
      const [x0, x1] = [clamp(fx, x.w), clamp(fx + 1, x.w)];
      const [y0, y1] = [clamp(fy, x.h), clamp(fy + 1, x.h)];
      for (let c = 0; c < x.c; c++) {
        const top = (1 - alpha) * at(x, c, y0, x0) + alpha * at(x, c, y0, x1);
        const bottom = (1 - alpha) * at(x, c, y1, x0) + alpha * at(x, c, y1, x1);
        out.data[(c * x.h + y) * x.w + i] = (1 - beta) * top + beta * bottom;
      }
    }
  }
  return out;
}
