// Converts an ncnn model (.param graph + .bin weights) into an ONNX model.
//
// ncnn blobs have no batch axis: an image is (c, h, w) and a vector (what global pooling and
// InnerProduct make) is (c). In ONNX every tensor here is rank 4: images are NCHW with symbolic
// height and width, and vectors are [N, C, 1, 1], so ncnn's "a vector of length c scales a
// (c, h, w) image channel by channel" broadcast is plain ONNX broadcasting and an InnerProduct
// on a vector is a 1×1 Conv.
//
// The ncnn front ends (waifu2x-, realcugan-ncnn-vulkan) pad the image before the network and the
// network's unpadded convolutions eat the padding; `frontEnd` bakes that padding, and the crop
// back to scale × input size, into the graph, so every converted model maps H×W to sH×sW like
// the others in the manifest.
//
// Adding a layer type means one entry in LAYER_CONVERTERS (and one in ncnn.ts's WEIGHT_SPECS if
// it stores weights); adding a fused activation means one case in emitActivation.

import type { onnx } from 'onnx-proto';
import { MAX_CONCAT_INPUTS } from './keras-to-onnx.ts';
import {
  type NcnnLayer,
  type NcnnWeight,
  intParam,
  parseNcnnModel,
  parseNcnnParam,
} from './ncnn.ts';
import { attribute, encodeModel, floatTensor, floatValueInfo, int64Tensor, node } from './onnx.ts';
import { firstOnlyInput, namesOf, sameChannels } from './layer-helpers.ts';

/** Border handling of the padding an ncnn front end adds around the image. */
export interface NcnnFrontEnd {
  /** Pixels added on every side, all consumed by the network's unpadded convolutions. */
  pad: number;
  /** The padded height and width must be multiples of this; extra rows/columns go bottom/right. */
  align: number;
  /** 'reflect' leaves the edge pixel out of the mirror (ncnn BORDER_REFLECT); 'edge' repeats it. */
  border: 'reflect' | 'edge';
  /** Output pixels per input pixel, to crop the output back to exactly scale × the input. */
  scale: number;
}

/**
 * The front ends of the ncnn tools the models come from, as their sources set them up. Both feed
 * RGB / 255 (no mean) and write the output × 255, so the models work in 0..1.
 */
export const FRONT_ENDS = {
  // realcugan-ncnn-vulkan: prepadding 18 at ×2, copy_make_border type 2 (mirror without the edge
  // pixel), padded to an even size.
  realCuganX2: { pad: 18, align: 2, border: 'reflect', scale: 2 },
  // waifu2x-ncnn-vulkan, CUnet denoise at 1×: prepadding 28, its shader clamps coordinates
  // (repeats the edge pixel), padded to a multiple of 4.
  waifu2xCunetX1: { pad: 28, align: 4, border: 'edge', scale: 1 },
} as const satisfies Record<string, NcnnFrontEnd>;
// Mirroring needs an input larger than what it pads (as with ncnn's copy_make_border): 20 px for
// Real-CUGAN counting the alignment row. The app's tiles are never smaller than tile.min.

/** One graph input of a model with several ncnn Input layers (RIFE: two frames and the time). */
export interface NcnnGraphInput {
  name: string;
  /** ncnn Input layers rarely say; the converter tracks channel counts to check shapes. */
  channels: number;
}

export interface NcnnConvertOptions {
  /** The graph input of a model with one Input layer. */
  inputName: string;
  /**
   * For a model with several Input layers: one per layer, in .param order (`inputName` is then
   * not used). No front end applies to these.
   */
  inputs?: readonly NcnnGraphInput[];
  outputName: string;
  /** The ONNX graph name. */
  graphName: string;
  frontEnd?: NcnnFrontEnd;
}

const PRODUCER = { name: 'kintsugi-ncnn-to-onnx', version: '1' };

/** onnx.TensorProto.DataType.FLOAT, for Cast (onnx-proto is imported for its types only). */
const ONNX_FLOAT = 1;

/** Image models: an Input layer that does not say how many channels it has gets RGB. */
const DEFAULT_INPUT_CHANNELS = 3;

// ---------------------------------------------------------------------------------------------
// Layer converters.

interface TensorRef {
  /** Name of the tensor in the ONNX graph. */
  name: string;
  /** Tracked so shape errors surface at conversion time, not at inference. */
  channels: number;
  /** 'image' is ncnn (c, h, w) → ONNX NCHW; 'vector' is ncnn (c) → ONNX [N, C, 1, 1]. */
  kind: 'image' | 'vector';
}

interface LayerContext {
  layer: NcnnLayer;
  inputs: readonly TensorRef[];
  /** The ONNX tensor names the converter must write its results to, one per ncnn top. */
  outputs: readonly string[];
  /** An integer parameter; reading it marks it as understood. */
  int(key: number, fallback: number): number;
  /** A float parameter (an integer is accepted too). */
  float(key: number, fallback: number): number;
  /** An array parameter, or undefined when absent. */
  array(key: number): readonly number[] | undefined;
  /** The layer's weight by role ('weight', 'bias', 'slope', 'scale'), if it stored one. */
  weight(role: string): NcnnWeight | undefined;
  /** Adds a float initializer named `${layer.name}/${suffix}` and returns its name. */
  initializer(suffix: string, dims: readonly number[], data: Float32Array): string;
  int64(suffix: string, values: readonly number[]): string;
  /** A fresh tensor name for an intermediate result of this layer. */
  tempName(suffix: string): string;
  addNode(
    opType: string,
    inputs: readonly string[],
    output: string,
    attributes?: readonly onnx.IAttributeProto[],
  ): void;
  fail(message: string): Error;
}

/** Emits ONNX nodes for one ncnn layer and returns a tensor for each of its tops. */
type LayerConverter = (ctx: LayerContext) => TensorRef[];

const LAYER_CONVERTERS: Readonly<Record<string, LayerConverter>> = {
  Convolution: convertConvolution,
  Deconvolution: convertDeconvolution,
  InnerProduct: convertInnerProduct,
  ReLU: convertReLU,
  PReLU: convertPReLU,
  Sigmoid: (ctx) => unary(ctx, 'Sigmoid'),
  Clip: convertClip,
  PixelShuffle: convertPixelShuffle,
  Interp: convertInterp,
  BinaryOp: convertBinaryOp,
  Eltwise: convertEltwise,
  Scale: convertScale,
  Split: convertSplit,
  Concat: convertConcat,
  Crop: convertCrop,
  Padding: convertPadding,
  Pooling: convertPooling,
  'rife.Warp': convertRifeWarp,
};

// Input has no converter: the graph walker turns it into the graph input.
const INPUT_LAYER = 'Input';

/** Parameters shared by Convolution and Deconvolution (src/layer/convolution.cpp). */
function convolutionGeometry(ctx: LayerContext) {
  const kernelW = ctx.int(1, 0);
  const dilationW = ctx.int(2, 1);
  const strideW = ctx.int(3, 1);
  const padLeft = ctx.int(4, 0);
  const padRight = ctx.int(15, padLeft);
  const padTop = ctx.int(14, padLeft);
  const geometry = {
    outChannels: ctx.int(0, 0),
    kernel: [ctx.int(11, kernelW), kernelW],
    dilations: [ctx.int(12, dilationW), dilationW],
    strides: [ctx.int(13, strideW), strideW],
    // ONNX order [top, left, bottom, right]; ncnn defaults right and top to left, bottom to top.
    pads: [padTop, padLeft, ctx.int(16, padTop), padRight],
    hasBias: ctx.int(5, 0) !== 0,
    weightSize: ctx.int(6, 0),
  };
  if (geometry.pads.some((pad) => pad < 0)) {
    // -233/-234 are TF-style SAME padding, which depends on the (symbolic) input size.
    throw ctx.fail(`unsupported automatic padding ${padLeft}`);
  }
  ctx.int(8, 0); // int8_scale_term: ncnn.ts refuses int8 layers before we get here.
  if (geometry.kernel.some((k) => k < 1) || geometry.outChannels < 1) {
    throw ctx.fail('needs num_output and kernel size');
  }
  return geometry;
}

function convertConvolution(ctx: LayerContext): TensorRef[] {
  const input = singleImageInput(ctx);
  const g = convolutionGeometry(ctx);
  const padValue = ctx.float(18, 0);
  if (padValue !== 0) throw ctx.fail(`unsupported pad_value ${padValue}`);
  if (ctx.int(19, 0) !== 0) throw ctx.fail('unsupported dynamic weight');
  const [kernelH, kernelW] = g.kernel as [number, number];
  const expected = g.outChannels * input.channels * kernelH * kernelW;
  const weight = requireWeight(ctx, 'weight', expected);
  if (g.weightSize !== expected) throw ctx.fail(`weight_data_size ${g.weightSize} ≠ ${expected}`);

  // ncnn and ONNX both store conv kernels as [out][in][kh][kw].
  const inputs = [
    input.name,
    ctx.initializer('weight', [g.outChannels, input.channels, kernelH, kernelW], weight.data),
  ];
  if (g.hasBias) {
    inputs.push(
      ctx.initializer('bias', [g.outChannels], requireWeight(ctx, 'bias', g.outChannels).data),
    );
  }
  const output = ctx.outputs[0] as string;
  const convOutput = emitsActivation(ctx) ? ctx.tempName('conv') : output;
  ctx.addNode('Conv', inputs, convOutput, [
    attribute.ints('kernel_shape', g.kernel),
    attribute.ints('strides', g.strides),
    attribute.ints('dilations', g.dilations),
    attribute.ints('pads', g.pads),
    attribute.int('group', 1),
  ]);
  emitActivation(ctx, convOutput, output);
  return [{ name: output, channels: g.outChannels, kind: 'image' }];
}

function convertDeconvolution(ctx: LayerContext): TensorRef[] {
  const input = singleImageInput(ctx);
  const g = convolutionGeometry(ctx);
  const outputPadRight = ctx.int(18, 0);
  const outputPadBottom = ctx.int(19, outputPadRight);
  if (ctx.int(20, 0) !== 0 || ctx.int(21, 0) !== 0) throw ctx.fail('unsupported output_w/h');
  if (ctx.int(28, 0) !== 0) throw ctx.fail('unsupported dynamic weight');
  const [kernelH, kernelW] = g.kernel as [number, number];
  const expected = g.outChannels * input.channels * kernelH * kernelW;
  const weight = requireWeight(ctx, 'weight', expected);
  if (g.weightSize !== expected) throw ctx.fail(`weight_data_size ${g.weightSize} ≠ ${expected}`);

  // ncnn stores transposed-conv kernels [out][in][kh][kw]; ONNX ConvTranspose wants [in][out].
  const kernelSize = kernelH * kernelW;
  const transposed = new Float32Array(expected);
  for (let o = 0; o < g.outChannels; o++) {
    for (let i = 0; i < input.channels; i++) {
      const from = (o * input.channels + i) * kernelSize;
      transposed.set(
        weight.data.subarray(from, from + kernelSize),
        (i * g.outChannels + o) * kernelSize,
      );
    }
  }
  const inputs = [
    input.name,
    ctx.initializer('weight', [input.channels, g.outChannels, kernelH, kernelW], transposed),
  ];
  if (g.hasBias) {
    inputs.push(
      ctx.initializer('bias', [g.outChannels], requireWeight(ctx, 'bias', g.outChannels).data),
    );
  }
  const output = ctx.outputs[0] as string;
  const convOutput = emitsActivation(ctx) ? ctx.tempName('deconv') : output;
  // ncnn computes the full transposed conv, adds output_pad at the end, then cuts `pads` off;
  // ONNX ConvTranspose's pads and output_padding mean the same.
  ctx.addNode('ConvTranspose', inputs, convOutput, [
    attribute.ints('kernel_shape', g.kernel),
    attribute.ints('strides', g.strides),
    attribute.ints('dilations', g.dilations),
    attribute.ints('pads', g.pads),
    attribute.ints('output_padding', [outputPadBottom, outputPadRight]),
    attribute.int('group', 1),
  ]);
  emitActivation(ctx, convOutput, output);
  return [{ name: output, channels: g.outChannels, kind: 'image' }];
}

function convertInnerProduct(ctx: LayerContext): TensorRef[] {
  const input = singleInput(ctx);
  // On an image ncnn flattens (c, h, w) first; only the vector case (SE blocks) is a 1×1 conv.
  if (input.kind !== 'vector') throw ctx.fail('unsupported input: only a vector, not an image');
  const outChannels = ctx.int(0, 0);
  const hasBias = ctx.int(1, 0) !== 0;
  const weightSize = ctx.int(2, 0);
  ctx.int(8, 0);
  const expected = outChannels * input.channels;
  if (outChannels < 1 || weightSize !== expected) {
    throw ctx.fail(`weight_data_size ${weightSize} ≠ ${outChannels} × ${input.channels}`);
  }
  const inputs = [
    input.name,
    ctx.initializer(
      'weight',
      [outChannels, input.channels, 1, 1],
      requireWeight(ctx, 'weight', expected).data,
    ),
  ];
  if (hasBias) {
    inputs.push(
      ctx.initializer('bias', [outChannels], requireWeight(ctx, 'bias', outChannels).data),
    );
  }
  const output = ctx.outputs[0] as string;
  const convOutput = emitsActivation(ctx) ? ctx.tempName('fc') : output;
  ctx.addNode('Conv', inputs, convOutput, [attribute.ints('kernel_shape', [1, 1])]);
  emitActivation(ctx, convOutput, output);
  return [{ name: output, channels: outChannels, kind: 'vector' }];
}

function emitsActivation(ctx: LayerContext): boolean {
  return ctx.int(9, 0) !== 0;
}

/** The fused activation of Convolution, Deconvolution and InnerProduct (params 9 and 10). */
function emitActivation(ctx: LayerContext, input: string, output: string): void {
  const type = ctx.int(9, 0);
  const params = ctx.array(10) ?? [];
  switch (type) {
    case 0:
      return;
    case 1:
      ctx.addNode('Relu', [input], output);
      return;
    case 2:
      ctx.addNode('LeakyRelu', [input], output, [attribute.float('alpha', params[0] ?? 0)]);
      return;
    case 3:
      emitClip(ctx, input, output, params[0] ?? -Infinity, params[1] ?? Infinity);
      return;
    case 4:
      ctx.addNode('Sigmoid', [input], output);
      return;
    default:
      throw ctx.fail(`unsupported fused activation_type ${type}`);
  }
}

function emitClip(ctx: LayerContext, input: string, output: string, min: number, max: number) {
  ctx.addNode(
    'Clip',
    [
      input,
      ctx.initializer('min', [], Float32Array.of(min)),
      ctx.initializer('max', [], Float32Array.of(max)),
    ],
    output,
  );
}

function unary(ctx: LayerContext, opType: string): TensorRef[] {
  const input = singleInput(ctx);
  const output = ctx.outputs[0] as string;
  ctx.addNode(opType, [input.name], output);
  return [{ ...input, name: output }];
}

function convertReLU(ctx: LayerContext): TensorRef[] {
  const slope = ctx.float(0, 0);
  if (slope === 0) return unary(ctx, 'Relu');
  const input = singleInput(ctx);
  const output = ctx.outputs[0] as string;
  ctx.addNode('LeakyRelu', [input.name], output, [attribute.float('alpha', slope)]);
  return [{ ...input, name: output }];
}

function convertClip(ctx: LayerContext): TensorRef[] {
  const input = singleInput(ctx);
  const output = ctx.outputs[0] as string;
  emitClip(
    ctx,
    input.name,
    output,
    ctx.float(0, -Number.MAX_VALUE),
    ctx.float(1, Number.MAX_VALUE),
  );
  return [{ ...input, name: output }];
}

function convertPReLU(ctx: LayerContext): TensorRef[] {
  const input = singleInput(ctx);
  const count = ctx.int(0, 0);
  if (count !== 1 && count !== input.channels) {
    throw ctx.fail(`num_slope ${count} fits neither 1 nor ${input.channels} channels`);
  }
  const slope = requireWeight(ctx, 'slope', count);
  const output = ctx.outputs[0] as string;
  // [C, 1, 1] broadcasts over NCHW one slope per channel, as ncnn applies them.
  const dims = count === 1 ? [1] : [count, 1, 1];
  ctx.addNode('PRelu', [input.name, ctx.initializer('slope', dims, slope.data)], output);
  return [{ ...input, name: output }];
}

function convertPixelShuffle(ctx: LayerContext): TensorRef[] {
  const input = singleImageInput(ctx);
  const factor = ctx.int(0, 1);
  const mode = ctx.int(1, 0);
  if (factor < 1 || input.channels % (factor * factor) !== 0) {
    throw ctx.fail(`${input.channels} channels do not shuffle by ${factor}`);
  }
  if (mode !== 0 && mode !== 1) throw ctx.fail(`unsupported mode ${mode}`);
  const output = ctx.outputs[0] as string;
  // mode 0 is PyTorch's pixel_shuffle (channel c*r*r + i*r + j → pixel (i, j) of channel c),
  // which ONNX calls CRD; mode 1 is TF's depth_to_space, ONNX's DCR.
  ctx.addNode('DepthToSpace', [input.name], output, [
    attribute.int('blocksize', factor),
    attribute.string('mode', mode === 0 ? 'CRD' : 'DCR'),
  ]);
  return [{ name: output, channels: input.channels / (factor * factor), kind: 'image' }];
}

function convertInterp(ctx: LayerContext): TensorRef[] {
  const input = singleImageInput(ctx);
  const type = ctx.int(0, 0);
  const scaleH = ctx.float(1, 1);
  const scaleW = ctx.float(2, 1);
  if (ctx.int(3, 0) !== 0 || ctx.int(4, 0) !== 0 || ctx.int(5, 0) !== 0) {
    throw ctx.fail('unsupported fixed or dynamic output size (only scale factors)');
  }
  const alignCorner = ctx.int(6, 0) !== 0;
  const output = ctx.outputs[0] as string;
  const scales = ctx.initializer('scales', [4], Float32Array.of(1, 1, scaleH, scaleW));
  let attributes: onnx.IAttributeProto[];
  if (type === 1) {
    // ncnn nearest: source = floor(dst / scale), clamped; align_corner does not apply.
    attributes = [
      attribute.string('mode', 'nearest'),
      attribute.string('coordinate_transformation_mode', 'asymmetric'),
      attribute.string('nearest_mode', 'floor'),
    ];
  } else if (type === 2 || type === 3) {
    // ncnn maps dst to (dst + 0.5) * in/out - 0.5 (or the align-corners map) and clamps the
    // taps to the image, which is ONNX's linear/cubic with edge clamping; its cubic is Keys' with
    // A = -0.75, ONNX's default coefficient.
    attributes = [
      attribute.string('mode', type === 2 ? 'linear' : 'cubic'),
      attribute.string(
        'coordinate_transformation_mode',
        alignCorner ? 'align_corners' : 'half_pixel',
      ),
    ];
    if (type === 3) attributes.push(attribute.float('cubic_coeff_a', -0.75));
  } else {
    throw ctx.fail(`unsupported resize_type ${type}`);
  }
  ctx.addNode('Resize', [input.name, '', scales], output, attributes);
  return [{ ...input, name: output }];
}

const BINARY_OPS: Readonly<Record<number, { opType: string; reversed: boolean }>> = {
  0: { opType: 'Add', reversed: false },
  1: { opType: 'Sub', reversed: false },
  2: { opType: 'Mul', reversed: false },
  3: { opType: 'Div', reversed: false },
  4: { opType: 'Max', reversed: false },
  5: { opType: 'Min', reversed: false },
  6: { opType: 'Pow', reversed: false },
  7: { opType: 'Sub', reversed: true },
  8: { opType: 'Div', reversed: true },
  9: { opType: 'Pow', reversed: true },
};

function convertBinaryOp(ctx: LayerContext): TensorRef[] {
  const opCode = ctx.int(0, 0);
  const op = BINARY_OPS[opCode];
  if (!op) throw ctx.fail(`unsupported op_type ${opCode}`);
  const withScalar = ctx.int(1, 0) !== 0;
  const scalar = ctx.float(2, 0);
  const output = ctx.outputs[0] as string;
  let a: TensorRef;
  let b: string;
  let result: TensorRef;
  if (withScalar) {
    a = singleInput(ctx);
    b = ctx.initializer('b', [], Float32Array.of(scalar));
    result = { ...a, name: output };
  } else {
    const [first, second] = ctx.inputs;
    if (ctx.inputs.length !== 2 || !first || !second) {
      throw ctx.fail(`needs 2 inputs, got ${ctx.inputs.length}`);
    }
    result = broadcastResult(ctx, first, second, output);
    a = first;
    b = second.name;
  }
  const operands = op.reversed ? [b, a.name] : [a.name, b];
  ctx.addNode(op.opType, operands, output);
  return [result];
}

/**
 * The shape of `a ∘ b` under ncnn's broadcasting for the cases that keep ONNX's: equal shapes,
 * an image and a vector of its channel count (one value per channel), or an image and a
 * one-channel image of its size (one value per pixel).
 */
function broadcastResult(ctx: LayerContext, a: TensorRef, b: TensorRef, output: string): TensorRef {
  if (a.kind === 'image' && b.kind === 'image' && (a.channels === 1 || b.channels === 1)) {
    // A one-channel image meets every channel of the other at the same pixel (RIFE's masks).
    return { name: output, channels: Math.max(a.channels, b.channels), kind: 'image' };
  }
  if (a.channels !== b.channels) {
    throw ctx.fail(`unsupported broadcast of ${a.channels} and ${b.channels} channels`);
  }
  const kind = a.kind === 'image' || b.kind === 'image' ? 'image' : 'vector';
  return { name: output, channels: a.channels, kind };
}

function convertEltwise(ctx: LayerContext): TensorRef[] {
  if (ctx.inputs.length < 2) throw ctx.fail(`needs 2 or more inputs, got ${ctx.inputs.length}`);
  const opCode = ctx.int(0, 0);
  const coeffs = ctx.array(1) ?? [];
  const output = ctx.outputs[0] as string;
  let result = ctx.inputs[0] as TensorRef;
  for (const input of ctx.inputs.slice(1)) result = broadcastResult(ctx, result, input, output);

  if (opCode === 1) {
    // Sum with optional per-input coefficients: Σ coeff_i · input_i.
    if (coeffs.length !== 0 && coeffs.length !== ctx.inputs.length) {
      throw ctx.fail(`${coeffs.length} coefficients for ${ctx.inputs.length} inputs`);
    }
    const terms = ctx.inputs.map((input, i) => {
      const coeff = coeffs[i] ?? 1;
      if (coeff === 1) return input.name;
      const scaled = ctx.tempName(`scaled${i}`);
      const constant = ctx.initializer(`coeff${i}`, [], Float32Array.of(coeff));
      ctx.addNode('Mul', [input.name, constant], scaled);
      return scaled;
    });
    ctx.addNode(terms.length === 2 ? 'Add' : 'Sum', terms, output);
  } else if (opCode === 0 || opCode === 2) {
    // ncnn ignores coefficients for product and max. ONNX Mul takes two inputs, Max any number.
    if (opCode === 0 && ctx.inputs.length > 2) throw ctx.fail('unsupported product of 3+ inputs');
    ctx.addNode(opCode === 0 ? 'Mul' : 'Max', namesOf(ctx.inputs), output);
  } else {
    throw ctx.fail(`unsupported op_type ${opCode}`);
  }
  return [result];
}

function convertScale(ctx: LayerContext): TensorRef[] {
  const size = ctx.int(0, 0);
  const hasBias = ctx.int(1, 0) !== 0;
  const output = ctx.outputs[0] as string;
  if (size === -233) {
    // The scale is the second input, one value per channel (waifu2x's SE blocks).
    const [input, scale] = ctx.inputs;
    if (ctx.inputs.length !== 2 || !input || !scale) throw ctx.fail('needs 2 inputs');
    if (hasBias) throw ctx.fail('unsupported bias with a scale input');
    const result = broadcastResult(ctx, input, scale, output);
    ctx.addNode('Mul', [input.name, scale.name], output);
    return [result];
  }
  const input = singleInput(ctx);
  if (size !== input.channels) throw ctx.fail(`scale_data_size ${size} ≠ ${input.channels}`);
  const dims = [size, 1, 1];
  const scaled = hasBias ? ctx.tempName('scaled') : output;
  ctx.addNode(
    'Mul',
    [input.name, ctx.initializer('scale', dims, requireWeight(ctx, 'scale', size).data)],
    scaled,
  );
  if (hasBias) {
    const bias = ctx.initializer('bias', dims, requireWeight(ctx, 'bias', size).data);
    ctx.addNode('Add', [scaled, bias], output);
  }
  return [{ ...input, name: output }];
}

function convertSplit(ctx: LayerContext): TensorRef[] {
  // A Split is ncnn's way of letting several layers read one blob; ONNX needs no node for it.
  const input = singleInput(ctx);
  return ctx.outputs.map(() => input);
}

function convertConcat(ctx: LayerContext): TensorRef[] {
  if (ctx.inputs.length < 2) throw ctx.fail(`needs 2 or more inputs, got ${ctx.inputs.length}`);
  const kind = (ctx.inputs[0] as TensorRef).kind;
  if (ctx.inputs.some((input) => input.kind !== kind)) throw ctx.fail('mixes images and vectors');
  const axis = onnxAxis(ctx, ctx.int(0, 0), kind);
  const output = ctx.outputs[0] as string;
  // See MAX_CONCAT_INPUTS: wide Concats become a tree of narrow ones, with identical results.
  let names = namesOf(ctx.inputs);
  for (let level = 0; names.length > MAX_CONCAT_INPUTS; level++) {
    const groups: string[] = [];
    for (let start = 0; start < names.length; start += MAX_CONCAT_INPUTS) {
      const group = names.slice(start, start + MAX_CONCAT_INPUTS);
      if (group.length === 1) {
        groups.push(group[0] as string);
        continue;
      }
      const partial = ctx.tempName(`concat${level}_${groups.length}`);
      ctx.addNode('Concat', group, partial, [attribute.int('axis', axis)]);
      groups.push(partial);
    }
    names = groups;
  }
  ctx.addNode('Concat', names, output, [attribute.int('axis', axis)]);
  const channels =
    axis === 1 ? ctx.inputs.reduce((sum, input) => sum + input.channels, 0) : sameChannels(ctx);
  return [{ name: output, channels, kind }];
}

/** ncnn's axis on a batchless blob (negative counts from the end) → the ONNX axis. */
function onnxAxis(ctx: LayerContext, axis: number, kind: TensorRef['kind']): number {
  const rank = kind === 'image' ? 3 : 1;
  const positive = axis < 0 ? axis + rank : axis;
  if (positive < 0 || positive >= rank) throw ctx.fail(`axis ${axis} is out of range`);
  return positive + 1;
}

// Slice `ends` meaning "to the end of the axis".
const SLICE_TO_END = 2 ** 53 - 1;

function convertCrop(ctx: LayerContext): TensorRef[] {
  const output = ctx.outputs[0] as string;
  const offsets = { w: ctx.int(0, 0), h: ctx.int(1, 0), c: ctx.int(2, 0) };
  const outSizes = [ctx.int(3, -233), ctx.int(4, -233), ctx.int(5, -233)];
  const ends2 = { w: ctx.int(6, 0), h: ctx.int(7, 0), c: ctx.int(8, 0) };
  const starts = ctx.array(9);
  const ends = ctx.array(10);
  const axes = ctx.array(11);
  const noSizes = outSizes.every((size) => size === -233 || size === 0);
  const noEnds2 = ends2.w === 0 && ends2.h === 0 && ends2.c === 0;

  if (ctx.inputs.length === 2) {
    // Crop to the reference blob's size, starting at the offsets (waifu2x's U-Net skips).
    const [input, reference] = ctx.inputs as [TensorRef, TensorRef];
    if (input.kind !== 'image' || reference.kind !== 'image') throw ctx.fail('needs images');
    if (offsets.w < 0 || offsets.h < 0 || offsets.c !== 0 || !noSizes || !noEnds2 || starts) {
      throw ctx.fail('unsupported parameters with a reference input (only w/h offsets)');
    }
    if (reference.channels !== input.channels) {
      throw ctx.fail(`unsupported channel crop ${input.channels} → ${reference.channels}`);
    }
    const shape = ctx.tempName('ref_shape');
    ctx.addNode('Shape', [reference.name], shape);
    const refSize = ctx.tempName('ref_hw');
    ctx.addNode('Slice', [shape, ctx.int64('hw_start', [2]), ctx.int64('hw_end', [4])], refSize);
    const sliceEnds = ctx.tempName('ends');
    ctx.addNode('Add', [refSize, ctx.int64('offsets', [offsets.h, offsets.w])], sliceEnds);
    ctx.addNode(
      'Slice',
      [
        input.name,
        ctx.int64('starts', [offsets.h, offsets.w]),
        sliceEnds,
        ctx.int64('axes', [2, 3]),
      ],
      output,
    );
    return [{ ...input, name: output }];
  }

  const input = singleImageInput(ctx);
  let bounds: { axis: number; start: number; end: number }[];
  if (starts) {
    // starts/ends/axes over (c, h, w): negative counts from the end, and an end of 0 (as ncnn
    // reads `end > 0 ? end : size + end`) is the end of the axis.
    if (offsets.w || offsets.h || offsets.c || !noSizes || !noEnds2) {
      throw ctx.fail('mixes starts/ends with offsets');
    }
    const axisList = axes ?? starts.map((_, i) => i);
    if (!ends || ends.length !== starts.length || axisList.length !== starts.length) {
      throw ctx.fail('starts, ends and axes differ in length');
    }
    bounds = starts.map((start, i) => {
      const end = ends[i] as number;
      return {
        axis: onnxAxis(ctx, axisList[i] as number, 'image'),
        start,
        end: end === 0 ? SLICE_TO_END : end,
      };
    });
  } else {
    if (!noSizes) throw ctx.fail('unsupported fixed output size');
    bounds = [
      { axis: 1, start: offsets.c, end: ends2.c === 0 ? SLICE_TO_END : -ends2.c },
      { axis: 2, start: offsets.h, end: ends2.h === 0 ? SLICE_TO_END : -ends2.h },
      { axis: 3, start: offsets.w, end: ends2.w === 0 ? SLICE_TO_END : -ends2.w },
    ].filter((bound) => bound.start !== 0 || bound.end !== SLICE_TO_END);
  }
  let channels = input.channels;
  for (const bound of bounds.filter((b) => b.axis === 1)) {
    const from = bound.start < 0 ? channels + bound.start : bound.start;
    const to = bound.end < 0 ? channels + bound.end : Math.min(channels, bound.end);
    channels = to - from;
  }
  if (channels < 1) throw ctx.fail('crops away every channel');
  const column = (key: 'start' | 'end' | 'axis') => bounds.map((bound) => bound[key]);
  const sliceStarts = ctx.int64('starts', column('start'));
  const sliceEnds = ctx.int64('ends', column('end'));
  const sliceAxes = ctx.int64('axes', column('axis'));
  ctx.addNode('Slice', [input.name, sliceStarts, sliceEnds, sliceAxes], output);
  return [{ name: output, channels, kind: 'image' }];
}

const PAD_MODES: Readonly<Record<number, string>> = { 0: 'constant', 1: 'edge', 2: 'reflect' };

function convertPadding(ctx: LayerContext): TensorRef[] {
  const input = singleImageInput(ctx);
  const [top, bottom, left, right] = [ctx.int(0, 0), ctx.int(1, 0), ctx.int(2, 0), ctx.int(3, 0)];
  const type = ctx.int(4, 0);
  const value = ctx.float(5, 0);
  const mode = PAD_MODES[type];
  if (!mode) throw ctx.fail(`unsupported type ${type}`);
  if (ctx.int(6, 0) !== 0) throw ctx.fail('unsupported per-channel pad values');
  if (ctx.int(7, 0) !== 0 || ctx.int(8, 0) !== 0) throw ctx.fail('unsupported channel padding');
  if ([top, bottom, left, right].some((pad) => pad < 0)) throw ctx.fail('negative padding');
  const output = ctx.outputs[0] as string;
  const inputs = [input.name, ctx.int64('pads', [0, 0, top, left, 0, 0, bottom, right])];
  if (type === 0) inputs.push(ctx.initializer('value', [], Float32Array.of(value)));
  ctx.addNode('Pad', inputs, output, [attribute.string('mode', mode)]);
  return [{ ...input, name: output }];
}

function convertPooling(ctx: LayerContext): TensorRef[] {
  const input = singleImageInput(ctx);
  const type = ctx.int(0, 0);
  const global = ctx.int(4, 0) !== 0;
  if (!global) throw ctx.fail('unsupported windowed pooling (only global)');
  // Window, stride, padding and the pad/count modes do not apply to global pooling.
  for (const key of [1, 11, 2, 12, 3, 13, 14, 15, 5, 6]) ctx.int(key, 0);
  if (ctx.int(7, 0) !== 0) throw ctx.fail('unsupported adaptive pooling');
  if (type !== 0 && type !== 1) throw ctx.fail(`unsupported pooling_type ${type}`);
  const output = ctx.outputs[0] as string;
  ctx.addNode(type === 0 ? 'GlobalMaxPool' : 'GlobalAveragePool', [input.name], output);
  // ncnn's global pooling yields a (c) vector; [N, C, 1, 1] is the same values.
  return [{ name: output, channels: input.channels, kind: 'vector' }];
}

/**
 * rife-ncnn-vulkan's custom Warp layer (its warp.cpp): output(x, y) is the image sampled
 * bilinearly at (x + flow₀(x, y), y + flow₁(x, y)), the four taps clamped into the image. That is
 * ONNX GridSample with align_corners (−1 and 1 are the centres of the edge pixels) and border
 * padding, once the flow in pixels becomes a normalised position: gx = (x + flow₀) · 2 / (W − 1)
 * − 1, likewise for y. W and H are only known at run time, so they come from Shape.
 */
function convertRifeWarp(ctx: LayerContext): TensorRef[] {
  const [picture, flow] = ctx.inputs;
  if (ctx.inputs.length !== 2 || !picture || !flow) {
    throw ctx.fail(`needs 2 inputs, got ${ctx.inputs.length}`);
  }
  if (picture.kind !== 'image' || flow.kind !== 'image' || flow.channels !== 2) {
    throw ctx.fail('needs an image and a two-channel flow');
  }
  const output = ctx.outputs[0] as string;
  const temp = (
    suffix: string,
    opType: string,
    inputs: string[],
    attributes: onnx.IAttributeProto[] = [],
  ) => {
    const name = ctx.tempName(suffix);
    ctx.addNode(opType, inputs, name, attributes);
    return name;
  };
  const shape = temp('shape', 'Shape', [flow.name]);
  const size = temp('hw', 'Slice', [shape, ctx.int64('hw_start', [2]), ctx.int64('hw_end', [4])]);
  const sizeFloat = ctx.tempName('hw_float');
  ctx.addNode('Cast', [size], sizeFloat, [attribute.int('to', ONNX_FLOAT)]);
  const zero = ctx.initializer('zero', [], Float32Array.of(0));
  const one = ctx.initializer('one', [], Float32Array.of(1));
  const two = ctx.initializer('two', [], Float32Array.of(2));
  const firstAxis = ctx.int64('first_axis', [0]);
  /** flow channel `channel` (0: x, along axis 3; 1: y, along axis 2) as a normalised position. */
  const normalised = (channel: number, suffix: string) => {
    const sizeIndex = channel === 0 ? 1 : 0;
    const n = temp(`${suffix}_n`, 'Squeeze', [
      temp(`${suffix}_n1`, 'Slice', [
        sizeFloat,
        ctx.int64(`${suffix}_n_start`, [sizeIndex]),
        ctx.int64(`${suffix}_n_end`, [sizeIndex + 1]),
      ]),
      firstAxis,
    ]);
    let positions = temp(`${suffix}_positions`, 'Range', [zero, n, one]);
    // x positions run along the last axis as they are; y positions become a column.
    if (channel === 1) {
      positions = temp(`${suffix}_column`, 'Unsqueeze', [
        positions,
        ctx.int64(`${suffix}_axis`, [1]),
      ]);
    }
    const component = temp(`${suffix}_flow`, 'Slice', [
      flow.name,
      ctx.int64(`${suffix}_c_start`, [channel]),
      ctx.int64(`${suffix}_c_end`, [channel + 1]),
      ctx.int64(`${suffix}_c_axis`, [1]),
    ]);
    const position = temp(`${suffix}_position`, 'Add', [component, positions]);
    const factor = temp(`${suffix}_factor`, 'Div', [two, temp(`${suffix}_span`, 'Sub', [n, one])]);
    return temp(`${suffix}_grid`, 'Sub', [
      temp(`${suffix}_scaled`, 'Mul', [position, factor]),
      one,
    ]);
  };
  const grid = temp(
    'grid_nchw',
    'Concat',
    [normalised(0, 'x'), normalised(1, 'y')],
    [attribute.int('axis', 1)],
  );
  const gridNhwc = ctx.tempName('grid');
  ctx.addNode('Transpose', [grid], gridNhwc, [attribute.ints('perm', [0, 2, 3, 1])]);
  ctx.addNode('GridSample', [picture.name, gridNhwc], output, [
    attribute.string('mode', 'bilinear'),
    attribute.string('padding_mode', 'border'),
    attribute.int('align_corners', 1),
  ]);
  return [{ ...picture, name: output }];
}

// ---------------------------------------------------------------------------------------------
// Converter helpers.

function singleInput(ctx: LayerContext): TensorRef {
  const input = firstOnlyInput(ctx);
  if (ctx.outputs.length !== 1 && ctx.layer.type !== 'Split') {
    throw ctx.fail(`needs 1 output, got ${ctx.outputs.length}`);
  }
  return input;
}

function singleImageInput(ctx: LayerContext): TensorRef {
  const input = singleInput(ctx);
  if (input.kind !== 'image') throw ctx.fail('needs an image (c, h, w) input, not a vector');
  return input;
}

function requireWeight(ctx: LayerContext, role: string, count: number): NcnnWeight {
  const weight = ctx.weight(role);
  if (!weight) throw ctx.fail(`has no stored ${role}`);
  if (weight.data.length !== count) {
    throw ctx.fail(`${role} has ${weight.data.length} values, expected ${count}`);
  }
  return weight;
}

// ---------------------------------------------------------------------------------------------
// Graph walk.

export function convertNcnnModel(
  paramText: string,
  bin: Uint8Array,
  opts: NcnnConvertOptions,
): Uint8Array {
  // Fail on any unsupported layer type before reading weights, naming the type and the layer.
  const model = parseNcnnModelChecked(paramText, bin);
  const nodes: onnx.INodeProto[] = [];
  const initializers = new Map<string, onnx.ITensorProto>();
  const usedNames = new Set<string>([opts.inputName, opts.outputName]);
  const claimName = (base: string): string => {
    let name = base;
    for (let n = 2; usedNames.has(name); n++) name = `${base}_${n}`;
    usedNames.add(name);
    return name;
  };

  const inputLayers = model.layers.filter((layer) => layer.type === INPUT_LAYER);
  const graphInputs = opts.inputs ?? [{ name: opts.inputName, channels: DEFAULT_INPUT_CHANNELS }];
  if (inputLayers.length !== graphInputs.length) {
    throw new Error(
      `The ncnn model has ${inputLayers.length} Input layers; ${graphInputs.length} named`,
    );
  }
  if (opts.inputs && opts.frontEnd) throw new Error('A front end needs a single-input model');
  for (const input of opts.inputs ?? []) usedNames.add(input.name);
  const outputBlob = findOutputBlob(model.layers);

  const frontEnd = emitFrontEnd(opts, claimName);
  const networkOutput = opts.frontEnd ? claimName('network_output') : opts.outputName;

  const blobs = new Map<string, TensorRef>();
  const valueInputs = inputLayers.map((inputLayer, i) => {
    const given = graphInputs[i] as NcnnGraphInput;
    if (inputLayer.tops.length !== 1) {
      throw new Error(`ncnn Input layer '${inputLayer.name}' must have exactly one top`);
    }
    // Input's 0=w 1=h are a size hint (waifu2x writes its tile size); H and W stay symbolic.
    const inputKeys = [...inputLayer.params.keys()].filter((key) => key > 2);
    if (inputKeys.length > 0) {
      throw new Error(
        `ncnn layer '${inputLayer.name}' (Input): unsupported parameter ${inputKeys}`,
      );
    }
    const channels = opts.inputs ? given.channels : intParam(inputLayer, 2, DEFAULT_INPUT_CHANNELS);
    blobs.set(inputLayer.tops[0] as string, {
      name: opts.inputs ? given.name : frontEnd.networkInput,
      channels,
      kind: 'image',
    });
    return floatValueInfo(given.name, ['batch', channels, 'height', 'width']);
  });

  for (const layer of model.layers) {
    if (layer.type === INPUT_LAYER) continue;
    const fail = (message: string) =>
      new Error(`ncnn layer '${layer.name}' (${layer.type}): ${message}`);
    const inputs = layer.bottoms.map((blob) => {
      const tensor = blobs.get(blob);
      if (!tensor) throw fail(`reads blob '${blob}' before any layer writes it`);
      return tensor;
    });
    const outputs = layer.tops.map((blob) =>
      blob === outputBlob ? networkOutput : claimName(sanitize(blob)),
    );
    const weights = model.weights.get(layer.name) ?? new Map<string, NcnnWeight>();
    const readParams = new Set<number>();
    const readWeights = new Set<string>();
    const param = (key: number) => {
      readParams.add(key);
      return layer.params.get(key);
    };
    const prefix = sanitize(layer.name);
    const ctx: LayerContext = {
      layer,
      inputs,
      outputs,
      int: (key, fallback) => {
        const value = param(key);
        if (value === undefined) return fallback;
        if (value.kind !== 'int') throw fail(`param ${key} is not an integer`);
        return value.value;
      },
      float: (key, fallback) => {
        const value = param(key);
        if (value === undefined) return fallback;
        if (value.kind === 'array') throw fail(`param ${key} is an array, not a number`);
        return value.value;
      },
      array: (key) => {
        const value = param(key);
        if (value === undefined) return undefined;
        if (value.kind !== 'array') throw fail(`param ${key} is not an array`);
        return value.values;
      },
      weight: (role) => {
        readWeights.add(role);
        return weights.get(role);
      },
      initializer: (suffix, dims, data) => {
        const name = claimName(`${prefix}/${suffix}`);
        initializers.set(name, floatTensor(name, dims, data));
        return name;
      },
      int64: (suffix, values) => {
        const name = claimName(`${prefix}/${suffix}`);
        initializers.set(name, int64Tensor(name, [values.length], values));
        return name;
      },
      tempName: (suffix) => claimName(`${prefix}/${suffix}`),
      addNode: (opType, nodeInputs, nodeOutput, attributes) => {
        nodes.push(
          node({
            opType,
            name: outputs.includes(nodeOutput) ? prefix : nodeOutput,
            inputs: nodeInputs,
            outputs: [nodeOutput],
            attributes,
          }),
        );
      },
      fail,
    };
    const convert = LAYER_CONVERTERS[layer.type] as LayerConverter;
    const results = convert(ctx);
    const unknown = [...layer.params.keys()].filter((key) => !readParams.has(key));
    if (unknown.length > 0) throw fail(`unsupported parameter ${unknown.join(', ')}`);
    const unread = [...weights.keys()].filter((role) => !readWeights.has(role));
    if (unread.length > 0) throw fail(`stored ${unread.join(', ')} that the converter ignored`);
    layer.tops.forEach((blob, i) => blobs.set(blob, results[i] as TensorRef));
  }

  const output = blobs.get(outputBlob) as TensorRef;
  if (output.kind !== 'image') throw new Error(`ncnn output blob '${outputBlob}' is not an image`);
  if (output.name !== networkOutput) {
    // The output is another blob under a second name (a Split, or the input itself).
    nodes.push(
      node({
        opType: 'Identity',
        name: networkOutput,
        inputs: [output.name],
        outputs: [networkOutput],
      }),
    );
  }
  const after = frontEnd.after(networkOutput);

  return encodeModel(
    {
      name: opts.graphName,
      docString: `Converted from the ncnn model '${opts.graphName}' (ncnn blobs as NCHW).`,
      nodes: [...frontEnd.before.nodes, ...nodes, ...after.nodes],
      initializers: [
        ...frontEnd.before.initializers,
        ...initializers.values(),
        ...after.initializers,
      ],
      inputs: valueInputs,
      outputs: [
        floatValueInfo(opts.outputName, ['batch', output.channels, 'out_height', 'out_width']),
      ],
    },
    PRODUCER,
  );
}

function parseNcnnModelChecked(paramText: string, bin: Uint8Array) {
  // Parse the .param alone first so an unknown layer type is reported as such, not as a .bin
  // the reader cannot size.
  for (const layer of parseNcnnParam(paramText)) {
    if (layer.type !== INPUT_LAYER && !Object.hasOwn(LAYER_CONVERTERS, layer.type)) {
      throw new Error(`Unsupported ncnn layer type '${layer.type}' (layer '${layer.name}')`);
    }
  }
  return parseNcnnModel(paramText, bin);
}

/** The one blob some layer writes and no layer reads. */
function findOutputBlob(layers: readonly NcnnLayer[]): string {
  const read = new Set(layers.flatMap((layer) => layer.bottoms));
  const unread = layers.flatMap((layer) => layer.tops).filter((blob) => !read.has(blob));
  const [output] = unread;
  if (unread.length !== 1 || output === undefined) {
    throw new Error(`ncnn model must have exactly one output blob, found [${unread.join(', ')}]`);
  }
  return output;
}

/** ncnn blob and layer names are free text; keep ONNX names readable and free of '/'. */
function sanitize(name: string): string {
  return name.replace(/[^A-Za-z0-9_.:-]/g, '_');
}

type ClaimName = (base: string) => string;

/** Adds the front end's shape-arithmetic nodes and int64 constants, under 'front_end/'. */
function frontEndEmitter(claimName: ClaimName) {
  const nodes: onnx.INodeProto[] = [];
  const initializers: onnx.ITensorProto[] = [];
  return {
    nodes,
    initializers,
    add(opType: string, inputs: string[], base: string, attributes: onnx.IAttributeProto[] = []) {
      const output = claimName(`front_end/${base}`);
      nodes.push(node({ opType, name: output, inputs, outputs: [output], attributes }));
      return output;
    },
    constant(base: string, values: number[]) {
      const name = claimName(`front_end/${base}`);
      initializers.push(int64Tensor(name, [values.length], values));
      return name;
    },
  };
}

/**
 * Wraps the network in what the ncnn front end does around it: before, `pad` on every side plus
 * whatever the bottom and right need to make the padded size a multiple of `align`; after, a crop
 * to scale × the input size, dropping the alignment rows. The input size is only known at run
 * time, so the amounts are computed in the graph from Shape.
 */
function emitFrontEnd(opts: NcnnConvertOptions, claimName: ClaimName) {
  const before = frontEndEmitter(claimName);
  const { add, constant } = before;
  const frontEnd = opts.frontEnd;
  if (!frontEnd) {
    return { before, networkInput: opts.inputName, after: () => frontEndEmitter(claimName) };
  }
  const { pad, align, scale } = frontEnd;
  if (![pad, align, scale].every(Number.isInteger) || pad < 0 || align < 1 || scale < 1) {
    throw new Error(`Front end pad ${pad}, align ${align}, scale ${scale} must be integers`);
  }

  const shape = add('Shape', [opts.inputName], 'shape');
  const size = add('Slice', [shape, constant('hw_start', [2]), constant('hw_end', [4])], 'hw');
  let endPads: string;
  if (align > 1) {
    // (align - size % align) % align, + pad.
    const alignConst = constant('align', [align, align]);
    const remainder = add('Mod', [size, alignConst], 'remainder');
    const missing = add('Sub', [alignConst, remainder], 'missing');
    const extra = add('Mod', [missing, alignConst], 'extra');
    endPads = add('Add', [extra, constant('pad_end', [pad, pad])], 'end_pads');
  } else {
    endPads = constant('end_pads', [pad, pad]);
  }
  // ONNX pads: [n, c, top, left] begins, then [n, c, bottom, right] ends.
  const begins = constant('begin_pads', [0, 0, pad, pad, 0, 0]);
  const pads = add('Concat', [begins, endPads], 'pads', [attribute.int('axis', 0)]);
  const mode = attribute.string('mode', frontEnd.border);
  const networkInput = add('Pad', [opts.inputName, pads], 'padded', [mode]);

  /** The nodes that crop the network's output into the graph output. */
  const after = (networkOutput: string) => {
    const crop = frontEndEmitter(claimName);
    const ends = crop.add('Mul', [size, crop.constant('scale', [scale, scale])], 'output_hw');
    const starts = crop.constant('crop_starts', [0, 0]);
    const axes = crop.constant('crop_axes', [2, 3]);
    crop.nodes.push(
      node({
        opType: 'Slice',
        name: opts.outputName,
        inputs: [networkOutput, starts, ends, axes],
        outputs: [opts.outputName],
      }),
    );
    return crop;
  };
  return { before, networkInput, after };
}
