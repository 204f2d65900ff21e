import type * as ort from 'onnxruntime-web';
import type { OrtModule } from '../ort-loader.ts';
import type { CatalogEntry, TensorContract } from '@models/catalog.ts';
import type { ModelRuntime } from '../runtime.ts';
import { type InstalledRecord, loadOptional } from './store.ts';

/**
 * Runs an installed optional model in the inference worker, on the backend the runtime chose for
 * this job (WASM where WebGPU cannot start it). Sessions are cached per model and hash.
 */
const sessions = new Map<string, Promise<ort.InferenceSession>>();

function create(
  ort: OrtModule,
  id: string,
  backend: 'webgpu' | 'wasm',
): Promise<ort.InferenceSession> {
  return loadOptional(id).then((bytes) =>
    ort.InferenceSession.create(bytes, {
      executionProviders: [backend],
      graphOptimizationLevel: 'all',
    }),
  );
}

/** One id per onnxruntime-web build: a session of one build never takes the other's tensors. */
const builds: OrtModule[] = [];
function buildId(ort: OrtModule): number {
  if (!builds.includes(ort)) builds.push(ort);
  return builds.indexOf(ort);
}

async function session(
  runtime: ModelRuntime,
  entry: CatalogEntry,
  record: InstalledRecord,
): Promise<ort.InferenceSession> {
  const backend = runtime.engineRecord().backend;
  const ort = await runtime.ort();
  const cacheKey = `${entry.id}|${record.sha256}|${backend}|${buildId(ort)}`;
  let made = sessions.get(cacheKey);
  if (!made) {
    made = create(ort, entry.id, backend).catch((error: unknown) => {
      if (backend !== 'webgpu') throw error;
      return create(ort, entry.id, 'wasm');
    });
    made.catch(() => sessions.delete(cacheKey));
    sessions.set(cacheKey, made);
  }
  return made;
}

export type TensorData = Float32Array | Float64Array | Uint8Array;

function tensorOf(
  ort: OrtModule,
  contract: TensorContract,
  data: TensorData,
  dims: readonly number[],
) {
  const want = { float32: Float32Array, float64: Float64Array, uint8: Uint8Array }[contract.type];
  if (!(data instanceof want)) {
    throw new TypeError(`${contract.name} takes ${contract.type}, got ${data.constructor.name}`);
  }
  return new ort.Tensor(contract.type, data, dims);
}

export interface OptionalRunner {
  entry: CatalogEntry;
  record: InstalledRecord;
  /** Feeds by contract name; returns the output tensor's values as float32. */
  run(feeds: { contract: TensorContract; data: TensorData; dims: readonly number[] }[]): Promise<{
    data: Float32Array;
    dims: readonly number[];
  }>;
}

/** What a pipeline needs of a runner: its catalog entry and a way to run it (tests give stand-ins). */
export type ModelRunner = Pick<OptionalRunner, 'entry' | 'run'>;

export async function optionalRunner(
  runtime: ModelRuntime,
  entry: CatalogEntry,
  record: InstalledRecord,
): Promise<OptionalRunner> {
  const s = await session(runtime, entry, record);
  const ort = await runtime.ort();
  return {
    entry,
    record,
    async run(feeds) {
      const inputs = Object.fromEntries(
        feeds.map((f) => [f.contract.name, tensorOf(ort, f.contract, f.data, f.dims)]),
      );
      const name = entry.output.tensor.name;
      const results = await s.run(inputs, [name]);
      const output = results[name];
      if (!output) throw new Error(`${entry.label} gave no output named ${name}`);
      const raw = (await output.getData()) as TensorData;
      const data = raw instanceof Float32Array ? raw : Float32Array.from(raw);
      const dims = output.dims;
      for (const t of Object.values(results)) t.dispose();
      return { data, dims };
    },
  };
}

/** The engine record's model field for an optional model: its id and pinned hash, short. */
export function optionalModelName(runner: OptionalRunner): string {
  return `${runner.entry.id} (optional, sha256 ${runner.record.sha256.slice(0, 12)})`;
}
