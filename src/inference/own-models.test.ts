// The ONNX signature reader against files written by the onnx-proto encoder (models/onnx.ts) and
// a real converted model, and the checks an added model must pass.

import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { encodeModel, floatTensor, floatValueInfo, node, onnx } from '@models/onnx.ts';
import { readOnnxSignature } from './onnx-signature.ts';
import { type OwnModelForm, checkOwnModel } from './own-models.ts';

const PRODUCER = { name: 'test', version: '1' };

/** A ×scale nearest Resize from an input of `inputDims` to an output of `outputDims`. */
function resizeModel(inputDims: (number | string)[], outputDims: (number | string)[], scale = 2) {
  return encodeModel(
    {
      name: 'resize',
      nodes: [node({ opType: 'Resize', name: 'r', inputs: ['x', '', 's'], outputs: ['y'] })],
      initializers: [floatTensor('s', [4], Float32Array.of(1, 1, scale, scale))],
      inputs: [floatValueInfo('x', inputDims)],
      outputs: [floatValueInfo('y', outputDims)],
    },
    PRODUCER,
  );
}

const FORM: OwnModelForm = {
  name: 'Mine',
  operation: 'enhance',
  scale: 2,
  layout: 'NCHW',
  range: [0, 1],
  tileSize: 64,
  license: 'MIT',
};

describe('readOnnxSignature', () => {
  it('reads names, types and fixed and named dims', () => {
    expect(readOnnxSignature(resizeModel([1, 3, 'h', 'w'], ['n', 3, 128, 128]))).toEqual({
      inputs: [{ name: 'x', elemType: 1, dims: [1, 3, 'h', 'w'] }],
      outputs: [{ name: 'y', elemType: 1, dims: ['n', 3, 128, 128] }],
    });
  });

  it('leaves out initializers that older exporters also list as inputs', () => {
    const model = onnx.ModelProto.decode(resizeModel([1, 3, 8, 8], [1, 3, 16, 16]));
    model.graph!.input!.push(floatValueInfo('s', [4]));
    const bytes = onnx.ModelProto.encode(model).finish();
    expect(readOnnxSignature(bytes).inputs.map((input) => input.name)).toEqual(['x']);
  });

  it('reads a real converted model', async () => {
    const bytes = new Uint8Array(await readFile('public/models/esrgan-medium-x2.fp32.onnx'));
    const { inputs, outputs } = readOnnxSignature(bytes);
    expect(inputs).toEqual([{ name: 'input', elemType: 1, dims: ['batch', 3, 'height', 'width'] }]);
    expect(outputs.map((output) => output.name)).toEqual(['output']);
  });

  it('refuses what is not an ONNX model, saying so', () => {
    const png = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13);
    expect(() => readOnnxSignature(png)).toThrow(/^This file is not an ONNX model: /);
    const whole = resizeModel([1, 3, 8, 8], [1, 3, 16, 16]);
    expect(() => readOnnxSignature(whole.subarray(0, whole.length - 5))).toThrow(
      /^This file is not an ONNX model: it (is cut short|ends in the middle of a number)$/,
    );
  });
});

describe('checkOwnModel', () => {
  it('accepts a fitting model and gives its tensor names', () => {
    const bytes = resizeModel([1, 3, 'h', 'w'], [1, 3, 'h2', 'w2']);
    expect(checkOwnModel(bytes, FORM)).toEqual({
      inputName: 'x',
      outputName: 'y',
      fixedSize: false,
    });
  });

  it('looks for the channels where the layout puts them', () => {
    const nhwc = resizeModel([1, 'h', 'w', 3], [1, 'h2', 'w2', 3]);
    expect(checkOwnModel(nhwc, { ...FORM, layout: 'NHWC' }).inputName).toBe('x');
    expect(() => checkOwnModel(nhwc, FORM)).toThrow(
      "Its input 'x' is [1, h, w, 3]: that is NHWC, not NCHW",
    );
  });

  it('holds a fixed-size model to its size and its scale', () => {
    const fixed = resizeModel([1, 3, 48, 48], [1, 3, 96, 96]);
    expect(() => checkOwnModel(fixed, FORM)).toThrow('set the tile size to 48');
    expect(checkOwnModel(fixed, { ...FORM, tileSize: 48 }).fixedSize).toBe(true);
    expect(() => checkOwnModel(fixed, { ...FORM, tileSize: 48, scale: 4 })).toThrow(
      'Its output is 2× its input, not ×4',
    );
  });

  it('refuses a scale or tile size the operation cannot use', () => {
    const bytes = resizeModel([1, 3, 'h', 'w'], [1, 3, 'h2', 'w2']);
    expect(() => checkOwnModel(bytes, { ...FORM, operation: 'enhance-anime' })).toThrow(
      'enhance-anime runs at ×4, not ×2',
    );
    expect(() => checkOwnModel(bytes, { ...FORM, tileSize: 8 })).toThrow(/tile size/);
  });
});
