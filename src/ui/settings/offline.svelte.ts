import type { ModelVariant } from '@models/manifest.ts';
import { chooseBackend } from '@/inference/backend.ts';
import { pickAnalysisVariant } from '@/inference/analysis-models.ts';
import { download, modelUrl } from '@/inference/model-store.ts';
import { type Compute, computeOf, manifest, pickVariant } from '@/inference/models.ts';
import { operationMetas } from '@/ops/registry.ts';
import {
  ENCODER_OPERATIONS,
  OPENCV_OPERATIONS,
  type RuntimeFile,
  type RuntimePart,
  isStored,
  offlineFiles,
  runtimeFile,
} from '@/inference/runtime-files.ts';
import { settings } from '../settings.svelte.ts';

/** The default photo upscaler on a processor (and the one prepared for the first job). */
const DEFAULT_UPSCALER = 'realesr-general-x4v3';

/** The model file this device runs for a manifest id (photo models, then analysis models). */
function variantOf(id: string, compute: Compute): ModelVariant | null {
  const model = manifest.models.find((m) => m.id === id);
  if (model) return pickVariant(model, compute);
  const analysis = manifest.analysis?.find((m) => m.id === id);
  return analysis ? pickAnalysisVariant(analysis) : null;
}

/**
 * What an operation needs on the device to run with its defaults: its models (for the upscalers,
 * the default one; the others download when chosen) and the on-demand runtime parts.
 */
export function needsOf(
  operation: string,
  engine: RuntimePart,
  compute: Compute,
): {
  models: ModelVariant[];
  parts: RuntimePart[];
} {
  const meta = operationMetas[operation];
  const ids = meta?.models ?? [];
  const chosen =
    operation === 'enhance'
      ? [DEFAULT_UPSCALER]
      : operation === 'enhance-anime'
        ? ids.slice(0, 1)
        : ids;
  const models = chosen
    .map((id) => variantOf(id, compute))
    .filter((v): v is ModelVariant => v !== null);
  const parts: RuntimePart[] = [];
  if (models.length > 0) parts.push(engine);
  if (OPENCV_OPERATIONS.has(operation)) parts.push('opencv');
  if (ENCODER_OPERATIONS.has(operation)) parts.push('jpeg', 'webp', 'oxipng');
  return { models, parts };
}

/** Every model file this device would run, once each. */
function allModels(compute: Compute): ModelVariant[] {
  const variants = [
    ...manifest.models.map((m) => pickVariant(m, compute)),
    ...(manifest.analysis ?? []).map((m) => pickAnalysisVariant(m)),
  ];
  return variants.filter((v, i) => variants.findIndex((w) => w.file === v.file) === i);
}

/**
 * What works with the network gone, checked against what this device really keeps: the
 * operations whose models and runtime files are all stored, and what is still missing (its size,
 * for "Make everything available offline (N MB)").
 */
class OfflineState {
  /** Labels of the operations that run offline now. */
  ready = $state<string[]>([]);
  /** Bytes still to download for everything to work offline; null until checked. */
  missingBytes = $state<number | null>(null);
  /** 0..1 while "Make everything available offline" downloads; null otherwise. */
  progress = $state<number | null>(null);
  error = $state<string | null>(null);
  private files: RuntimeFile[] | null = null;

  /**
   * The engine build this device loads (the WebGPU one only with a hardware adapter) and how it
   * computes: the inference worker asks chooseBackend the same question, so the files kept here
   * are the files it runs (float16 ones on a shader-f16 GPU).
   */
  private async device(): Promise<{ engine: RuntimePart; compute: Compute }> {
    const choice = await chooseBackend(settings.backend).catch(() => null);
    return {
      engine: choice?.backend === 'webgpu' ? 'engine-webgpu' : 'engine',
      compute: choice ? computeOf(choice) : { float16: false },
    };
  }

  private async runtimeList(): Promise<RuntimeFile[]> {
    this.files ??= await offlineFiles();
    return this.files;
  }

  /** The runtime files of these parts (an empty build list means nothing is on demand). */
  private async filesOf(parts: readonly RuntimePart[]): Promise<RuntimeFile[]> {
    return (await this.runtimeList()).filter((f) => parts.includes(f.part));
  }

  async refresh(): Promise<void> {
    if (!('caches' in globalThis)) return;
    const { engine, compute } = await this.device();
    // Checked once per refresh (a plain record: nothing reads it reactively).
    const stored: Record<string, boolean> = {};
    const has = async (url: string) => (stored[url] ??= await isStored(url));
    const ready: string[] = [];
    for (const [name, meta] of Object.entries(operationMetas)) {
      const needs = needsOf(name, engine, compute);
      const files = await this.filesOf(needs.parts);
      const urls = [...needs.models.map(modelUrl), ...files.map((f) => f.path)];
      let all = true;
      for (const url of urls) all &&= await has(new URL(url, location.origin).href);
      if (all) ready.push(meta.label);
    }
    this.ready = ready;
    let missing = 0;
    for (const variant of allModels(compute))
      if (!(await has(modelUrl(variant)))) missing += variant.bytes;
    for (const file of await this.everyRuntimeFile(engine)) {
      if (!(await has(new URL(file.path, location.origin).href))) missing += file.bytes;
    }
    this.missingBytes = missing;
  }

  /** The runtime files this device would ever load (not the other engine build). */
  private async everyRuntimeFile(engine: RuntimePart): Promise<RuntimeFile[]> {
    const other = engine === 'engine' ? 'engine-webgpu' : 'engine';
    return (await this.runtimeList()).filter((f) => f.part !== other);
  }

  /** "Make everything available offline": every model and runtime file, with one progress. */
  async makeEverythingAvailable(): Promise<void> {
    if (this.progress !== null) return;
    this.error = null;
    this.progress = 0;
    try {
      // Kept models should survive storage pressure: ask once, now.
      await navigator.storage?.persist?.();
      const { engine, compute } = await this.device();
      const files = await this.everyRuntimeFile(engine);
      const models = allModels(compute);
      const total =
        files.reduce((sum, f) => sum + f.bytes, 0) + models.reduce((sum, m) => sum + m.bytes, 0);
      let done = 0;
      for (const file of files) {
        const url = new URL(file.path, location.origin).href;
        if (!(await isStored(url))) await runtimeFile(url, 'this file');
        done += file.bytes;
        this.progress = done / total;
      }
      for (const variant of models) {
        if (!(await isStored(modelUrl(variant)))) {
          const before = done;
          await download(variant, (p) => (this.progress = (before + p.loaded) / total));
        }
        done += variant.bytes;
        this.progress = done / total;
      }
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
    } finally {
      this.progress = null;
      await this.refresh();
    }
  }
}

export const offline = new OfflineState();
