/**
 * Serves a stored Blob as an HTTP response with its real type and length, and byte ranges
 * (a video player, a resumable download), the way a static file server would.
 */
export function blobResponse(blob: Blob, name: string, rangeHeader: string | null): Response {
  const headers: Record<string, string> = {
    'Content-Type': blob.type || 'application/octet-stream',
    'Accept-Ranges': 'bytes',
    'Content-Disposition': `inline; filename*=UTF-8''${encodeURIComponent(name)}`,
    'Cache-Control': 'private, no-store',
    // The page is cross-origin isolated: its own files must say they may be embedded.
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
  const range = rangeHeader ? parseRange(rangeHeader, blob.size) : null;
  if (range === 'unsatisfiable') {
    return new Response(null, {
      status: 416,
      headers: { ...headers, 'Content-Range': `bytes */${blob.size}` },
    });
  }
  if (!range) {
    return new Response(blob, {
      status: 200,
      headers: { ...headers, 'Content-Length': String(blob.size) },
    });
  }
  const [start, end] = range;
  return new Response(blob.slice(start, end + 1), {
    status: 206,
    headers: {
      ...headers,
      'Content-Length': String(end - start + 1),
      'Content-Range': `bytes ${start}-${end}/${blob.size}`,
    },
  });
}

/** One `bytes=a-b`, `bytes=a-` or `bytes=-n` range; multiple ranges are served whole. */
export function parseRange(
  header: string,
  size: number,
): [number, number] | 'unsatisfiable' | null {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return null;
  const [, first, last] = match;
  if (first === '' && last === '') return null;
  let start: number;
  let end: number;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0) return 'unsatisfiable';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(first);
    end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  }
  if (start >= size || start > end) return 'unsatisfiable';
  return [start, end];
}
