// The inputs and outputs of an ONNX model, read straight from its protobuf bytes: enough of the
// wire format to walk ModelProto → graph → input/output → type → shape, skipping everything else
// (the weights above all) by length. Runs in a window or a worker without any ONNX library.

/** One graph input or output. elemType is onnx.TensorProto.DataType (1: float, 10: float16). */
export interface OnnxValue {
  name: string;
  elemType: number;
  /** A fixed size, or the name of a size the model takes at run time ('' when unnamed). */
  dims: (number | string)[];
}

export interface OnnxSignature {
  inputs: OnnxValue[];
  outputs: OnnxValue[];
}

export class OnnxFormatError extends Error {}

// Field numbers in onnx.proto.
const MODEL_GRAPH = 7;
const GRAPH_INITIALIZER = 5;
const GRAPH_INPUT = 11;
const GRAPH_OUTPUT = 12;
const TENSOR_NAME = 8;
const VALUE_NAME = 1;
const VALUE_TYPE = 2;
const TYPE_TENSOR = 1;
const TENSOR_TYPE_ELEM = 1;
const TENSOR_TYPE_SHAPE = 2;
const SHAPE_DIM = 1;
const DIM_VALUE = 1;
const DIM_PARAM = 2;

type Field = { number: number; varint: number; bytes: Uint8Array | null };

/** The fields of one message, in order; length-delimited ones as views into `bytes`. */
function* fields(bytes: Uint8Array): Generator<Field> {
  let at = 0;
  const varint = (): number => {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (at >= bytes.length) throw new OnnxFormatError('it ends in the middle of a number');
      const byte = bytes[at++] as number;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 128;
    }
    throw new OnnxFormatError('it holds a number longer than protobuf allows');
  };
  while (at < bytes.length) {
    const key = varint();
    const number = Math.floor(key / 8);
    const wireType = key % 8;
    if (number === 0) throw new OnnxFormatError('it has a field numbered 0');
    if (wireType === 0) {
      yield { number, varint: varint(), bytes: null };
    } else if (wireType === 2) {
      const length = varint();
      if (at + length > bytes.length) throw new OnnxFormatError('it is cut short');
      yield { number, varint: 0, bytes: bytes.subarray(at, at + length) };
      at += length;
    } else if (wireType === 1 || wireType === 5) {
      at += wireType === 1 ? 8 : 4;
      if (at > bytes.length) throw new OnnxFormatError('it is cut short');
    } else {
      throw new OnnxFormatError(`it uses protobuf wire type ${wireType}`);
    }
  }
}

const text = new TextDecoder('utf-8', { fatal: true });

function valueInfo(bytes: Uint8Array): OnnxValue {
  const value: OnnxValue = { name: '', elemType: 0, dims: [] };
  for (const field of fields(bytes)) {
    if (field.number === VALUE_NAME && field.bytes) value.name = text.decode(field.bytes);
    if (field.number !== VALUE_TYPE || !field.bytes) continue;
    for (const type of fields(field.bytes)) {
      if (type.number !== TYPE_TENSOR || !type.bytes) continue;
      for (const tensor of fields(type.bytes)) {
        if (tensor.number === TENSOR_TYPE_ELEM) value.elemType = tensor.varint;
        if (tensor.number !== TENSOR_TYPE_SHAPE || !tensor.bytes) continue;
        for (const dim of fields(tensor.bytes)) {
          if (dim.number !== SHAPE_DIM || !dim.bytes) continue;
          let size: number | string = '';
          for (const part of fields(dim.bytes)) {
            if (part.number === DIM_VALUE) size = part.varint;
            if (part.number === DIM_PARAM && part.bytes) size = text.decode(part.bytes);
          }
          value.dims.push(size);
        }
      }
    }
  }
  return value;
}

/**
 * The graph's inputs (without initializers listed as inputs, as older exporters do) and outputs.
 * Anything that is not a protobuf ModelProto with a graph is refused with OnnxFormatError.
 */
export function readOnnxSignature(bytes: Uint8Array): OnnxSignature {
  let graph: Uint8Array | null = null;
  try {
    for (const field of fields(bytes)) if (field.number === MODEL_GRAPH) graph = field.bytes;
    if (!graph) throw new OnnxFormatError('it has no graph');
    const inputs: OnnxValue[] = [];
    const outputs: OnnxValue[] = [];
    const initializers = new Set<string>();
    for (const field of fields(graph)) {
      if (!field.bytes) continue;
      if (field.number === GRAPH_INPUT) inputs.push(valueInfo(field.bytes));
      if (field.number === GRAPH_OUTPUT) outputs.push(valueInfo(field.bytes));
      if (field.number === GRAPH_INITIALIZER) {
        for (const part of fields(field.bytes)) {
          if (part.number === TENSOR_NAME && part.bytes) initializers.add(text.decode(part.bytes));
        }
      }
    }
    if (outputs.length === 0) throw new OnnxFormatError('its graph has no outputs');
    return { inputs: inputs.filter((input) => !initializers.has(input.name)), outputs };
  } catch (error) {
    const reason = error instanceof OnnxFormatError ? error.message : 'its names are not text';
    throw new OnnxFormatError(`This file is not an ONNX model: ${reason}`);
  }
}
