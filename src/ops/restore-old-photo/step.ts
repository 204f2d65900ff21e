/**
 * Runs one step, saying which in its error: a failure deep in a step ("could not be read as an
 * image") must not read as if the input itself were at fault. A cancel passes through as it is.
 */
export async function inStep<T>(name: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof Error && error.name === 'CanceledError') throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`${name} failed: ${message}`, { cause: error });
  }
}
