// The optional models: networks that are not published on npm, only on public model hosts, so
// they are not built at install time (models/build.ts) but added by the user from Settings, one
// click each, and then kept in Cache Storage for offline use. Every field is data the app reads:
// which operation a model serves, where it is fetched from, and its tensor contract.
//
// Sizes are what Settings shows before anything is fetched: exact for the FaceFusion files,
// rounded to the megabyte where only that is listed. The download itself trusts the server's
// Content-Length and the hash, not this number. No host
// publishes a sha256 we could read and check from here, so every entry has `sha256: null`: the
// first download pins the hash it got (shown in Settings), and a later download of other bytes
// is refused.

/** The operations whose classical engine an optional model replaces. */
export type CatalogOperation = 'face-restore' | 'inpaint' | 'colorize';

export type TensorType = 'float32' | 'float64' | 'uint8';

/** One input or output of the network, as the host's ONNX file declares it. */
export interface TensorContract {
  name: string;
  type: TensorType;
  /** NCHW; a string names a size the model takes at run time. */
  dims: (number | string)[];
}

export interface CatalogEntry {
  id: string;
  operation: CatalogOperation;
  label: string;
  /** Tried in order until one serves the file: the same file on other hosts. */
  urls: string[];
  /** The file name a mirror serves it under (Settings → catalog mirror). */
  file: string;
  bytes: number;
  sha256: string | null;
  license: string;
  /** Set when the weights may not be used commercially: said plainly next to the model. */
  nonCommercial?: string;
  /** Where the weights come from and who trained them. */
  origin: string;
  /**
   * How a picture is fed: `size` is the square side the model runs at (null: any size), RGB in
   * `channelOrder`, each 8-bit value p as (p / 255 − mean) / std, unless `raw8` (the value
   * itself, 0..255, as the tensor's type).
   */
  input: {
    image: TensorContract;
    /** Inpainting: the hole mask; `fill` is the value that marks a pixel to fill, `keep` the rest. */
    mask?: TensorContract & { fill: number; keep: number };
    /** CodeFormer's fidelity weight, a float64 scalar: 0 = most restoration, 1 = most fidelity. */
    weight?: TensorContract & { value: number };
    size: number | null;
    channelOrder: 'RGB' | 'BGR';
    mean: number;
    std: number;
    raw8?: boolean;
    /** Colorization: the model reads the luminance only, as a gray RGB picture. */
    gray?: boolean;
  };
  output: {
    tensor: TensorContract;
    /** 'rgb': a picture in `range`; 'ab': the a*b* chroma of CIE Lab (D65), in Lab units. */
    kind: 'rgb' | 'ab';
    range: [number, number];
  };
}

const FACEFUSION = 'https://huggingface.co/facefusion/models-3.0.0/resolve/main';
const FACEFUSION_GITHUB =
  'https://github.com/facefusion/facefusion-assets/releases/download/models-3.0.0';

/** The face restorers all take an aligned FFHQ face in [-1, 1] RGB and give one back. */
function faceRestorer(
  size: 512 | 256,
  extra: Partial<CatalogEntry['input']> = {},
): Pick<CatalogEntry, 'input' | 'output'> {
  const dims = [1, 3, size, size];
  return {
    input: {
      image: { name: 'input', type: 'float32', dims },
      size,
      channelOrder: 'RGB',
      mean: 0.5,
      std: 0.5,
      ...extra,
    },
    output: { tensor: { name: 'output', type: 'float32', dims }, kind: 'rgb', range: [-1, 1] },
  };
}

export const catalog: readonly CatalogEntry[] = [
  {
    id: 'gfpgan-1.4',
    operation: 'face-restore',
    label: 'GFPGAN v1.4',
    urls: [`${FACEFUSION}/gfpgan_1.4.onnx`, `${FACEFUSION_GITHUB}/gfpgan_1.4.onnx`],
    file: 'gfpgan_1.4.onnx',
    bytes: 340_299_087,
    sha256: null,
    license: 'Apache-2.0',
    origin: 'TencentARC GFPGAN v1.4, ONNX export by FaceFusion',
    ...faceRestorer(512),
  },
  {
    id: 'gpen-bfr-512',
    operation: 'face-restore',
    label: 'GPEN-BFR-512',
    urls: [`${FACEFUSION}/gpen_bfr_512.onnx`, `${FACEFUSION_GITHUB}/gpen_bfr_512.onnx`],
    file: 'gpen_bfr_512.onnx',
    bytes: 284_340_240,
    sha256: null,
    license: 'GPEN licence (Alibaba DAMO)',
    nonCommercial: 'GPEN weights are released for research and personal use only.',
    origin: 'yangxy GPEN (BFR 512), ONNX export by FaceFusion',
    ...faceRestorer(512),
  },
  {
    id: 'gpen-bfr-256',
    operation: 'face-restore',
    label: 'GPEN-BFR-256',
    urls: [`${FACEFUSION}/gpen_bfr_256.onnx`, `${FACEFUSION_GITHUB}/gpen_bfr_256.onnx`],
    file: 'gpen_bfr_256.onnx',
    bytes: 75_792_988,
    sha256: null,
    license: 'GPEN licence (Alibaba DAMO)',
    nonCommercial: 'GPEN weights are released for research and personal use only.',
    origin: 'yangxy GPEN (BFR 256), ONNX export by FaceFusion',
    ...faceRestorer(256),
  },
  {
    id: 'codeformer',
    operation: 'face-restore',
    label: 'CodeFormer',
    urls: [`${FACEFUSION}/codeformer.onnx`, `${FACEFUSION_GITHUB}/codeformer.onnx`],
    file: 'codeformer.onnx',
    bytes: 377_000_000,
    sha256: null,
    license: 'NTU S-Lab License 1.0',
    nonCommercial:
      'CodeFormer is under the S-Lab License 1.0: non-commercial use only. Do not use it for paid work.',
    origin: 'sczhou CodeFormer, ONNX export by FaceFusion',
    ...faceRestorer(512, {
      weight: { name: 'weight', type: 'float64', dims: [1], value: 0.5 },
    }),
  },
  {
    id: 'restoreformer-plus-plus',
    operation: 'face-restore',
    label: 'RestoreFormer++',
    urls: [
      `${FACEFUSION}/restoreformer_plus_plus.onnx`,
      `${FACEFUSION_GITHUB}/restoreformer_plus_plus.onnx`,
    ],
    file: 'restoreformer_plus_plus.onnx',
    bytes: 294_000_000,
    sha256: null,
    license: 'Apache-2.0',
    origin: 'wzhouxiff RestoreFormer++, ONNX export by FaceFusion',
    ...faceRestorer(512),
  },
  {
    id: 'mi-gan',
    operation: 'inpaint',
    label: 'MI-GAN (Picsart)',
    urls: ['https://huggingface.co/andraniksargsyan/migan/resolve/main/migan_pipeline_v2.onnx'],
    file: 'migan_pipeline_v2.onnx',
    bytes: 28_000_000,
    sha256: null,
    license: 'MIT',
    origin: 'Picsart AI Research MI-GAN (ICCV 2023), the authors’ pipeline export',
    input: {
      // The pipeline export takes 8-bit pictures of any size and resizes inside; we feed 512².
      image: { name: 'image', type: 'uint8', dims: [1, 3, 'height', 'width'] },
      mask: { name: 'mask', type: 'uint8', dims: [1, 1, 'height', 'width'], fill: 0, keep: 255 },
      size: 512,
      channelOrder: 'RGB',
      mean: 0,
      std: 1,
      raw8: true,
    },
    output: {
      tensor: { name: 'result', type: 'uint8', dims: [1, 3, 'height', 'width'] },
      kind: 'rgb',
      range: [0, 255],
    },
  },
  {
    id: 'lama',
    operation: 'inpaint',
    label: 'LaMa (big-lama, 512×512)',
    urls: ['https://huggingface.co/Carve/LaMa-ONNX/resolve/main/lama_fp32.onnx'],
    file: 'lama_fp32.onnx',
    bytes: 208_000_000,
    sha256: null,
    license: 'Apache-2.0',
    origin: 'advimman LaMa (big-lama), fixed-size ONNX export by Carve',
    input: {
      image: { name: 'image', type: 'float32', dims: [1, 3, 512, 512] },
      mask: { name: 'mask', type: 'float32', dims: [1, 1, 512, 512], fill: 1, keep: 0 },
      size: 512,
      channelOrder: 'RGB',
      mean: 0,
      std: 1,
    },
    output: {
      tensor: { name: 'output', type: 'float32', dims: [1, 3, 512, 512] },
      kind: 'rgb',
      range: [0, 255],
    },
  },
  {
    id: 'ddcolor-tiny',
    operation: 'colorize',
    label: 'DDColor (paper, tiny)',
    urls: ['https://huggingface.co/RekluzLabs/MakoKolor/resolve/main/ddcolor_paper_tiny.onnx'],
    file: 'ddcolor_paper_tiny.onnx',
    bytes: 264_000_000,
    sha256: null,
    license: 'Apache-2.0',
    origin: 'piddnad DDColor (ICCV 2023), paper-tiny weights, ONNX export',
    input: {
      image: { name: 'input', type: 'float32', dims: [1, 3, 256, 256] },
      size: 256,
      channelOrder: 'RGB',
      mean: 0,
      std: 1,
      gray: true,
    },
    output: {
      tensor: { name: 'output', type: 'float32', dims: [1, 2, 256, 256] },
      kind: 'ab',
      range: [-128, 127],
    },
  },
  {
    id: 'deoldify-quant',
    operation: 'colorize',
    label: 'DeOldify artistic (quantized)',
    urls: ['https://huggingface.co/thookham/DeOldify-on-Browser/resolve/main/deoldify-quant.onnx'],
    file: 'deoldify-quant.onnx',
    bytes: 61_000_000,
    sha256: null,
    license: 'MIT',
    origin: 'jantic DeOldify (artistic), ONNX by instant-high, uint8-quantized',
    input: {
      image: { name: 'input', type: 'float32', dims: [1, 3, 256, 256] },
      size: 256,
      channelOrder: 'RGB',
      mean: 0,
      std: 1 / 255,
      gray: true,
    },
    output: {
      tensor: { name: 'output', type: 'float32', dims: [1, 3, 256, 256] },
      kind: 'rgb',
      range: [0, 255],
    },
  },
];

/** What is wrong with the catalog (duplicate ids, contracts that do not fit their operation). */
export function catalogProblems(entries: readonly CatalogEntry[]): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const e of entries) {
    const where = `catalog entry ${e.id}`;
    if (ids.has(e.id)) problems.push(`${where}: the id is used twice`);
    ids.add(e.id);
    if (!/^[a-z0-9][a-z0-9.+-]*$/.test(e.id)) problems.push(`${where}: the id is not a slug`);
    if (e.urls.length === 0) problems.push(`${where}: no source URL`);
    for (const url of e.urls) {
      const parsed = URL.canParse(url) ? new URL(url) : null;
      if (parsed?.protocol !== 'https:') problems.push(`${where}: ${url} is not an https URL`);
      else if (!parsed.pathname.endsWith(`/${e.file}`))
        problems.push(`${where}: ${url} does not end in its file name ${e.file}`);
    }
    if (!(Number.isInteger(e.bytes) && e.bytes > 0)) problems.push(`${where}: size is not bytes`);
    if (e.sha256 !== null && !/^[0-9a-f]{64}$/.test(e.sha256))
      problems.push(`${where}: sha256 is not 64 hex digits`);
    if (!e.license) problems.push(`${where}: no licence`);
    const { input, output } = e;
    const side = input.size;
    const fixed = (dims: (number | string)[]) => dims.every((d) => typeof d === 'number');
    if (fixed(input.image.dims)) {
      const [n, c, h, w] = input.image.dims;
      if (n !== 1 || c !== 3 || h !== side || w !== side)
        problems.push(`${where}: input ${String(input.image.dims)} is not [1, 3, size, size]`);
    }
    const wantChannels = output.kind === 'ab' ? 2 : 3;
    if (output.tensor.dims[1] !== wantChannels)
      problems.push(`${where}: a ${output.kind} output needs ${wantChannels} channels`);
    if (e.operation === 'inpaint' && !input.mask)
      problems.push(`${where}: inpainting needs a mask`);
    if (e.operation !== 'inpaint' && input.mask)
      problems.push(`${where}: only inpainting has a mask`);
    if (e.operation === 'colorize' && !input.gray)
      problems.push(`${where}: a colorizer reads the luminance (gray: true)`);
    if (e.operation === 'face-restore' && side !== 256 && side !== 512)
      problems.push(`${where}: a face restorer runs at 256 or 512`);
    if (input.raw8 && input.image.type !== 'uint8')
      problems.push(`${where}: raw 8-bit input must be a uint8 tensor`);
    if (!(input.std !== 0)) problems.push(`${where}: std is 0`);
  }
  return problems;
}
