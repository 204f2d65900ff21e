/// <reference lib="webworker" />
import {
  ALL_FORMATS,
  BlobSource,
  BufferTarget,
  EncodedAudioPacketSource,
  EncodedPacket,
  EncodedPacketSink,
  EncodedVideoPacketSource,
  Input,
  type InputAudioTrack,
  type InputVideoTrack,
  MATROSKA,
  MP4,
  MovOutputFormat,
  Mp4OutputFormat,
  Output,
  QTFF,
  WEBM,
  WebMOutputFormat,
} from 'mediabunny';
import type { InterpolationModelEntry, Manifest, ModelEntry } from '@models/manifest.ts';
import { manifest } from '@/inference/models.ts';
import type { RunContext, OperationRun } from '../operation.ts';
import {
  type Container,
  type FrameStep,
  type Size,
  type VideoCodecName,
  type VideoPlan,
  type VideoPresetName,
  codecPreference,
  codecStrings,
  frameProgress,
  planVideo,
  targetBitrate,
} from './plan.ts';
import { interpolateFrame, interpolationModel } from './interpolate.ts';
import { resizeImage } from '@/media/resize.ts';
import { CanceledError, type ModelRuntime } from '@/inference/runtime.ts';
import type { RgbaImage } from '@/media/image.ts';

/*
 * The video pipeline. It runs inside the inference worker (one of its operations, loaded on the
 * first video job), so each frame goes through the same ModelRuntime, and so the same ONNX
 * session per model and backend, as image jobs.
 *
 * mediabunny demuxes and muxes; WebCodecs decodes and encodes. Frames stream one at a time:
 * a packet is fed to the decoder only when no decoded frame is waiting and its queue is short,
 * and a frame goes to the encoder only when its queue is short. At any moment this holds the
 * frame being processed, the previous processed frame (cinematic) and a few in the codecs'
 * queues, whatever the video's length. Every VideoFrame is closed as soon as it is read.
 */

/** Packets the decoder may hold before we wait for it to take them. */
const MAX_DECODE_QUEUE = 4;
/** Frames the encoder may hold before we wait for it to take them. */
const MAX_ENCODE_QUEUE = 2;
/** A codec that makes no progress for this long is stalled (corrupt data): the job fails. */
const CODEC_STALL_MS = 30_000;
/** A key frame every this many seconds of output, so the result seeks well. */
const KEY_FRAME_SECONDS = 2;

class VideoInputError extends Error {}

/** Fails a job with the frame it was on and why. */
class FrameError extends Error {
  constructor(index: number, reason: string) {
    super(`Frame ${index}: ${reason}`);
  }
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export const videoEnhance: OperationRun = async (params, ctx) => {
  const preset = params.preset as VideoPresetName;
  const factor = Number(params.upscale_factor);
  const input = new Input({ source: new BlobSource(ctx.input), formats: ALL_FORMATS });
  try {
    return await enhance(input, preset, factor, ctx);
  } finally {
    input.dispose();
  }
};

async function containerOf(input: Input): Promise<Container> {
  let format;
  try {
    format = await input.getFormat();
  } catch (error) {
    throw new VideoInputError(
      `The file is not a video this app can read (MP4, MOV or WebM): ${reasonOf(error)}`,
    );
  }
  if (format === MP4) return 'mp4';
  if (format === QTFF) return 'mov';
  if (format === WEBM || format === MATROSKA) return 'webm';
  throw new VideoInputError(
    `The file is ${format.name}, not an MP4, MOV or WebM video this app can read`,
  );
}

async function enhance(input: Input, preset: VideoPresetName, factor: number, ctx: RunContext) {
  const container = await containerOf(input);
  const track = await input.getPrimaryVideoTrack();
  if (!track) throw new VideoInputError('The file has no video track');
  const decoderConfig = await track.getDecoderConfig();
  const codec = await track.getCodec();
  if (!decoderConfig || !(await VideoDecoder.isConfigSupported(decoderConfig)).supported) {
    throw new VideoInputError(`This browser cannot decode the video's ${codec ?? 'unknown'} codec`);
  }
  // Frames are processed as decoded (square pixels); the container's rotation is carried over.
  const rotation = await track.getRotation();
  const source = {
    width: await track.getSquarePixelWidth(),
    height: await track.getSquarePixelHeight(),
    rotation,
  };
  const stats = await track.computePacketStats();
  if (stats.packetCount === 0) throw new VideoInputError('The video track has no frames');
  const fps = stats.averagePacketRate;
  const plan = planVideo(preset, factor, source);
  const outputFps = fps * plan.frameMultiplier;
  const bitrate = targetBitrate(preset, plan.encoded, outputFps);
  const encoderConfig = await chooseEncoder(container, plan.encoded, outputFps, bitrate);

  const steps = await prepareSteps(plan.steps, ctx.models);
  const interpolation = plan.interpolate ? interpolationEngine() : null;
  const audio = await input.getPrimaryAudioTrack();
  const method = describe(plan, encoderConfig, container, audio !== null, interpolation);
  ctx.engine({ method, model: steps.find((s) => s.model)?.model?.id });

  const output = new Output({ format: outputFormat(container), target: new BufferTarget() });
  const videoOut = new EncodedVideoPacketSource(encoderConfig.name);
  output.addVideoTrack(videoOut, { frameRate: outputFps, rotation });
  const audioPump = audio ? await AudioPump.create(audio, output) : null;
  await output.start();

  const encoder = new FrameEncoder(encoderConfig.config, videoOut, outputFps);
  const decoded = decodeFrames(track, decoderConfig, stats.packetCount);
  const total = stats.packetCount * plan.frameMultiplier;
  // Where the container gives a frame no duration, it lasts one frame at the average rate.
  const frameMicros = Math.round(1e6 / (fps > 0 ? fps : 30));
  const started = performance.now();
  let done = 0;
  let index = 0;
  let previous: TimedFrame | null = null;
  const emit = async (frame: TimedFrame) => {
    await audioPump?.advanceTo(frame.timestamp / 1e6);
    await encoder.encode(frame, plan.encoded);
    done++;
    const p = frameProgress(done, total, (performance.now() - started) / 1000);
    ctx.progress(Math.min(p.fraction, 0.99), p.etaSeconds);
  };
  try {
    for await (const frame of decoded) {
      ctx.throwIfCanceled();
      let current: TimedFrame;
      try {
        current = await processFrame(frame, source, steps, ctx);
      } catch (error) {
        if (error instanceof CanceledError) throw error;
        throw new FrameError(index, reasonOf(error));
      }
      if (current.duration <= 0) current.duration = frameMicros;
      if (!interpolation) {
        await emit(current);
      } else {
        // A frame goes out once the next one has arrived, with the new frame between them.
        if (previous) {
          ctx.throwIfCanceled();
          const middle = await interpolation
            .run(ctx.models, previous, current)
            .catch((error: unknown) => {
              throw new FrameError(index, `interpolation failed: ${reasonOf(error)}`);
            });
          previous.duration = middle.timestamp - previous.timestamp;
          await emit(previous);
          await emit(middle);
        }
        previous = current;
      }
      index++;
    }
    if (previous) {
      // The last frame has no next one: it is shown for two half-length frames, so the frame
      // count doubles and the duration stays.
      const half = Math.max(1, Math.round(previous.duration / 2));
      const last = { ...previous, timestamp: previous.timestamp + half, duration: half };
      previous.duration = half;
      await emit(previous);
      await emit(last);
    }
    await encoder.finish();
    await audioPump?.finish();
    await output.finalize();
  } catch (error) {
    encoder.close();
    await output.cancel().catch(() => {});
    if (error instanceof CanceledError || error instanceof FrameError) throw error;
    throw new FrameError(index, reasonOf(error));
  }
  const buffer = (output.target as BufferTarget).buffer;
  if (!buffer) throw new Error('The muxer produced no file');
  const blob = new Blob([buffer], { type: await output.getMimeType().then(baseType) });
  return { blob, width: plan.encoded.width, height: plan.encoded.height };
}

function baseType(mime: string): string {
  return mime.split(';')[0]?.trim() ?? mime;
}

function outputFormat(container: Container) {
  switch (container) {
    case 'mp4':
      return new Mp4OutputFormat();
    case 'mov':
      return new MovOutputFormat();
    case 'webm':
      return new WebMOutputFormat();
  }
}

interface EncoderChoice {
  name: VideoCodecName;
  config: VideoEncoderConfig;
}

/** The first codec of the container's preference, at a level for this size, the encoder takes. */
async function chooseEncoder(
  container: Container,
  size: Size,
  fps: number,
  bitrate: number,
): Promise<EncoderChoice> {
  const tried: string[] = [];
  for (const name of codecPreference(container)) {
    for (const codec of codecStrings(name, size, fps)) {
      const config: VideoEncoderConfig = {
        codec,
        width: size.width,
        height: size.height,
        bitrate,
        framerate: fps > 0 ? fps : undefined,
        ...(name === 'avc' ? { avc: { format: 'avc' } } : {}),
      };
      tried.push(codec);
      const support = await VideoEncoder.isConfigSupported(config).catch(() => null);
      if (support?.supported) return { name, config };
    }
  }
  throw new VideoInputError(
    `This browser has no video encoder for ${size.width}×${size.height} in ${container.toUpperCase()} (tried ${tried.join(', ') || 'no codec: the size is beyond every level'})`,
  );
}

interface TimedFrame extends RgbaImage {
  data: Uint8ClampedArray;
  /** Microseconds, as WebCodecs counts. */
  timestamp: number;
  duration: number;
}

/**
 * Decoded frames, one at a time, in presentation order. A packet is fed only while no frame is
 * waiting and the decoder's queue is short; a decoder that neither outputs nor takes packets for
 * CODEC_STALL_MS, or whose flush does not end, fails the job instead of hanging it.
 */
async function* decodeFrames(
  track: InputVideoTrack,
  config: VideoDecoderConfig,
  expected: number,
): AsyncGenerator<VideoFrame> {
  const ready: VideoFrame[] = [];
  let failure: Error | null = null;
  let wake: () => void = () => {};
  const changed = () => wake();
  const decoder = new VideoDecoder({
    output: (frame) => {
      ready.push(frame);
      changed();
    },
    error: (error) => {
      failure = error;
      changed();
    },
  });
  decoder.addEventListener('dequeue', changed);
  decoder.configure(config);
  const packets = new EncodedPacketSink(track).packets();
  let fed = 0;
  let emitted = 0;
  let flushed = false;
  const stalled = () =>
    new Error(
      `the decoder stopped making progress (${fed} packets in, ${emitted} frames out): the video data is corrupt or unsupported`,
    );
  try {
    for (;;) {
      if (failure) throw new Error(`the decoder failed: ${reasonOf(failure)}`);
      const frame = ready.shift();
      if (frame) {
        emitted++;
        yield frame;
        continue;
      }
      if (flushed) return;
      if (decoder.decodeQueueSize >= MAX_DECODE_QUEUE) {
        await waitFor((resolve) => (wake = resolve), CODEC_STALL_MS, stalled);
        continue;
      }
      const next = await packets.next();
      // A cut file ends its packets early without an error: the index still lists them all.
      if (next.done && fed < expected) {
        throw new FrameError(
          fed,
          `the file ends early: ${fed} of the ${expected} frames its index lists are present (truncated or corrupt)`,
        );
      }
      if (next.done) {
        await withTimeout(decoder.flush(), CODEC_STALL_MS, stalled);
        flushed = true;
        continue;
      }
      decoder.decode(next.value.toEncodedVideoChunk());
      fed++;
    }
  } finally {
    for (const frame of ready) frame.close();
    if (decoder.state !== 'closed') decoder.close();
    await packets.return();
  }
}

function waitFor(
  arm: (resolve: () => void) => void,
  ms: number,
  onTimeout: () => Error,
): Promise<void> {
  return withTimeout(new Promise<void>(arm), ms, onTimeout);
}

async function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Draws a decoded frame into RGBA at the planned size (square pixels; a stream whose frame size
 * changes midway is scaled to its first size). One canvas serves every frame.
 */
let canvas: OffscreenCanvas | null = null;

function readFrame(frame: VideoFrame, { width, height }: Size): TimedFrame {
  try {
    canvas ??= new OffscreenCanvas(width, height);
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
    }
    const context = canvas.getContext('2d', { willReadFrequently: true });
    if (!context) throw new Error('no 2D canvas in this worker');
    context.drawImage(frame, 0, 0, width, height);
    const { data } = context.getImageData(0, 0, width, height);
    return { data, width, height, timestamp: frame.timestamp, duration: frame.duration ?? 0 };
  } finally {
    frame.close();
  }
}

interface PreparedStep {
  step: FrameStep;
  model?: ModelEntry;
}

async function prepareSteps(steps: FrameStep[], runtime: ModelRuntime): Promise<PreparedStep[]> {
  const prepared: PreparedStep[] = [];
  for (const step of steps) {
    if (step.kind === 'fit') {
      prepared.push({ step });
      continue;
    }
    const model = runtime.catalogue.byId(step.model);
    if (!model) throw new Error(`The model ${step.model} this preset needs is not installed`);
    // Load the session now, so a missing or damaged model fails before the first frame.
    await runtime.session(runtime.variant(model));
    prepared.push({ step, model });
  }
  return prepared;
}

async function processFrame(
  frame: VideoFrame,
  size: Size,
  steps: PreparedStep[],
  ctx: RunContext,
): Promise<TimedFrame> {
  let image = readFrame(frame, size);
  for (const { step, model } of steps) {
    ctx.throwIfCanceled();
    if (step.kind === 'fit') image = { ...image, ...fitFrame(image, step) };
    else if (model && step.kind === 'upscale') {
      image = { ...image, ...(await upscaleFrame(image, model, step.scale, ctx)) };
    } else if (model) image = { ...image, ...(await runModel(image, model, ctx.models, ctx)) };
  }
  return image;
}

/** One frame through a tiled model; the bands land in one frame-sized buffer. */
async function runModel(
  image: RgbaImage,
  model: ModelEntry,
  runtime: ModelRuntime,
  ctx: RunContext,
): Promise<{ data: Uint8ClampedArray; width: number; height: number }> {
  const width = image.width * model.scale;
  const height = image.height * model.scale;
  const data = new Uint8ClampedArray(width * height * 4);
  let offset = 0;
  await runtime.runTiled({
    model,
    variant: runtime.variant(model),
    image,
    sink: (band, rows) => {
      data.set(band.subarray(0, rows * width * 4), offset);
      offset += rows * width * 4;
    },
    onProgress: () => {},
    isCanceled: () => ctx.isCanceled(),
  });
  return { data, width, height };
}

/** An upscale step: its model, then Lanczos-3 to the step's own scale where the two differ. */
async function upscaleFrame(
  image: RgbaImage,
  model: ModelEntry,
  scale: number,
  ctx: RunContext,
): Promise<{ data: Uint8ClampedArray; width: number; height: number }> {
  const out = await runModel(image, model, ctx.models, ctx);
  if (model.scale === scale) return out;
  const resized = resizeImage(out, image.width * scale, image.height * scale);
  return { ...resized, data: new Uint8ClampedArray(resized.data.buffer) };
}

/** Lanczos-3 to the fitted size, centred on black bars. */
function fitFrame(
  image: RgbaImage,
  fit: FrameStep & { kind: 'fit' },
): { data: Uint8ClampedArray; width: number; height: number } {
  const scaled = resizeImage(image, fit.width, fit.height);
  const { width, height } = fit.canvas;
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 3; i < data.length; i += 4) data[i] = 255;
  for (let row = 0; row < fit.height; row++) {
    const from = row * fit.width * 4;
    data.set(scaled.data.subarray(from, from + fit.width * 4), ((fit.y + row) * width + fit.x) * 4);
  }
  return { data, width, height };
}

interface Interpolation {
  label: string;
  run(runtime: ModelRuntime, a: TimedFrame, b: TimedFrame): Promise<TimedFrame>;
}

/** RIFE when its model is installed; otherwise the even blend the preset's description names. */
function interpolationEngine(): Interpolation {
  const middle = (a: TimedFrame, b: TimedFrame) => {
    const timestamp = Math.round((a.timestamp + b.timestamp) / 2);
    return { timestamp, duration: b.timestamp - timestamp };
  };
  const model = installedInterpolationModel();
  if (model) {
    return {
      label: `frame interpolation by ${model.label} (${model.id})`,
      async run(runtime, a, b) {
        const frame = await interpolateFrame(runtime, a, b, 0.5, model);
        return { ...frame, ...middle(a, b) };
      },
    };
  }
  return {
    label:
      'frame interpolation by an even blend of the two neighbours (motion-free: no interpolation model is installed)',
    run(_runtime, a, b) {
      const data = new Uint8ClampedArray(a.data.length);
      for (let i = 0; i < data.length; i++)
        data[i] = ((a.data[i] ?? 0) + (b.data[i] ?? 0) + 1) >> 1;
      return Promise.resolve({ data, width: a.width, height: a.height, ...middle(a, b) });
    },
  };
}

/** The manifest's interpolation model; none in a build whose manifest predates them. */
function installedInterpolationModel(): InterpolationModelEntry | null {
  const listed = (manifest as Partial<Manifest>).interpolation ?? [];
  return listed.length ? interpolationModel() : null;
}

/**
 * Feeds processed frames to a VideoEncoder, waiting while its queue is full, and hands its
 * packets to the muxer in order.
 */
class FrameEncoder {
  private readonly encoder: VideoEncoder;
  private muxing: Promise<void> = Promise.resolve();
  private failure: Error | null = null;
  private wake: () => void = () => {};
  private count = 0;
  private readonly keyEvery: number;

  constructor(config: VideoEncoderConfig, target: EncodedVideoPacketSource, fps: number) {
    this.keyEvery = Math.max(1, Math.round((fps > 0 ? fps : 30) * KEY_FRAME_SECONDS));
    this.encoder = new VideoEncoder({
      output: (chunk, meta) => {
        const packet = EncodedPacket.fromEncodedChunk(chunk);
        this.muxing = this.muxing.then(() => target.add(packet, meta));
        this.muxing.catch((error: unknown) => (this.failure ??= toError(error)));
      },
      error: (error) => {
        this.failure = error;
        this.wake();
      },
    });
    this.encoder.addEventListener('dequeue', () => this.wake());
    this.encoder.configure(config);
  }

  async encode(frame: TimedFrame, size: Size): Promise<void> {
    while (this.encoder.encodeQueueSize >= MAX_ENCODE_QUEUE && !this.failure) {
      await waitFor(
        (resolve) => (this.wake = resolve),
        CODEC_STALL_MS,
        () => new Error('the encoder stopped making progress'),
      );
    }
    if (this.failure) throw new Error(`the encoder failed: ${reasonOf(this.failure)}`);
    const video = new VideoFrame(frame.data, {
      format: 'RGBA',
      codedWidth: frame.width,
      codedHeight: frame.height,
      visibleRect: { x: 0, y: 0, width: size.width, height: size.height },
      timestamp: frame.timestamp,
      duration: frame.duration > 0 ? frame.duration : undefined,
    });
    try {
      this.encoder.encode(video, { keyFrame: this.count % this.keyEvery === 0 });
    } finally {
      video.close();
    }
    this.count++;
  }

  async finish(): Promise<void> {
    await withTimeout(
      this.encoder.flush(),
      CODEC_STALL_MS,
      () => new Error('the encoder did not finish'),
    );
    await this.muxing;
    if (this.failure) throw new Error(`the encoder failed: ${reasonOf(this.failure)}`);
    this.encoder.close();
  }

  close(): void {
    if (this.encoder.state !== 'closed') this.encoder.close();
  }
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** Copies the audio track's packets, untouched, into the output, keeping pace with the video. */
class AudioPump {
  private muxing: Promise<void> = Promise.resolve();
  private pending: EncodedPacket | null = null;
  private first = true;

  private constructor(
    private readonly packets: AsyncGenerator<EncodedPacket, void>,
    private readonly target: EncodedAudioPacketSource,
    private readonly decoderConfig: AudioDecoderConfig | null,
  ) {}

  static async create(track: InputAudioTrack, output: Output): Promise<AudioPump> {
    const codec = await track.getCodec();
    if (!codec || !output.format.getSupportedAudioCodecs().includes(codec)) {
      throw new VideoInputError(
        `The audio track's codec (${codec ?? 'unknown'}) cannot be kept in this container`,
      );
    }
    const target = new EncodedAudioPacketSource(codec);
    output.addAudioTrack(target);
    return new AudioPump(
      new EncodedPacketSink(track).packets(),
      target,
      await track.getDecoderConfig(),
    );
  }

  /** Adds every audio packet that starts before `seconds` (plus a little lead). */
  async advanceTo(seconds: number): Promise<void> {
    for (;;) {
      this.pending ??= (await this.packets.next()).value ?? null;
      const packet = this.pending;
      if (!packet || packet.timestamp > seconds + 0.5) return;
      this.pending = null;
      const meta =
        this.first && this.decoderConfig ? { decoderConfig: this.decoderConfig } : undefined;
      this.first = false;
      this.muxing = this.muxing.then(() => this.target.add(packet, meta));
    }
  }

  async finish(): Promise<void> {
    await this.advanceTo(Number.POSITIVE_INFINITY);
    await this.muxing;
  }
}

function describe(
  plan: VideoPlan,
  encoder: EncoderChoice,
  container: Container,
  hasAudio: boolean,
  interpolation: Interpolation | null,
): string {
  const steps = plan.steps.map((step) => {
    switch (step.kind) {
      case 'denoise':
        return `${step.model} (deblock/denoise)`;
      case 'upscale':
        return `${step.model} (×${step.scale})`;
      case 'fit':
        return `Lanczos-3 fit ${step.width}×${step.height} in ${step.canvas.width}×${step.canvas.height} (letterbox)`;
    }
  });
  if (interpolation) steps.push(interpolation.label);
  const audio = hasAudio ? 'audio copied untouched' : 'no audio track';
  return `video: ${steps.join(' → ') || 'frames re-encoded as they are'}; ${encoder.config.codec} ${plan.encoded.width}×${plan.encoded.height} at ${Math.round((encoder.config.bitrate ?? 0) / 1000)} kbit/s in ${container.toUpperCase()}; ${audio}`;
}
