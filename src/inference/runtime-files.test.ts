import { describe, expect, it } from 'vitest';
import { megabytes, notOnDevice, partOf } from './runtime-files.ts';

describe('on-demand runtime files', () => {
  it('sorts a build by part: only a WebGPU device loads the JSEP engine', () => {
    expect(partOf('ort-wasm-simd-threaded-DcHrbrbl.wasm')).toBe('engine');
    expect(partOf('ort.wasm.bundle.min-DvPajrOD.js')).toBe('engine');
    expect(partOf('ort-wasm-simd-threaded.jsep-MDYUKy93.wasm')).toBe('engine-webgpu');
    expect(partOf('ort.bundle.min-J0iUSxoP.js')).toBe('engine-webgpu');
    expect(partOf('opencv-module-BU0GIfTW.js')).toBe('opencv');
    expect(partOf('avif_enc_mt-DFoVXd45.wasm')).toBe('avif');
    expect(partOf('mozjpeg_enc-DO-zoExo.wasm')).toBe('jpeg');
    expect(partOf('webp_enc_simd-CFvKQ_80.wasm')).toBe('webp');
    expect(partOf('squoosh_oxipng_bg-OFMN1KwG.wasm')).toBe('oxipng');
    expect(partOf('index-BoKQ8ZAC.js')).toBe('other');
  });

  it('says in plain words what is missing, and how big it is', () => {
    expect(notOnDevice('the denoise model', 12_400_000)).toBe(
      'This job needs the denoise model (12 MB), which is not on this device yet; connect once to download it.',
    );
    expect(notOnDevice('the image engine')).toBe(
      'This job needs the image engine, which is not on this device yet; connect once to download it.',
    );
    expect(megabytes(2_444_609)).toBe('2.4 MB');
  });
});
