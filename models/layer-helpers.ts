// Checks every layer converter (Keras, ncnn) makes of a layer's inputs, written once.

interface LayerInputs<T> {
  inputs: readonly T[];
  fail(message: string): Error;
}

export function firstOnlyInput<T>(ctx: LayerInputs<T>): T {
  const [input] = ctx.inputs;
  if (ctx.inputs.length !== 1 || !input) throw ctx.fail(`needs 1 input, got ${ctx.inputs.length}`);
  return input;
}

/** The channel count all inputs share (Add, Eltwise…); an error naming them when they differ. */
export function sameChannels(ctx: LayerInputs<{ channels: number }>): number {
  const channels = ctx.inputs[0]?.channels ?? 0;
  if (ctx.inputs.some((input) => input.channels !== channels)) {
    throw ctx.fail(`inputs have different channel counts ${ctx.inputs.map((i) => i.channels)}`);
  }
  return channels;
}

export function namesOf(inputs: readonly { name: string }[]): string[] {
  return inputs.map((input) => input.name);
}
