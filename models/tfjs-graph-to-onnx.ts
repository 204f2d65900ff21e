// Converts a TF.js *graph* model (model.json holding a TensorFlow GraphDef as JSON, plus weight
// shards) into an ONNX model.
//
// TF image tensors are NHWC while ONNX's Conv, pooling, Resize and DepthToSpace are NCHW only.
// Wrapping each of those in a Transpose pair (tf2onnx's way) leaves it to the runtime's optimizer
// to cancel them; instead the whole graph is emitted in NCHW, like keras-to-onnx.ts. Every value
// remembers which layout its ONNX tensor holds: image ops read and write NCHW, elementwise ops
// keep what they are given, and the constants they broadcast against are permuted here, at
// conversion time. A Transpose is emitted only where element order itself matters: before a
// Reshape of an image tensor (the detectors' heads) and at an NHWC graph input or output.
//
// The models we convert have fixed input sizes, so every shape is known here and the batch is
// fixed to 1. That turns TF's 'SAME' padding into exact explicit pads (asymmetric when a stride
// does not divide the size) and folds the shape arithmetic some exports carry
// (Shape → StridedSlice → Pack → Reshape) into constants.
//
// Adding an op means adding one entry to OP_CONVERTERS.

import type { onnx } from 'onnx-proto';
import { MAX_CONCAT_INPUTS } from './keras-to-onnx.ts';
import {
  type Constant,
  type DType,
  isRecord,
  parseWeightSpecs,
  readWeights,
} from './lib/tfjs-weights.ts';
import {
  attribute,
  encodeModel,
  floatTensor,
  floatValueInfo,
  int64Tensor,
  node as onnxNode,
} from './onnx.ts';

export interface TfjsGraphConvertOptions {
  /** TF Placeholder node name → ONNX input name. Every Placeholder the outputs need is listed. */
  inputs: Readonly<Record<string, string>>;
  /** TF node name → ONNX output name. Only the nodes these outputs depend on are converted. */
  outputs: Readonly<Record<string, string>>;
  /** Memory order of the ONNX graph's rank-4 inputs and outputs; inside, the graph is NCHW. */
  layout: 'NHWC' | 'NCHW';
}

const PRODUCER = { name: 'kintsugi-tfjs-graph-to-onnx', version: '1' };

/** Transpose perms between TF's NHWC and ONNX's NCHW. */
const TO_NCHW = [0, 3, 1, 2] as const;
const TO_NHWC = [0, 2, 3, 1] as const;

// ---------------------------------------------------------------------------------------------
// The parts of the TF.js graph model.json format that we read.

interface TfNode {
  name: string;
  op: string;
  /** 'name', 'name:1' for a later output, '^name' for a control dependency. */
  input: string[];
  attr: Record<string, TfAttr>;
}

/** A GraphDef AttrValue as protobuf JSON: int64s are strings, strings are base64. */
interface TfAttr {
  i?: string | number;
  f?: number;
  b?: boolean;
  s?: string;
  shape?: { dim?: { size?: string | number }[]; unknownRank?: boolean };
  list?: { i?: (string | number)[]; s?: string[] };
}

// ---------------------------------------------------------------------------------------------
// Op converters.

interface Value {
  /** The TF tensor this value is, for names and messages. */
  tfName: string;
  dtype: DType;
  /** TF's shape: NHWC for image tensors. Always fixed. */
  shape: readonly number[];
  /** The ONNX tensor holding this value in TF's element order, once there is one. */
  plain?: string;
  /** The ONNX tensor holding this rank-4 value in NCHW order, once there is one. */
  nchw?: string;
  /** The elements, when known at conversion time: Consts and what folds from them. */
  data?: Float32Array | Int32Array;
}

/** What a converter produces; the walker names it after the node. */
type Result = Omit<Value, 'tfName' | 'dtype'> & { dtype?: DType };

interface OpContext {
  node: TfNode;
  /** The node's data inputs in order; control inputs are dropped. */
  inputs: readonly Value[];
  /** The NCHW ONNX tensor of a rank-4 value (or of a lower-rank constant broadcast as NHWC). */
  nchw(value: Value): string;
  /** The ONNX tensor of a value in TF's element order. */
  plain(value: Value): string;
  /** Adds an initializer named `${node.name}/${suffix}` and returns its name. */
  floatInitializer(suffix: string, dims: readonly number[], data: Float32Array): string;
  int64Initializer(suffix: string, values: readonly number[]): string;
  /** A float scalar initializer shared by the whole graph. */
  scalar(value: number): string;
  /** Adds a single-output ONNX node and returns its fresh output name. */
  addNode(
    opType: string,
    inputs: readonly string[],
    attributes?: readonly onnx.IAttributeProto[],
  ): string;
  /** Wraps a converter's result as the value of this node. */
  value(result: Result): Value;
  fail(message: string): Error;
}

type OpConverter = (ctx: OpContext) => Value;

const OP_CONVERTERS: Readonly<Record<string, OpConverter>> = {
  Identity: (ctx) => input(ctx, 0),
  Conv2D: (ctx) => convertConvolution(ctx, 'conv', []),
  _FusedConv2D: (ctx) => convertConvolution(ctx, 'conv', stringsAttr(ctx, 'fused_ops')),
  DepthwiseConv2dNative: (ctx) => convertConvolution(ctx, 'depthwise', []),
  FusedDepthwiseConv2dNative: (ctx) =>
    convertConvolution(ctx, 'depthwise', stringsAttr(ctx, 'fused_ops')),
  Conv2DBackpropInput: convertConv2DBackpropInput,
  Add: (ctx) => convertBinary(ctx, 'Add'),
  AddV2: (ctx) => convertBinary(ctx, 'Add'),
  Sub: (ctx) => convertBinary(ctx, 'Sub'),
  Mul: (ctx) => convertBinary(ctx, 'Mul'),
  RealDiv: (ctx) => convertBinary(ctx, 'Div'),
  Prelu: (ctx) => convertBinary(ctx, 'PRelu'),
  AddN: convertAddN,
  Relu: (ctx) => convertActivation(ctx, 'Relu'),
  Relu6: (ctx) => convertActivation(ctx, 'Relu6'),
  Sigmoid: (ctx) => convertActivation(ctx, 'Sigmoid'),
  Tanh: (ctx) => convertActivation(ctx, 'Tanh'),
  MaxPool: (ctx) => convertPool(ctx, 'MaxPool'),
  AvgPool: (ctx) => convertPool(ctx, 'AveragePool'),
  Pad: convertPad,
  PadV2: convertPad,
  Reshape: convertReshape,
  ConcatV2: convertConcatV2,
  ResizeBilinear: convertResizeBilinear,
  DepthToSpace: convertDepthToSpace,
  Shape: convertShape,
  StridedSlice: convertStridedSlice,
  Pack: convertPack,
};

// Placeholder and Const have no converter: the graph walker turns them into the graph inputs
// and into values known at conversion time.
const PLACEHOLDER = 'Placeholder';
const CONST = 'Const';

/** Fused activations of _FusedConv2D and FusedDepthwiseConv2dNative that we emit. */
const ACTIVATIONS = ['Relu', 'Relu6', 'Sigmoid', 'Tanh', 'Prelu'] as const;
type Activation = (typeof ACTIVATIONS)[number];

function isActivation(name: string): name is Activation {
  return (ACTIVATIONS as readonly string[]).includes(name);
}

/**
 * Conv2D and DepthwiseConv2dNative, with the fused forms the TF.js converter makes of them:
 * fused_ops is ['BiasAdd'] or ['BiasAdd', activation], the bias and a Prelu's alpha following
 * the filter as extra inputs.
 */
function convertConvolution(
  ctx: OpContext,
  kind: 'conv' | 'depthwise',
  fusedOps: readonly string[],
): Value {
  expectNhwc(ctx);
  const [x, filterValue, ...args] = ctx.inputs;
  if (!x || !filterValue) throw ctx.fail('needs an input and a filter');
  const filter = constantOf(ctx, filterValue, 'filter', 4);
  const [kernelH, kernelW, filterIn, filterOut] = filter.shape as [number, number, number, number];
  const [batch, height, width, channels] = image(ctx, x);
  const strides = spatialPair(ctx, 'strides');
  const dilations = spatialPair(ctx, 'dilations');
  const [top, bottom, outHeight] = windowPads(ctx, height, kernelH, strides[0], dilations[0], 0);
  const [left, right, outWidth] = windowPads(ctx, width, kernelW, strides[1], dilations[1], 1);

  let outChannels: number;
  let group: number;
  let kernel: Float32Array;
  let kernelDims: number[];
  if (kind === 'conv') {
    // TF runs a grouped convolution when the filter's depth divides the input's.
    if (channels % filterIn !== 0) {
      throw ctx.fail(`filter depth ${filterIn} does not divide ${channels} input channels`);
    }
    group = channels / filterIn;
    outChannels = filterOut;
    // [kh, kw, in, out] → [out, in, kh, kw]
    kernel = transposeData(filter.data as Float32Array, filter.shape, [3, 2, 0, 1]);
    kernelDims = [outChannels, filterIn, kernelH, kernelW];
  } else {
    if (filterIn !== channels) {
      throw ctx.fail(`depthwise filter is for ${filterIn} channels, input has ${channels}`);
    }
    // TF's output channel c * multiplier + m is group c's m-th output in ONNX too.
    group = channels;
    outChannels = channels * filterOut;
    // [kh, kw, channels, multiplier] → [channels, multiplier, kh, kw] = [out, 1, kh, kw]
    kernel = transposeData(filter.data as Float32Array, filter.shape, [2, 3, 0, 1]);
    kernelDims = [outChannels, 1, kernelH, kernelW];
  }

  const convInputs = [ctx.nchw(x), ctx.floatInitializer('kernel', kernelDims, kernel)];
  let activations = fusedOps;
  if (fusedOps[0] === 'BiasAdd') {
    const bias = constantOf(ctx, args.shift(), 'bias', 1);
    if (bias.shape[0] !== outChannels) throw ctx.fail(`bias has ${bias.shape[0]} values`);
    convInputs.push(ctx.floatInitializer('bias', [outChannels], bias.data as Float32Array));
    activations = fusedOps.slice(1);
  }
  const [activation, ...extraOps] = activations;
  if (extraOps.length > 0 || (activation !== undefined && !isActivation(activation))) {
    throw ctx.fail(`unsupported fused_ops [${fusedOps}]`);
  }

  let output = ctx.addNode('Conv', convInputs, [
    attribute.ints('kernel_shape', [kernelH, kernelW]),
    attribute.ints('strides', strides),
    attribute.ints('dilations', dilations),
    attribute.ints('pads', [top, left, bottom, right]),
    attribute.int('group', group),
  ]);
  const shape = [batch, outHeight, outWidth, outChannels];
  if (activation !== undefined) output = emitActivation(ctx, activation, output, shape, args[0]);
  return ctx.value({ shape, nchw: output });
}

/** The gradient of Conv2D with respect to its input: a transposed convolution. */
function convertConv2DBackpropInput(ctx: OpContext): Value {
  expectNhwc(ctx);
  const [sizesValue, filterValue, x] = ctx.inputs;
  if (!sizesValue || !filterValue || !x) throw ctx.fail('needs input_sizes, filter and input');
  const outShape = [...constantOf(ctx, sizesValue, 'input_sizes', 1).data];
  const filter = constantOf(ctx, filterValue, 'filter', 4);
  // The filter is the forward convolution's [kh, kw, in, out]: here `in` is what we produce.
  const [kernelH, kernelW, outChannels, inChannels] = filter.shape as [
    number,
    number,
    number,
    number,
  ];
  const [batch, height, width, channels] = image(ctx, x);
  const [outBatch, outHeight, outWidth, outDepth] = outShape;
  if (outShape.length !== 4 || outBatch !== batch || outDepth !== outChannels) {
    throw ctx.fail(`input_sizes [${outShape}] do not fit the filter and input`);
  }
  if (inChannels !== channels) throw ctx.fail(`filter takes ${inChannels} channels`);
  const strides = spatialPair(ctx, 'strides');
  const dilations = spatialPair(ctx, 'dilations');
  // Pads of the forward convolution from outShape to x's shape; ONNX's ConvTranspose takes the
  // same pads and puts any rows the forward stride skipped at the end, as TF does.
  const [top, bottom, forwardH] = windowPads(ctx, outHeight!, kernelH, strides[0], dilations[0], 0);
  const [left, right, forwardW] = windowPads(ctx, outWidth!, kernelW, strides[1], dilations[1], 1);
  if (forwardH !== height || forwardW !== width) {
    throw ctx.fail(`input ${height}×${width} is not the forward output of [${outShape}]`);
  }
  const fullH = (height - 1) * strides[0] + (kernelH - 1) * dilations[0] + 1 - top - bottom;
  const fullW = (width - 1) * strides[1] + (kernelW - 1) * dilations[1] + 1 - left - right;
  const output = ctx.addNode(
    'ConvTranspose',
    [
      ctx.nchw(x),
      ctx.floatInitializer(
        'kernel',
        [inChannels, outChannels, kernelH, kernelW],
        // [kh, kw, out, in] → [in, out, kh, kw]
        transposeData(filter.data as Float32Array, filter.shape, [3, 2, 0, 1]),
      ),
    ],
    [
      attribute.ints('kernel_shape', [kernelH, kernelW]),
      attribute.ints('strides', strides),
      attribute.ints('dilations', dilations),
      attribute.ints('pads', [top, left, bottom, right]),
      attribute.ints('output_padding', [outHeight! - fullH, outWidth! - fullW]),
    ],
  );
  return ctx.value({ shape: outShape, nchw: output });
}

function convertBinary(ctx: OpContext, opType: string): Value {
  const [a, b, ...rest] = ctx.inputs;
  if (!a || !b || rest.length > 0) throw ctx.fail(`needs 2 inputs, got ${ctx.inputs.length}`);
  return ctx.value(emitBinary(ctx, opType, a, b));
}

function emitBinary(ctx: OpContext, opType: string, a: Value, b: Value): Result {
  if (a.data && b.data) throw ctx.fail('arithmetic on two constants is not folded');
  const shape = broadcastShapes(ctx, a.shape, b.shape);
  if (opType === 'PRelu' && !sameShape(shape, a.shape)) {
    throw ctx.fail(`alpha [${b.shape}] does not broadcast to the input [${a.shape}]`);
  }
  // An image-shaped result is computed in NCHW, the other operand's constant permuted to match.
  if (shape.length === 4) {
    return { shape, nchw: ctx.addNode(opType, [ctx.nchw(a), ctx.nchw(b)]) };
  }
  return { shape, plain: ctx.addNode(opType, [ctx.plain(a), ctx.plain(b)]) };
}

/** AddN as a chain of Adds: ONNX's Sum binds every input, as a wide Concat does. */
function convertAddN(ctx: OpContext): Value {
  const [first, ...others] = ctx.inputs;
  if (!first || others.length === 0) throw ctx.fail(`needs 2 or more inputs`);
  let sum = first;
  for (const other of others) sum = ctx.value(emitBinary(ctx, 'Add', sum, other));
  return sum;
}

function convertActivation(ctx: OpContext, activation: Exclude<Activation, 'Prelu'>): Value {
  const x = input(ctx, 0);
  // Elementwise: stay in whichever layout the input already has.
  if (x.nchw !== undefined) {
    return ctx.value({
      shape: x.shape,
      nchw: emitActivation(ctx, activation, x.nchw, x.shape),
    });
  }
  return ctx.value({
    shape: x.shape,
    plain: emitActivation(ctx, activation, ctx.plain(x), x.shape),
  });
}

function emitActivation(
  ctx: OpContext,
  activation: Activation,
  x: string,
  shape: readonly number[],
  alpha?: Value,
): string {
  switch (activation) {
    case 'Relu6':
      return ctx.addNode('Clip', [x, ctx.scalar(0), ctx.scalar(6)]);
    case 'Prelu': {
      if (!alpha?.data) throw ctx.fail('Prelu needs a constant alpha');
      if (!sameShape(broadcastShapes(ctx, shape, alpha.shape), shape)) {
        throw ctx.fail(`alpha [${alpha.shape}] does not broadcast to [${shape}]`);
      }
      return ctx.addNode('PRelu', [x, shape.length === 4 ? ctx.nchw(alpha) : ctx.plain(alpha)]);
    }
    default:
      return ctx.addNode(activation, [x]);
  }
}

function convertPool(ctx: OpContext, opType: 'MaxPool' | 'AveragePool'): Value {
  expectNhwc(ctx);
  const x = input(ctx, 0);
  const [batch, height, width, channels] = image(ctx, x);
  const [kernelH, kernelW] = spatialPair(ctx, 'ksize');
  const strides = spatialPair(ctx, 'strides');
  const [top, bottom, outHeight] = windowPads(ctx, height, kernelH, strides[0], 1, 0);
  const [left, right, outWidth] = windowPads(ctx, width, kernelW, strides[1], 1, 1);
  // TF's AvgPool leaves padding out of the count, as ONNX's default count_include_pad=0 does.
  const output = ctx.addNode(
    opType,
    [ctx.nchw(x)],
    [
      attribute.ints('kernel_shape', [kernelH, kernelW]),
      attribute.ints('strides', strides),
      attribute.ints('pads', [top, left, bottom, right]),
    ],
  );
  return ctx.value({ shape: [batch, outHeight, outWidth, channels], nchw: output });
}

/** Pad (zeros) and PadV2 (a given constant). The blazeface models pad channels with it. */
function convertPad(ctx: OpContext): Value {
  const [x, paddingsValue, fillValue] = ctx.inputs;
  if (!x || !paddingsValue) throw ctx.fail('needs an input and paddings');
  const rank = x.shape.length;
  const paddings = constantOf(ctx, paddingsValue, 'paddings', 2);
  if (paddings.shape[0] !== rank || paddings.shape[1] !== 2) {
    throw ctx.fail(`paddings [${paddings.shape}] do not fit rank ${rank}`);
  }
  const before = (axis: number) => paddings.data[axis * 2] as number;
  const after = (axis: number) => paddings.data[axis * 2 + 1] as number;
  const shape = x.shape.map((dim, axis) => dim + before(axis) + after(axis));
  if (shape.some((dim, axis) => before(axis) < 0 || after(axis) < 0 || dim < 1)) {
    throw ctx.fail('negative paddings are not supported');
  }
  const inputs: string[] = [];
  let nchw = false;
  if (rank === 4) {
    nchw = true;
    inputs.push(
      ctx.nchw(x),
      ctx.int64Initializer('pads', [...TO_NCHW.map(before), ...TO_NCHW.map(after)]),
    );
  } else {
    const axes = x.shape.map((_, axis) => axis);
    inputs.push(
      ctx.plain(x),
      ctx.int64Initializer('pads', [...axes.map(before), ...axes.map(after)]),
    );
  }
  if (fillValue) {
    const fill = constantOf(ctx, fillValue, 'constant_values', 0);
    inputs.push(ctx.scalar(fill.data[0] as number));
  }
  const output = ctx.addNode('Pad', inputs);
  return ctx.value(nchw ? { shape, nchw: output } : { shape, plain: output });
}

function convertReshape(ctx: OpContext): Value {
  const [x, shapeValue] = ctx.inputs;
  if (!x || !shapeValue) throw ctx.fail('needs an input and a shape');
  const requested = [...constantOf(ctx, shapeValue, 'shape', 1).data];
  const size = elementCount(x.shape);
  const known = requested.reduce((product, dim) => (dim === -1 ? product : product * dim), 1);
  const inferred = requested.filter((dim) => dim === -1).length;
  if (inferred > 1 || requested.some((dim) => dim < -1)) {
    throw ctx.fail(`invalid shape [${requested}]`);
  }
  const shape = requested.map((dim) => (dim === -1 ? size / known : dim));
  if (elementCount(shape) !== size || !shape.every(Number.isInteger)) {
    throw ctx.fail(`cannot reshape [${x.shape}] to [${requested}]`);
  }
  // Reshape reads elements in memory order, so it needs TF's order: this is where an image
  // tensor goes back to NHWC.
  const output = ctx.addNode('Reshape', [ctx.plain(x), ctx.int64Initializer('shape', shape)]);
  return ctx.value({ shape, plain: output });
}

function convertConcatV2(ctx: OpContext): Value {
  const values = ctx.inputs.slice(0, -1);
  const axisValue = ctx.inputs.at(-1);
  if (values.length < 1 || !axisValue) throw ctx.fail('needs inputs and an axis');
  const first = values[0] as Value;
  const rank = first.shape.length;
  const tfAxis = normalizeAxis(ctx, constantOf(ctx, axisValue, 'axis', 0).data[0] as number, rank);
  const shape = [...first.shape];
  shape[tfAxis] = 0;
  for (const value of values) {
    const matches =
      value.shape.length === rank && value.shape.every((d, i) => i === tfAxis || d === shape[i]);
    if (!matches)
      throw ctx.fail(`input [${value.shape}] does not concatenate with [${first.shape}]`);
    shape[tfAxis]! += value.shape[tfAxis] as number;
  }
  const nchw = rank === 4;
  const axis = nchw ? TO_NCHW.indexOf(tfAxis as 0 | 1 | 2 | 3) : tfAxis;
  let names = values.map((value) => (nchw ? ctx.nchw(value) : ctx.plain(value)));
  // Concatenation is associative: a wide one becomes a tree of narrow ones (MAX_CONCAT_INPUTS).
  while (names.length > MAX_CONCAT_INPUTS) {
    const groups: string[] = [];
    for (let start = 0; start < names.length; start += MAX_CONCAT_INPUTS) {
      const group = names.slice(start, start + MAX_CONCAT_INPUTS);
      groups.push(
        group.length === 1
          ? (group[0] as string)
          : ctx.addNode('Concat', group, [attribute.int('axis', axis)]),
      );
    }
    names = groups;
  }
  const output =
    names.length === 1
      ? ctx.addNode('Identity', names)
      : ctx.addNode('Concat', names, [attribute.int('axis', axis)]);
  return ctx.value(nchw ? { shape, nchw: output } : { shape, plain: output });
}

function convertResizeBilinear(ctx: OpContext): Value {
  const [x, sizeValue] = ctx.inputs;
  if (!x || !sizeValue) throw ctx.fail('needs an input and a size');
  const [batch, , , channels] = image(ctx, x);
  const size = constantOf(ctx, sizeValue, 'size', 1).data;
  const [height, width] = size;
  if (size.length !== 2 || !height || !width) throw ctx.fail(`invalid size [${size}]`);
  const alignCorners = boolAttr(ctx, 'align_corners', false);
  const halfPixelCenters = boolAttr(ctx, 'half_pixel_centers', false);
  if (alignCorners && halfPixelCenters) {
    throw ctx.fail('align_corners with half_pixel_centers is not supported');
  }
  // TF's three sampling grids are exactly ONNX's coordinate transformation modes of these names;
  // both clamp the source coordinate to the image edge.
  const mode = alignCorners ? 'align_corners' : halfPixelCenters ? 'half_pixel' : 'asymmetric';
  const output = ctx.addNode(
    'Resize',
    [ctx.nchw(x), '', '', ctx.int64Initializer('sizes', [batch, channels, height, width])],
    [attribute.string('mode', 'linear'), attribute.string('coordinate_transformation_mode', mode)],
  );
  return ctx.value({ shape: [batch, height, width, channels], nchw: output });
}

function convertDepthToSpace(ctx: OpContext): Value {
  expectNhwc(ctx);
  const x = input(ctx, 0);
  const [batch, height, width, channels] = image(ctx, x);
  const block = intAttr(ctx, 'block_size');
  if (block < 2 || channels % (block * block) !== 0) throw ctx.fail(`invalid block_size ${block}`);
  // TF's NHWC order puts the block offset before the channel in the depth index; ONNX calls
  // that order DCR.
  const output = ctx.addNode(
    'DepthToSpace',
    [ctx.nchw(x)],
    [attribute.int('blocksize', block), attribute.string('mode', 'DCR')],
  );
  const shape = [batch, height * block, width * block, channels / (block * block)];
  return ctx.value({ shape, nchw: output });
}

/** Folds: every shape is fixed. */
function convertShape(ctx: OpContext): Value {
  const x = input(ctx, 0);
  return ctx.value({ dtype: 'int32', shape: [x.shape.length], data: Int32Array.from(x.shape) });
}

/** Folds a 1-D constant slice: the exports use it only to pick the batch out of a Shape. */
function convertStridedSlice(ctx: OpContext): Value {
  const [x, beginValue, endValue, stridesValue] = ctx.inputs;
  if (!x || !beginValue || !endValue || !stridesValue) throw ctx.fail('needs 4 inputs');
  if (!x.data || x.shape.length !== 1) {
    throw ctx.fail('only slices of 1-D constants are supported');
  }
  if (intAttr(ctx, 'ellipsis_mask', 0) !== 0 || intAttr(ctx, 'new_axis_mask', 0) !== 0) {
    throw ctx.fail('ellipsis_mask and new_axis_mask are not supported');
  }
  const one = (value: Value, what: string) => {
    const data = constantOf(ctx, value, what, 1).data;
    if (data.length !== 1) throw ctx.fail(`${what} must have one element`);
    return data[0] as number;
  };
  const length = x.data.length;
  const step = one(stridesValue, 'strides');
  if (step === 0) throw ctx.fail('stride 0');
  // TF's bounds: negative counts from the end, then clamps to the valid range for the stride.
  const bound = (raw: number, masked: boolean, isEnd: boolean) => {
    if (masked) return step > 0 ? (isEnd ? length : 0) : isEnd ? -1 : length - 1;
    const index = raw < 0 ? raw + length : raw;
    return step > 0
      ? Math.min(Math.max(index, 0), length)
      : Math.min(Math.max(index, -1), length - 1);
  };
  const rawBegin = one(beginValue, 'begin');
  if ((intAttr(ctx, 'shrink_axis_mask', 0) & 1) !== 0) {
    // A single element, the axis dropped.
    const index = rawBegin < 0 ? rawBegin + length : rawBegin;
    if (index < 0 || index >= length) throw ctx.fail(`index ${rawBegin} out of range`);
    return ctx.value({ dtype: x.dtype, shape: [], data: x.data.slice(index, index + 1) });
  }
  const begin = bound(rawBegin, (intAttr(ctx, 'begin_mask', 0) & 1) !== 0, false);
  const end = bound(one(endValue, 'end'), (intAttr(ctx, 'end_mask', 0) & 1) !== 0, true);
  const picked: number[] = [];
  for (let i = begin; step > 0 ? i < end : i > end; i += step) picked.push(x.data[i] as number);
  const data = x.dtype === 'int32' ? Int32Array.from(picked) : Float32Array.from(picked);
  return ctx.value({ dtype: x.dtype, shape: [picked.length], data });
}

/** Folds a stack of constants along a new first axis (how the exports build Reshape shapes). */
function convertPack(ctx: OpContext): Value {
  const [first] = ctx.inputs;
  if (!first) throw ctx.fail('needs inputs');
  if (intAttr(ctx, 'axis', 0) !== 0) throw ctx.fail('only axis 0 is supported');
  const parts = ctx.inputs.map((value) => {
    if (!value.data || value.dtype !== first.dtype || !sameShape(value.shape, first.shape)) {
      throw ctx.fail('only stacks of same-shaped constants are supported');
    }
    return [...value.data];
  });
  const values = parts.flat();
  const data = first.dtype === 'int32' ? Int32Array.from(values) : Float32Array.from(values);
  return ctx.value({ dtype: first.dtype, shape: [parts.length, ...first.shape], data });
}

// ---------------------------------------------------------------------------------------------
// Converter helpers.

function input(ctx: OpContext, index: number): Value {
  const value = ctx.inputs[index];
  if (!value) throw ctx.fail(`has no input #${index}`);
  return value;
}

/** The [batch, height, width, channels] of a rank-4 value. */
function image(ctx: OpContext, value: Value): [number, number, number, number] {
  if (value.shape.length !== 4) throw ctx.fail(`needs a rank-4 input, got [${value.shape}]`);
  return value.shape as [number, number, number, number];
}

function constantOf(
  ctx: OpContext,
  value: Value | undefined,
  what: string,
  rank: number,
): Constant {
  if (!value?.data) throw ctx.fail(`${what} must be a constant`);
  if (value.shape.length !== rank && !(rank === 0 && elementCount(value.shape) === 1)) {
    throw ctx.fail(`${what} has shape [${value.shape}], expected rank ${rank}`);
  }
  return { dtype: value.dtype, shape: value.shape, data: value.data };
}

function expectNhwc(ctx: OpContext): void {
  const format = stringAttr(ctx, 'data_format', 'NHWC');
  if (format !== 'NHWC') throw ctx.fail(`unsupported data_format '${format}'`);
}

/** The [height, width] of an NHWC 4-list attribute (strides, dilations, ksize). */
function spatialPair(ctx: OpContext, key: string): [number, number] {
  const values = intsAttr(ctx, key, [1, 1, 1, 1]);
  const [n, h, w, c] = values;
  if (values.length !== 4 || n !== 1 || c !== 1 || !h || !w || h < 1 || w < 1) {
    throw ctx.fail(`unsupported ${key} [${values}]`);
  }
  return [h, w];
}

/**
 * [before, after, output size] of a convolution or pooling window along one spatial axis.
 * 'SAME' pads so the output is ceil(size / stride), putting the odd pixel after, as TF does;
 * for stride > 1 that depends on the size, which is why it is computed here and not at runtime.
 */
function windowPads(
  ctx: OpContext,
  size: number,
  kernel: number,
  stride: number,
  dilation: number,
  spatialAxis: 0 | 1,
): [number, number, number] {
  const span = (kernel - 1) * dilation + 1;
  const padding = stringAttr(ctx, 'padding');
  let before: number;
  let after: number;
  if (padding === 'VALID') {
    before = 0;
    after = 0;
  } else if (padding === 'SAME') {
    const total = Math.max((Math.ceil(size / stride) - 1) * stride + span - size, 0);
    before = Math.floor(total / 2);
    after = total - before;
  } else if (padding === 'EXPLICIT') {
    // explicit_paddings is [before, after] per NHWC axis.
    const explicit = intsAttr(ctx, 'explicit_paddings');
    before = explicit[2 + spatialAxis * 2] ?? 0;
    after = explicit[3 + spatialAxis * 2] ?? 0;
  } else {
    throw ctx.fail(`unsupported padding '${padding}'`);
  }
  const output = Math.floor((size + before + after - span) / stride) + 1;
  if (output < 1) throw ctx.fail(`window of ${span} does not fit a size of ${size}`);
  return [before, after, output];
}

function normalizeAxis(ctx: OpContext, axis: number, rank: number): number {
  const positive = axis < 0 ? axis + rank : axis;
  if (positive < 0 || positive >= rank) throw ctx.fail(`axis ${axis} out of range`);
  return positive;
}

function broadcastShapes(
  ctx: OpContext,
  a: readonly number[],
  b: readonly number[],
): readonly number[] {
  const rank = Math.max(a.length, b.length);
  const shape: number[] = [];
  for (let i = 0; i < rank; i++) {
    const dimA = a[a.length - rank + i] ?? 1;
    const dimB = b[b.length - rank + i] ?? 1;
    if (dimA !== dimB && dimA !== 1 && dimB !== 1) {
      throw ctx.fail(`shapes [${a}] and [${b}] do not broadcast`);
    }
    shape.push(Math.max(dimA, dimB));
  }
  return shape;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((dim, i) => dim === b[i]);
}

function elementCount(shape: readonly number[]): number {
  return shape.reduce((product, dim) => product * dim, 1);
}

/** Permutes the axes of a dense row-major array: output axis i is input axis perm[i]. */
function transposeData(
  data: Float32Array,
  shape: readonly number[],
  perm: readonly number[],
): Float32Array {
  const rank = shape.length;
  const inStrides = new Array<number>(rank);
  for (let axis = rank - 1, stride = 1; axis >= 0; axis--) {
    inStrides[axis] = stride;
    stride *= shape[axis] as number;
  }
  const outShape = perm.map((axis) => shape[axis] as number);
  const strides = perm.map((axis) => inStrides[axis] as number);
  const index = new Array<number>(rank).fill(0);
  const out = new Float32Array(data.length);
  for (let o = 0; o < out.length; o++) {
    let from = 0;
    for (let axis = 0; axis < rank; axis++)
      from += (index[axis] as number) * (strides[axis] as number);
    out[o] = data[from] as number;
    // Step the output index like an odometer, last axis fastest.
    for (let axis = rank - 1; axis >= 0; axis--) {
      const next = (index[axis] as number) + 1;
      index[axis] = next < (outShape[axis] as number) ? next : 0;
      if (next < (outShape[axis] as number)) break;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Attributes.

function attrOf(ctx: OpContext, key: string): TfAttr | undefined {
  return ctx.node.attr[key];
}

function missing(ctx: OpContext, key: string): never {
  throw ctx.fail(`missing attribute '${key}'`);
}

function intAttr(ctx: OpContext, key: string, fallback?: number): number {
  const raw = attrOf(ctx, key)?.i;
  if (raw === undefined) return fallback ?? missing(ctx, key);
  const value = Number(raw);
  if (!Number.isSafeInteger(value)) throw ctx.fail(`attribute '${key}' is not an integer`);
  return value;
}

function intsAttr(ctx: OpContext, key: string, fallback?: number[]): number[] {
  const attr = attrOf(ctx, key);
  if (attr?.list === undefined) return fallback ?? missing(ctx, key);
  return (attr.list.i ?? []).map(Number);
}

function boolAttr(ctx: OpContext, key: string, fallback?: boolean): boolean {
  return attrOf(ctx, key)?.b ?? fallback ?? missing(ctx, key);
}

function decodeBase64(text: string): string {
  return new TextDecoder().decode(Uint8Array.from(atob(text), (char) => char.charCodeAt(0)));
}

function stringAttr(ctx: OpContext, key: string, fallback?: string): string {
  const raw = attrOf(ctx, key)?.s;
  if (raw === undefined) return fallback ?? missing(ctx, key);
  return decodeBase64(raw);
}

function stringsAttr(ctx: OpContext, key: string): string[] {
  return (attrOf(ctx, key)?.list?.s ?? []).map(decodeBase64);
}

// ---------------------------------------------------------------------------------------------
// model.json parsing.

function parseNodes(modelJson: object): TfNode[] {
  const topology = (modelJson as { modelTopology?: unknown }).modelTopology;
  if (!isRecord(topology) || !Array.isArray(topology.node)) {
    throw new Error('model.json has no modelTopology.node (is it a TF.js graph model?)');
  }
  if (isRecord(topology.library) && Array.isArray(topology.library.function)) {
    if (topology.library.function.length > 0) {
      throw new Error('Graph models with functions (control flow) are not supported');
    }
  }
  return topology.node.map((value: unknown, index: number) => {
    if (!isRecord(value) || typeof value.name !== 'string' || typeof value.op !== 'string') {
      throw new Error(`GraphDef node #${index} is malformed`);
    }
    const inputs = value.input ?? [];
    if (!Array.isArray(inputs) || !inputs.every((ref) => typeof ref === 'string')) {
      throw new Error(`GraphDef node '${value.name}' has malformed inputs`);
    }
    const attr = value.attr ?? {};
    if (!isRecord(attr)) throw new Error(`GraphDef node '${value.name}' has malformed attrs`);
    return { name: value.name, op: value.op, input: inputs, attr: attr as Record<string, TfAttr> };
  });
}

/** A Placeholder's shape, the batch fixed to 1; any other unknown size is refused. */
function placeholderShape(node: TfNode): number[] {
  const shape = node.attr.shape?.shape;
  if (!shape || shape.unknownRank) throw new Error(`Placeholder '${node.name}' has no shape`);
  return (shape.dim ?? []).map((dim, axis) => {
    const size = Number(dim.size ?? -1);
    if (size >= 1) return size;
    if (axis === 0) return 1;
    throw new Error(
      `Placeholder '${node.name}' needs fixed sizes, got [${shape.dim?.map((d) => d.size)}]`,
    );
  });
}

// ---------------------------------------------------------------------------------------------
// Graph walk.

export function convertTfjsGraphModel(
  modelJson: object,
  weightShards: ArrayBuffer,
  opts: TfjsGraphConvertOptions,
): Uint8Array {
  const tfNodes = parseNodes(modelJson);
  const constants = readWeights(parseWeightSpecs(modelJson), weightShards);

  const nodesByName = new Map<string, TfNode>();
  for (const tfNode of tfNodes) {
    // Fail on any unsupported op up front, even one the outputs do not reach.
    const known =
      tfNode.op === PLACEHOLDER || tfNode.op === CONST || Object.hasOwn(OP_CONVERTERS, tfNode.op);
    if (!known) throw new Error(`Unsupported TF op '${tfNode.op}' (node '${tfNode.name}')`);
    if (nodesByName.has(tfNode.name)) throw new Error(`Duplicate GraphDef node '${tfNode.name}'`);
    nodesByName.set(tfNode.name, tfNode);
  }

  const onnxNodes: onnx.INodeProto[] = [];
  const initializers = new Map<string, onnx.ITensorProto>();
  const usedNames = new Set<string>([
    ...Object.values(opts.inputs),
    ...Object.values(opts.outputs),
  ]);
  const claimName = (base: string): string => {
    let name = base;
    for (let n = 2; usedNames.has(name); n++) name = `${base}_${n}`;
    usedNames.add(name);
    return name;
  };
  const addInitializer = (base: string, make: (name: string) => onnx.ITensorProto): string => {
    const name = claimName(base);
    initializers.set(name, make(name));
    return name;
  };
  const emit = (
    opType: string,
    inputs: readonly string[],
    outputBase: string,
    attributes?: readonly onnx.IAttributeProto[],
  ): string => {
    const output = claimName(outputBase);
    onnxNodes.push(onnxNode({ opType, name: output, inputs, outputs: [output], attributes }));
    return output;
  };

  // Layout changes, made once per value and remembered on it.
  const plain = (value: Value): string => {
    if (value.plain !== undefined) return value.plain;
    if (value.data) {
      if (value.dtype !== 'float32') {
        throw new Error(`int32 tensor '${value.tfName}' is only supported as a constant argument`);
      }
      const data = value.data as Float32Array;
      value.plain = addInitializer(value.tfName, (name) => floatTensor(name, value.shape, data));
    } else if (value.nchw !== undefined) {
      value.plain = emit('Transpose', [value.nchw], `${value.tfName}/nhwc`, [
        attribute.ints('perm', TO_NHWC),
      ]);
    } else {
      throw new Error(`Value '${value.tfName}' has no ONNX tensor`);
    }
    return value.plain;
  };
  const nchw = (value: Value): string => {
    if (value.nchw !== undefined) return value.nchw;
    if (value.data && value.dtype === 'float32' && value.shape.length <= 4) {
      // A constant broadcast against an image: give it rank 4 (numpy-style leading 1s), then
      // permute it like the image.
      const shape4 = [...new Array<number>(4 - value.shape.length).fill(1), ...value.shape];
      const data = transposeData(value.data as Float32Array, shape4, TO_NCHW);
      const dims = TO_NCHW.map((axis) => shape4[axis] as number);
      value.nchw = addInitializer(`${value.tfName}/nchw`, (name) => floatTensor(name, dims, data));
    } else if (value.shape.length === 4 && value.plain !== undefined) {
      value.nchw = emit('Transpose', [value.plain], `${value.tfName}/nchw`, [
        attribute.ints('perm', TO_NCHW),
      ]);
    } else {
      throw new Error(`Value '${value.tfName}' [${value.shape}] has no NCHW form`);
    }
    return value.nchw;
  };
  const scalars = new Map<number, string>();
  const scalar = (value: number): string => {
    let name = scalars.get(value);
    if (name === undefined) {
      const data = Float32Array.of(value);
      name = addInitializer(`scalar/${value}`, (claimed) => floatTensor(claimed, [], data));
      scalars.set(value, name);
    }
    return name;
  };

  // Graph inputs.
  const values = new Map<string, Value>();
  const graphInputs: onnx.IValueInfoProto[] = [];
  for (const [tfName, onnxName] of Object.entries(opts.inputs)) {
    const placeholder = nodesByName.get(tfName);
    if (placeholder?.op !== PLACEHOLDER) throw new Error(`Input '${tfName}' is not a Placeholder`);
    const shape = placeholderShape(placeholder);
    const asNchw = opts.layout === 'NCHW' && shape.length === 4;
    values.set(tfName, {
      tfName,
      dtype: 'float32',
      shape,
      ...(asNchw ? { nchw: onnxName } : { plain: onnxName }),
    });
    graphInputs.push(
      floatValueInfo(onnxName, asNchw ? TO_NCHW.map((axis) => shape[axis] as number) : shape),
    );
  }

  const inProgress = new Set<string>();
  // Depth-first from the outputs so nodes come out in dependency order and nodes the outputs
  // do not depend on are left out.
  const resolve = (ref: string): Value => {
    const [name = '', index = '0'] = ref.split(':');
    if (index !== '0') throw new Error(`Output #${index} of '${name}' is not supported`);
    const known = values.get(name);
    if (known) return known;
    const tfNode = nodesByName.get(name);
    if (!tfNode) throw new Error(`Reference to unknown GraphDef node '${name}'`);
    if (tfNode.op === PLACEHOLDER) throw new Error(`Placeholder '${name}' is not in opts.inputs`);
    if (tfNode.op === CONST) {
      const constant = constants.get(name);
      if (!constant) throw new Error(`Const '${name}' has no weight in weightsManifest`);
      const value: Value = { tfName: name, ...constant };
      values.set(name, value);
      return value;
    }
    if (inProgress.has(name)) throw new Error(`Cycle in the graph at '${name}'`);
    inProgress.add(name);
    const inputs = tfNode.input.filter((ref) => !ref.startsWith('^')).map(resolve);
    inProgress.delete(name);

    const fail = (message: string) => new Error(`TF node '${name}' (${tfNode.op}): ${message}`);
    const ctx: OpContext = {
      node: tfNode,
      inputs,
      nchw,
      plain,
      floatInitializer: (suffix, dims, data) =>
        addInitializer(`${name}/${suffix}`, (claimed) => floatTensor(claimed, dims, data)),
      int64Initializer: (suffix, data) =>
        addInitializer(`${name}/${suffix}`, (claimed) => int64Tensor(claimed, [data.length], data)),
      scalar,
      addNode: (opType, nodeInputs, attributes) =>
        emit(opType, nodeInputs, `${name}/${opType}`, attributes),
      value: (result) => ({ tfName: name, dtype: 'float32', ...result }),
      fail,
    };
    const value = (OP_CONVERTERS[tfNode.op] as OpConverter)(ctx);
    values.set(name, value);
    return value;
  };

  // Graph outputs: the tensor making each one is renamed to it; an Identity only where a
  // tensor cannot be renamed (a graph input, an initializer, or one already an output).
  const renames = new Map<string, string>();
  const graphOutputs: onnx.IValueInfoProto[] = [];
  for (const [tfName, onnxName] of Object.entries(opts.outputs)) {
    const value = resolve(tfName);
    const asNchw = opts.layout === 'NCHW' && value.shape.length === 4;
    const tensor = asNchw ? nchw(value) : plain(value);
    const madeByNode = onnxNodes.some((made) => made.output?.[0] === tensor);
    if (madeByNode && !renames.has(tensor)) {
      renames.set(tensor, onnxName);
    } else {
      onnxNodes.push(
        onnxNode({
          opType: 'Identity',
          name: onnxName,
          inputs: [renames.get(tensor) ?? tensor],
          outputs: [onnxName],
        }),
      );
    }
    if (value.dtype !== 'float32') throw new Error(`Output '${tfName}' is not float32`);
    const shape = value.shape;
    graphOutputs.push(
      floatValueInfo(onnxName, asNchw ? TO_NCHW.map((axis) => shape[axis] as number) : shape),
    );
  }
  const renamed = (name: string) => renames.get(name) ?? name;
  for (const made of onnxNodes) {
    made.input = made.input?.map(renamed) ?? [];
    made.output = made.output?.map(renamed) ?? [];
    made.name = renamed(made.name ?? '');
  }

  return encodeModel(
    {
      name: 'tfjs_graph_model',
      docString: `Converted from a TF.js graph model (NHWC); computes in NCHW, ${opts.layout} at its edges.`,
      nodes: onnxNodes,
      initializers: [...initializers.values()],
      inputs: graphInputs,
      outputs: graphOutputs,
    },
    PRODUCER,
  );
}
