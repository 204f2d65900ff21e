// Stand-ins for the optional models of models/catalog.ts, which cannot be downloaded here: ONNX
// files with exactly each real model's inputs and outputs (names, types, shapes, value ranges),
// written with our own ONNX writer, whose computation is a simple known transform so a test can
// check what the pipeline around the model did:
//   face restorers:  output = −input (in [-1, 1]: the colours inverted)
//   inpainters:      the picture inverted, everywhere (so any write outside the mask would show)
//   DDColor:         a* = 30, b* = −20 everywhere (one known hue)
//   DeOldify:        a sepia tone of the gray input (R = g, G = 0.85 g, B = 0.6 g)
// Every declared input is read by the graph (times 0 where the transform does not need it).

import type { onnx as OnnxTypes } from 'onnx-proto';
import { type CatalogEntry, type TensorContract, catalog } from '../../models/catalog.ts';
import { encodeModel, floatTensor, node, onnx } from '../../models/onnx.ts';

const DataType = onnx.TensorProto.DataType;
const typeCode = { float32: DataType.FLOAT, float64: DataType.DOUBLE, uint8: DataType.UINT8 };

function valueInfo(t: TensorContract) {
  return onnx.ValueInfoProto.create({
    name: t.name,
    type: {
      tensorType: {
        elemType: typeCode[t.type],
        shape: {
          dim: t.dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })),
        },
      },
    },
  });
}

const scalar = (name: string, v: number) => floatTensor(name, [], Float32Array.of(v));
const cast = (input: string, output: string, to: number) =>
  node({
    opType: 'Cast',
    name: output,
    inputs: [input],
    outputs: [output],
    attributes: [onnx.AttributeProto.create({ name: 'to', type: 2, i: to })],
  });
const op = (opType: string, inputs: string[], output: string) =>
  node({ opType, name: output, inputs, outputs: [output] });

/** `value` + 0 × (every extra input, as float), so no declared input is unused. */
function touchInputs(
  entry: CatalogEntry,
  value: string,
  out: string,
  nodes: OnnxTypes.INodeProto[],
): void {
  const extras = [entry.input.mask, entry.input.weight].filter((t) => t !== undefined);
  let current = value;
  for (const [i, t] of extras.entries()) {
    const asFloat = t.type === 'float32' ? t.name : `${t.name}_f`;
    if (t.type !== 'float32') nodes.push(cast(t.name, asFloat, DataType.FLOAT));
    nodes.push(op('ReduceMean', [asFloat], `${t.name}_mean`));
    nodes.push(op('Mul', [`${t.name}_mean`, 'zero'], `${t.name}_zero`));
    const next = i === extras.length - 1 ? out : `${value}_${i}`;
    nodes.push(op('Add', [current, `${t.name}_zero`], next));
    current = next;
  }
  if (extras.length === 0) nodes.push(op('Identity', [value], out));
}

export function standInModel(entry: CatalogEntry): Uint8Array {
  const nodes: OnnxTypes.INodeProto[] = [];
  const initializers = [scalar('zero', 0), scalar('one', 1), scalar('full', 255)];
  const image = entry.input.image.name;
  const output = entry.output.tensor.name;
  if (entry.operation === 'face-restore') {
    nodes.push(op('Neg', [image], 'inverted'));
    touchInputs(entry, 'inverted', output, nodes);
  } else if (entry.operation === 'inpaint') {
    if (entry.input.image.type === 'uint8') {
      nodes.push(cast(image, 'image_f', DataType.FLOAT));
      nodes.push(op('Sub', ['full', 'image_f'], 'inverted'));
      touchInputs(entry, 'inverted', 'result_f', nodes);
      nodes.push(cast('result_f', output, DataType.UINT8));
    } else {
      nodes.push(op('Sub', ['one', image], 'inverted01'));
      nodes.push(op('Mul', ['inverted01', 'full'], 'inverted'));
      touchInputs(entry, 'inverted', output, nodes);
    }
  } else if (entry.output.kind === 'ab') {
    initializers.push(floatTensor('w', [2, 3, 1, 1], new Float32Array(6)));
    initializers.push(floatTensor('b', [2], Float32Array.of(30, -20)));
    nodes.push(op('Conv', [image, 'w', 'b'], output));
  } else {
    const w = new Float32Array(9);
    [w[0], w[3], w[6]] = [1, 0.85, 0.6];
    initializers.push(floatTensor('w', [3, 3, 1, 1], w));
    nodes.push(op('Conv', [image, 'w'], output));
  }
  const used = new Set(nodes.flatMap((n) => n.input ?? []));
  const inputs = [entry.input.image, entry.input.mask, entry.input.weight]
    .filter((t) => t !== undefined)
    .map(valueInfo);
  return encodeModel(
    {
      name: `${entry.id}-stand-in`,
      nodes,
      initializers: initializers.filter((t) => used.has(t.name ?? '')),
      inputs,
      outputs: [valueInfo(entry.output.tensor)],
    },
    { name: 'kintsugi-stand-in', version: '1' },
  );
}

/** Every catalog model's stand-in, by the file name its host serves it under. */
export function standInFiles(): Map<string, Uint8Array> {
  return new Map(catalog.map((e) => [e.file, standInModel(e)]));
}
