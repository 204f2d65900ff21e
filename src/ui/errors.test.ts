import { describe, expect, it } from 'vitest';
import { StorageFullError } from '@/jobs/store.ts';
import { canRetry, explainError, insteadOfRetry } from './errors.ts';

describe('explainError', () => {
  it('keeps the messages the engine already writes for people', () => {
    const unreadable =
      'This file could not be read as an image (image/png, 264 bytes). It may be damaged or in a format this browser cannot open.';
    expect(explainError(unreadable)).toBe(unreadable);
    expect(explainError('The input file of this job is missing from storage')).toBe(
      'The input file of this job is missing from storage',
    );
  });

  it('explains technical ones and keeps the original inside', () => {
    expect(explainError('enhance.scale must be one of 2, 4')).toBe(
      'A choice for this job is not allowed (enhance.scale must be one of 2, 4). Pick another value and try again.',
    );
    expect(explainError('RangeError: Array buffer allocation failed')).toMatch(/ran out of memory/);
    expect(explainError('GPU device was lost: unknown')).toMatch(
      /^The graphics processor stopped working on this job \(GPU device was lost: unknown\)/,
    );
    expect(explainError('Failed to fetch')).toMatch(/could not be fetched \(Failed to fetch\)/);
    expect(explainError('This version of Kintsugi cannot run "deblur"')).toMatch(
      /^This version of Kintsugi cannot do that/,
    );
    expect(explainError('TypeError: x is undefined')).toBe(
      'Something went wrong: TypeError: x is undefined.',
    );
  });

  it('says what happened in the cases a retry meets most', () => {
    expect(explainError('canceled')).toMatch(/^It was canceled/);
    expect(explainError('AbortError: The operation was aborted.')).toMatch(/^It was canceled/);
    expect(explainError('QuotaExceededError: The quota has been exceeded.')).toMatch(
      /storage this browser gives the app is full/,
    );
    expect(explainError(new StorageFullError('result').message)).toMatch(
      /storage this browser gives the app is full\. Delete some old jobs/,
    );
    expect(explainError('Fetching the input timed out after 30 s')).toMatch(
      /^It took too long and was stopped \(Fetching the input timed out after 30 s\)/,
    );
    expect(explainError('RuntimeError: unreachable')).toMatch(/^The CPU engine \(WebAssembly\)/);
    // Each case is told apart: memory stays memory, a plain sentence stays as it is.
    expect(explainError('Array buffer allocation failed')).toMatch(/ran out of memory/);
    expect(explainError('Colorization needs a model that is not installed.')).toBe(
      'Colorization needs a model that is not installed.',
    );
  });
});

describe('canRetry and insteadOfRetry', () => {
  const failed = (error: string) => ({ status: 'failed' as const, error });

  it('offers Retry where running again can help', () => {
    expect(canRetry({ status: 'canceled', error: null })).toBe(true);
    expect(canRetry(failed('RangeError: Array buffer allocation failed'))).toBe(true);
    expect(canRetry(failed('GPU device was lost: unknown'))).toBe(true);
    expect(canRetry(failed('Failed to fetch'))).toBe(true);
    expect(canRetry(failed('QuotaExceededError'))).toBe(true);
    // Offline without the model: once connected, running it again works.
    expect(
      canRetry(
        failed(
          'This job needs the Real-ESRGAN model (4.6 MB), which is not on this device yet; connect once to download it.',
        ),
      ),
    ).toBe(true);
    expect(insteadOfRetry(failed('Failed to fetch'))).toBeNull();
  });

  it('does not for a file that is not an image, or a choice that is refused, and says what to do', () => {
    const unreadable = failed(
      'This file could not be read as an image (image/png, 21 bytes). It may be damaged or in a format this browser cannot open.',
    );
    expect(canRetry(unreadable)).toBe(false);
    expect(insteadOfRetry(unreadable)).toMatch(/save it as PNG or JPEG/);
    expect(
      canRetry(failed('This image is 9000×9000; the largest supported input is 64 megapixels.')),
    ).toBe(false);
    const refused = failed('enhance.scale must be one of 2, 4');
    expect(canRetry(refused)).toBe(false);
    expect(insteadOfRetry(refused)).toMatch(/another choice/);
    const gone = failed('The input file of this job is missing from storage');
    expect(canRetry(gone)).toBe(false);
    expect(insteadOfRetry(gone)).toMatch(/add the photo again/);
  });

  it('offers nothing for finished or running jobs', () => {
    expect(canRetry({ status: 'completed', error: null })).toBe(false);
    expect(canRetry({ status: 'processing', error: null })).toBe(false);
  });
});
