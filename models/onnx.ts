// Helpers for assembling an ONNX ModelProto with the protobufjs classes from `onnx-proto`.
// Everything here is pure data in, bytes out: no timestamps or random ids, so the same graph
// always encodes to the same bytes (the build cache and the manifest hashes rely on that).

// onnx-proto is CommonJS that Node's ESM loader cannot see named exports in, so take the default.
import onnxProto from 'onnx-proto';
import type { onnx as OnnxTypes } from 'onnx-proto';

export const { onnx } = onnxProto;

export const ONNX_IR_VERSION = 8;
export const ONNX_OPSET_VERSION = 17;

const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;
const AttributeType = onnx.AttributeProto.AttributeType;

/** A tensor dimension: a fixed size, or a symbolic name such as 'batch' or 'height'. */
export type Dim = number | string;

export function floatTensor(name: string, dims: readonly number[], data: Float32Array) {
  const expected = dims.reduce((product, dim) => product * dim, 1);
  if (data.length !== expected) {
    throw new Error(
      `Tensor '${name}' has ${data.length} values but dims [${dims}] need ${expected}`,
    );
  }
  return onnx.TensorProto.create({
    name,
    dims: [...dims],
    dataType: FLOAT,
    rawData: littleEndianBytes(data),
  });
}

/** An int64 tensor, the type ONNX wants for shapes, pads, axes and sizes. */
export function int64Tensor(name: string, dims: readonly number[], data: readonly number[]) {
  const expected = dims.reduce((product, dim) => product * dim, 1);
  if (data.length !== expected) {
    throw new Error(
      `Tensor '${name}' has ${data.length} values but dims [${dims}] need ${expected}`,
    );
  }
  const bytes = new Uint8Array(data.length * 8);
  const view = new DataView(bytes.buffer);
  data.forEach((value, i) => {
    if (!Number.isSafeInteger(value))
      throw new Error(`Tensor '${name}' holds non-integer ${value}`);
    view.setBigInt64(i * 8, BigInt(value), true);
  });
  return onnx.TensorProto.create({ name, dims: [...dims], dataType: INT64, rawData: bytes });
}

// raw_data is little-endian by the ONNX spec whatever the host is, so go through a DataView
// rather than reinterpreting the Float32Array's buffer.
function littleEndianBytes(data: Float32Array): Uint8Array {
  const bytes = new Uint8Array(data.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i] as number, true);
  return bytes;
}

export const attribute = {
  int: (name: string, value: number) =>
    onnx.AttributeProto.create({ name, type: AttributeType.INT, i: value }),
  ints: (name: string, values: readonly number[]) =>
    onnx.AttributeProto.create({ name, type: AttributeType.INTS, ints: [...values] }),
  float: (name: string, value: number) =>
    onnx.AttributeProto.create({ name, type: AttributeType.FLOAT, f: value }),
  string: (name: string, value: string) =>
    onnx.AttributeProto.create({
      name,
      type: AttributeType.STRING,
      s: new TextEncoder().encode(value),
    }),
};

export interface NodeSpec {
  opType: string;
  name: string;
  /** '' marks an omitted optional input (e.g. Resize's roi). */
  inputs: readonly string[];
  outputs: readonly string[];
  attributes?: readonly OnnxTypes.IAttributeProto[];
}

export function node(spec: NodeSpec) {
  return onnx.NodeProto.create({
    opType: spec.opType,
    name: spec.name,
    input: [...spec.inputs],
    output: [...spec.outputs],
    attribute: spec.attributes ? [...spec.attributes] : [],
  });
}

export function floatValueInfo(name: string, dims: readonly Dim[]) {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType: FLOAT,
        shape: {
          dim: dims.map((dim) => (typeof dim === 'number' ? { dimValue: dim } : { dimParam: dim })),
        },
      },
    },
  });
}

export interface GraphSpec {
  name: string;
  docString?: string;
  nodes: readonly OnnxTypes.INodeProto[];
  initializers: readonly OnnxTypes.ITensorProto[];
  inputs: readonly OnnxTypes.IValueInfoProto[];
  outputs: readonly OnnxTypes.IValueInfoProto[];
}

export interface ProducerInfo {
  name: string;
  version: string;
}

export function encodeModel(graph: GraphSpec, producer: ProducerInfo): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET_VERSION }],
    producerName: producer.name,
    producerVersion: producer.version,
    graph: {
      name: graph.name,
      docString: graph.docString ?? '',
      node: [...graph.nodes],
      initializer: [...graph.initializers],
      input: [...graph.inputs],
      output: [...graph.outputs],
    },
  });
  const encoded = onnx.ModelProto.encode(model).finish();
  // protobufjs hands back a Buffer slice in Node; copy to a plain Uint8Array of exact length.
  return new Uint8Array(encoded);
}
