// Converts a TF.js Keras *layers* model (model.json + weights) into an ONNX model.
//
// Keras works in NHWC; the ONNX graph is emitted directly in NCHW (kernels and axes are
// rewritten at conversion time) so the runtime never needs Transpose nodes. Every tensor is
// assumed to be a rank-4 image tensor, which holds for the convolutional models we ship.
//
// Adding a layer kind means adding one entry to LAYER_CONVERTERS; adding a plain unary
// activation means one entry in ACTIVATIONS.

import type { onnx } from 'onnx-proto';
import { attribute, encodeModel, floatTensor, floatValueInfo, node, type Dim } from './onnx.ts';
import { firstOnlyInput, namesOf, sameChannels } from './layer-helpers.ts';
import { isRecord, parseWeightSpecs, readWeights } from './lib/tfjs-weights.ts';

export interface ConvertOptions {
  inputName: string;
  outputName: string;
}

const PRODUCER = { name: 'kintsugi-keras-to-onnx', version: '1' };

// ---------------------------------------------------------------------------------------------
// The parts of the TF.js model.json format that we read.

/** [layerName, nodeIndex, tensorIndex, kwargs] — the Keras 2 functional-graph reference. */
type InboundRef = [string, number, number, unknown?];

interface KerasLayer {
  class_name: string;
  name: string;
  config: Record<string, unknown>;
  inbound_nodes: InboundRef[][];
}

interface KerasFunctionalConfig {
  name: string;
  layers: KerasLayer[];
  input_layers: InboundRef[];
  output_layers: InboundRef[];
}

interface Weight {
  shape: readonly number[];
  data: Float32Array;
}

// ---------------------------------------------------------------------------------------------
// Layer converters.

interface TensorRef {
  /** Name of the tensor in the ONNX graph. */
  name: string;
  /** Channel count, tracked so shape errors surface at conversion time, not at inference. */
  channels: number;
}

interface LayerContext {
  layer: KerasLayer;
  inputs: readonly TensorRef[];
  /** The ONNX tensor name the converter must write its result to. */
  output: string;
  /** The layer's weight `${layer.name}/${suffix}`, e.g. 'kernel' or 'bias'. */
  weight(suffix: string): Weight;
  /** Adds an initializer named `${layer.name}/${suffix}` and returns its name. */
  initializer(suffix: string, dims: readonly number[], data: Float32Array): string;
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

/** Emits ONNX nodes for one Keras layer call and returns the output channel count. */
type LayerConverter = (ctx: LayerContext) => number;

/** Keras activation name → ONNX unary op type; null means identity. */
const ACTIVATIONS: Readonly<Record<string, string | null>> = {
  linear: null,
  relu: 'Relu',
};

const LAYER_CONVERTERS: Readonly<Record<string, LayerConverter>> = {
  Conv2D: convertConv2D,
  Activation: convertActivation,
  Concatenate: convertConcatenate,
  Add: convertAdd,
  UpSampling2D: convertUpSampling2D,
};

// InputLayer has no converter: the graph walker turns it into the graph input.
const INPUT_LAYER = 'InputLayer';

function convertConv2D(ctx: LayerContext): number {
  const input = firstOnlyInput(ctx);
  expectChannelsLast(ctx);
  const filters = configNumber(ctx, 'filters');
  const [kernelH, kernelW] = configPair(ctx, 'kernel_size');
  const strides = configPair(ctx, 'strides', [1, 1]);
  const dilations = configPair(ctx, 'dilation_rate', [1, 1]);
  const groups = configNumber(ctx, 'groups', 1);
  const padding = configString(ctx, 'padding', 'valid');
  const activation = activationOpType(ctx, configString(ctx, 'activation', 'linear'));

  let pads: number[];
  if (padding === 'valid') {
    pads = [0, 0, 0, 0];
  } else if (padding === 'same') {
    // With stride > 1 TF's 'same' padding depends on the input size, which is symbolic here.
    if (strides[0] !== 1 || strides[1] !== 1) {
      throw ctx.fail(`unsupported 'same' padding with strides ${strides}`);
    }
    // TF puts the odd pixel of padding at the end (bottom/right).
    const totalH = dilations[0] * (kernelH - 1);
    const totalW = dilations[1] * (kernelW - 1);
    const top = Math.floor(totalH / 2);
    const left = Math.floor(totalW / 2);
    pads = [top, left, totalH - top, totalW - left];
  } else {
    throw ctx.fail(`unsupported padding '${padding}'`);
  }

  const kernel = ctx.weight('kernel');
  const inPerGroup = input.channels / groups;
  expectShape(ctx, 'kernel', kernel, [kernelH, kernelW, inPerGroup, filters]);
  const onnxInputs = [
    input.name,
    ctx.initializer(
      'kernel',
      [filters, inPerGroup, kernelH, kernelW],
      hwioToOihw(kernel.data, kernelH, kernelW, inPerGroup, filters),
    ),
  ];
  if (configBoolean(ctx, 'use_bias', true)) {
    const bias = ctx.weight('bias');
    expectShape(ctx, 'bias', bias, [filters]);
    onnxInputs.push(ctx.initializer('bias', [filters], bias.data));
  }

  const convOutput = activation === null ? ctx.output : ctx.tempName('conv');
  ctx.addNode('Conv', onnxInputs, convOutput, [
    attribute.ints('kernel_shape', [kernelH, kernelW]),
    attribute.ints('strides', strides),
    attribute.ints('dilations', dilations),
    attribute.ints('pads', pads),
    attribute.int('group', groups),
  ]);
  if (activation !== null) ctx.addNode(activation, [convOutput], ctx.output);
  return filters;
}

function convertActivation(ctx: LayerContext): number {
  const input = firstOnlyInput(ctx);
  const activation = activationOpType(ctx, configString(ctx, 'activation'));
  ctx.addNode(activation ?? 'Identity', [input.name], ctx.output);
  return input.channels;
}

/**
 * WebGPU gives a compute stage 8 storage buffers by default, and onnxruntime-web binds every
 * Concat input and its output to one: a wider Concat (RDN's dense blocks join 11 tensors) makes
 * an invalid pipeline and silent garbage. Concatenation is associative, so wide ones are
 * emitted as a tree of Concats of at most this many inputs, with identical results.
 */
export const MAX_CONCAT_INPUTS = 7;

function convertConcatenate(ctx: LayerContext): number {
  if (ctx.inputs.length < 2) throw ctx.fail(`needs 2 or more inputs, got ${ctx.inputs.length}`);
  const axis = nhwcAxisToNchw(ctx, configNumber(ctx, 'axis', -1));
  let names = namesOf(ctx.inputs);
  for (let level = 0; names.length > MAX_CONCAT_INPUTS; level++) {
    const groups: string[] = [];
    for (let start = 0; start < names.length; start += MAX_CONCAT_INPUTS) {
      const group = names.slice(start, start + MAX_CONCAT_INPUTS);
      if (group.length === 1) {
        groups.push(group[0]!);
        continue;
      }
      const partial = ctx.tempName(`concat${level}_${groups.length}`);
      ctx.addNode('Concat', group, partial, [attribute.int('axis', axis)]);
      groups.push(partial);
    }
    names = groups;
  }
  ctx.addNode('Concat', names, ctx.output, [attribute.int('axis', axis)]);
  if (axis === 1) return ctx.inputs.reduce((sum, input) => sum + input.channels, 0);
  return sameChannels(ctx);
}

function convertAdd(ctx: LayerContext): number {
  if (ctx.inputs.length < 2) throw ctx.fail(`needs 2 or more inputs, got ${ctx.inputs.length}`);
  const channels = sameChannels(ctx);
  ctx.addNode(ctx.inputs.length === 2 ? 'Add' : 'Sum', namesOf(ctx.inputs), ctx.output);
  return channels;
}

function convertUpSampling2D(ctx: LayerContext): number {
  const input = firstOnlyInput(ctx);
  expectChannelsLast(ctx);
  const [scaleH, scaleW] = configPair(ctx, 'size');
  const interpolation = configString(ctx, 'interpolation', 'nearest');
  if (interpolation !== 'nearest') throw ctx.fail(`unsupported interpolation '${interpolation}'`);
  const scales = ctx.initializer('scales', [4], new Float32Array([1, 1, scaleH, scaleW]));
  // asymmetric + floor maps output pixel i to input pixel floor(i / scale): exactly Keras'
  // nearest-neighbour repeat for integer scales.
  ctx.addNode('Resize', [input.name, '', scales], ctx.output, [
    attribute.string('mode', 'nearest'),
    attribute.string('coordinate_transformation_mode', 'asymmetric'),
    attribute.string('nearest_mode', 'floor'),
  ]);
  return input.channels;
}

// ---------------------------------------------------------------------------------------------
// Converter helpers.

function activationOpType(ctx: LayerContext, name: string): string | null {
  if (!Object.hasOwn(ACTIVATIONS, name)) {
    throw new Error(
      `Unsupported activation '${name}' in Keras layer '${ctx.layer.name}' (${ctx.layer.class_name})`,
    );
  }
  return ACTIVATIONS[name] ?? null;
}

function expectChannelsLast(ctx: LayerContext): void {
  const format = configString(ctx, 'data_format', 'channels_last');
  if (format !== 'channels_last') throw ctx.fail(`unsupported data_format '${format}'`);
}

function nhwcAxisToNchw(ctx: LayerContext, axis: number): number {
  const positive = axis < 0 ? axis + 4 : axis;
  const mapped = [0, 2, 3, 1][positive];
  if (mapped === undefined) throw ctx.fail(`axis ${axis} is out of range for a rank-4 tensor`);
  return mapped;
}

function expectShape(ctx: LayerContext, what: string, weight: Weight, shape: number[]): void {
  const matches =
    weight.shape.length === shape.length && weight.shape.every((dim, i) => dim === shape[i]);
  if (!matches) throw ctx.fail(`${what} has shape [${weight.shape}], expected [${shape}]`);
}

/** Keras conv kernel [kh, kw, in, out] → ONNX [out, in, kh, kw]. */
function hwioToOihw(
  hwio: Float32Array,
  kernelH: number,
  kernelW: number,
  inChannels: number,
  outChannels: number,
): Float32Array {
  const oihw = new Float32Array(hwio.length);
  for (let y = 0; y < kernelH; y++) {
    for (let x = 0; x < kernelW; x++) {
      for (let i = 0; i < inChannels; i++) {
        const from = ((y * kernelW + x) * inChannels + i) * outChannels;
        for (let o = 0; o < outChannels; o++) {
          oihw[((o * inChannels + i) * kernelH + y) * kernelW + x] = hwio[from + o] as number;
        }
      }
    }
  }
  return oihw;
}

function configValue(ctx: LayerContext, key: string, fallback: unknown): unknown {
  const value = ctx.layer.config[key];
  if (value !== undefined && value !== null) return value;
  if (fallback === undefined) throw ctx.fail(`missing config '${key}'`);
  return fallback;
}

function configNumber(ctx: LayerContext, key: string, fallback?: number): number {
  const value = configValue(ctx, key, fallback);
  if (typeof value !== 'number') throw ctx.fail(`config '${key}' is not a number`);
  return value;
}

function configString(ctx: LayerContext, key: string, fallback?: string): string {
  const value = configValue(ctx, key, fallback);
  if (typeof value !== 'string') throw ctx.fail(`config '${key}' is not a string`);
  return value;
}

function configBoolean(ctx: LayerContext, key: string, fallback?: boolean): boolean {
  const value = configValue(ctx, key, fallback);
  if (typeof value !== 'boolean') throw ctx.fail(`config '${key}' is not a boolean`);
  return value;
}

/** A [height, width] config; Keras also allows a single number for both. */
function configPair(ctx: LayerContext, key: string, fallback?: [number, number]): [number, number] {
  const value = configValue(ctx, key, fallback);
  if (typeof value === 'number') return [value, value];
  if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number')) {
    return [value[0] as number, value[1] as number];
  }
  throw ctx.fail(`config '${key}' is not a pair of numbers`);
}

// ---------------------------------------------------------------------------------------------
// model.json parsing.

function parseFunctionalConfig(modelJson: object): KerasFunctionalConfig {
  const topology = (modelJson as { modelTopology?: unknown }).modelTopology;
  if (!isRecord(topology)) throw new Error('model.json has no modelTopology');
  // Keras exports nest the model under model_config; some TF.js writers put it at the top.
  const model = isRecord(topology.model_config) ? topology.model_config : topology;
  const className = model.class_name;
  if (className !== 'Functional' && className !== 'Model') {
    throw new Error(
      `Unsupported Keras model class '${String(className)}' (need a functional model)`,
    );
  }
  const config = model.config;
  if (
    !isRecord(config) ||
    !Array.isArray(config.layers) ||
    !Array.isArray(config.input_layers) ||
    !Array.isArray(config.output_layers)
  ) {
    throw new Error('model_config.config lacks layers, input_layers or output_layers');
  }
  const layers = config.layers.map(parseLayer);
  return {
    name: typeof config.name === 'string' ? config.name : 'model',
    layers,
    input_layers: config.input_layers.map((ref) => parseRef(ref, 'input_layers')),
    output_layers: config.output_layers.map((ref) => parseRef(ref, 'output_layers')),
  };
}

function parseLayer(value: unknown, index: number): KerasLayer {
  if (
    !isRecord(value) ||
    typeof value.class_name !== 'string' ||
    !isRecord(value.config) ||
    !Array.isArray(value.inbound_nodes)
  ) {
    throw new Error(`Keras layer #${index} is malformed`);
  }
  const name =
    typeof value.name === 'string' ? value.name : String(value.config.name ?? `layer_${index}`);
  const where = `inbound_nodes of Keras layer '${name}'`;
  return {
    class_name: value.class_name,
    name,
    config: value.config,
    inbound_nodes: value.inbound_nodes.map((call) => {
      // Keras 3 writes {args, kwargs} objects here; only the Keras 2 nested arrays are handled.
      if (!Array.isArray(call)) throw new Error(`${where}: expected Keras 2 nested arrays`);
      return call.map((ref) => parseRef(ref, where));
    }),
  };
}

function parseRef(value: unknown, where: string): InboundRef {
  if (
    Array.isArray(value) &&
    typeof value[0] === 'string' &&
    typeof value[1] === 'number' &&
    typeof value[2] === 'number'
  ) {
    return [value[0], value[1], value[2], value[3]];
  }
  throw new Error(`${where}: malformed tensor reference ${JSON.stringify(value)}`);
}

/** The weights by name; a Keras layer only ever holds float32 (quantized ones are widened). */
function floatWeights(modelJson: object, weights: ArrayBuffer): Map<string, Weight> {
  const byName = new Map<string, Weight>();
  for (const [name, weight] of readWeights(parseWeightSpecs(modelJson), weights)) {
    if (!(weight.data instanceof Float32Array)) {
      throw new Error(`Weight '${name}': only float32 weights are supported`);
    }
    byName.set(name, { shape: weight.shape, data: weight.data });
  }
  return byName;
}

// ---------------------------------------------------------------------------------------------
// Graph walk.

export function convertKerasLayersModel(
  modelJson: object,
  weights: ArrayBuffer,
  opts: ConvertOptions,
): Uint8Array {
  const model = parseFunctionalConfig(modelJson);
  const weightsByName = floatWeights(modelJson, weights);
  const usedWeights = new Set<string>();

  const layersByName = new Map<string, KerasLayer>();
  for (const layer of model.layers) {
    // Fail on any unsupported layer up front, even one the outputs do not reach.
    if (layer.class_name !== INPUT_LAYER && !Object.hasOwn(LAYER_CONVERTERS, layer.class_name)) {
      throw new Error(
        `Unsupported Keras layer class '${layer.class_name}' (layer '${layer.name}')`,
      );
    }
    if (layersByName.has(layer.name)) throw new Error(`Duplicate Keras layer name '${layer.name}'`);
    layersByName.set(layer.name, layer);
  }

  const [inputRef, ...extraInputs] = model.input_layers;
  const [outputRef, ...extraOutputs] = model.output_layers;
  if (!inputRef || !outputRef || extraInputs.length > 0 || extraOutputs.length > 0) {
    throw new Error('Only models with exactly one input and one output are supported');
  }
  const refKey = (ref: InboundRef) => `${ref[0]}:${ref[1]}:${ref[2]}`;
  const outputKey = refKey(outputRef);

  const nodes: onnx.INodeProto[] = [];
  const initializers = new Map<string, onnx.ITensorProto>();
  const usedNames = new Set<string>([opts.inputName, opts.outputName]);
  const claimName = (base: string): string => {
    let name = base;
    for (let n = 2; usedNames.has(name); n++) name = `${base}_${n}`;
    usedNames.add(name);
    return name;
  };

  const inputLayer = layersByName.get(inputRef[0]);
  if (!inputLayer || inputLayer.class_name !== INPUT_LAYER) {
    throw new Error(`Model input '${inputRef[0]}' is not an InputLayer`);
  }
  const inputShape = inputLayer.config.batch_input_shape ?? inputLayer.config.batch_shape;
  const inputChannels = Array.isArray(inputShape) ? inputShape[3] : undefined;
  if (!Array.isArray(inputShape) || inputShape.length !== 4 || typeof inputChannels !== 'number') {
    throw new Error(
      `InputLayer '${inputLayer.name}' needs a rank-4 NHWC shape with fixed channels`,
    );
  }
  const inputHeight: Dim = typeof inputShape[1] === 'number' ? inputShape[1] : 'height';
  const inputWidth: Dim = typeof inputShape[2] === 'number' ? inputShape[2] : 'width';

  const tensors = new Map<string, TensorRef>();
  tensors.set(refKey(inputRef), { name: opts.inputName, channels: inputChannels });
  const inProgress = new Set<string>();

  // Depth-first from the output so nodes come out in dependency order, whatever order the
  // layers list is in, and layers the output does not depend on are left out.
  const resolve = (ref: InboundRef): TensorRef => {
    const key = refKey(ref);
    const known = tensors.get(key);
    if (known) return known;
    const [layerName, nodeIndex, tensorIndex] = ref;
    const layer = layersByName.get(layerName);
    if (!layer) throw new Error(`Reference to unknown Keras layer '${layerName}'`);
    if (layer.class_name === INPUT_LAYER) {
      throw new Error(`InputLayer '${layerName}' is not the model input`);
    }
    if (tensorIndex !== 0) throw new Error(`Layer '${layerName}' has no output #${tensorIndex}`);
    const inbound = layer.inbound_nodes[nodeIndex];
    if (!inbound) throw new Error(`Layer '${layerName}' has no call #${nodeIndex}`);
    if (inProgress.has(key)) throw new Error(`Cycle in the Keras graph at '${layerName}'`);
    inProgress.add(key);
    const inputs = inbound.map(resolve);
    inProgress.delete(key);

    // A shared layer called again gets its own nodes but reuses the initializers.
    const callName = nodeIndex === 0 ? layer.name : `${layer.name}_call${nodeIndex}`;
    const output = key === outputKey ? opts.outputName : claimName(callName);
    const fail = (message: string) =>
      new Error(`Keras layer '${layer.name}' (${layer.class_name}): ${message}`);
    const weightName = (suffix: string) => `${layer.name}/${suffix}`;
    const ctx: LayerContext = {
      layer,
      inputs,
      output,
      weight: (suffix) => {
        const weight = weightsByName.get(weightName(suffix));
        if (!weight) throw new Error(`Keras layer '${layer.name}' has no weight '${suffix}'`);
        usedWeights.add(weightName(suffix));
        return weight;
      },
      initializer: (suffix, dims, data) => {
        const name = weightName(suffix);
        if (!initializers.has(name)) {
          usedNames.add(name);
          initializers.set(name, floatTensor(name, dims, data));
        }
        return name;
      },
      tempName: (suffix) => claimName(`${callName}/${suffix}`),
      addNode: (opType, nodeInputs, nodeOutput, attributes) => {
        nodes.push(
          node({
            opType,
            name: nodeOutput === output ? callName : nodeOutput,
            inputs: nodeInputs,
            outputs: [nodeOutput],
            attributes,
          }),
        );
      },
      fail,
    };
    const convert = LAYER_CONVERTERS[layer.class_name] as LayerConverter;
    const resolved = { name: output, channels: convert(ctx) };
    tensors.set(key, resolved);
    return resolved;
  };

  const output = resolve(outputRef);
  if (output.name !== opts.outputName) {
    // The output is the input itself: the graph still needs a node producing outputName.
    nodes.push(
      node({
        opType: 'Identity',
        name: opts.outputName,
        inputs: [output.name],
        outputs: [opts.outputName],
      }),
    );
  }

  const unusedWeights = [...weightsByName.keys()].filter((name) => !usedWeights.has(name));
  if (unusedWeights.length > 0) {
    throw new Error(`Weights not used by any converted layer: ${unusedWeights.join(', ')}`);
  }

  return encodeModel(
    {
      name: model.name,
      docString: `Converted from the Keras layers model '${model.name}' (NHWC) to NCHW.`,
      nodes,
      initializers: [...initializers.values()],
      inputs: [floatValueInfo(opts.inputName, ['batch', inputChannels, inputHeight, inputWidth])],
      outputs: [
        floatValueInfo(opts.outputName, ['batch', output.channels, 'out_height', 'out_width']),
      ],
    },
    PRODUCER,
  );
}
