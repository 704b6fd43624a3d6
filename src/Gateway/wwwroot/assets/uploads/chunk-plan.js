// How a file is cut into chunks, and which of them a server still lacks.

export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;

/** The most chunks one upload may have on a server with the default limits (Uploads:Limits:MaxChunkCount). */
export const MaxChunkCount = 10000;

/**
 * The chunk size for a file of `size` bytes: 8 MiB under 100 MiB, 16 MiB under 1 GiB, 32 MiB above, raised to
 * a whole number of MiB when the file would otherwise need more than {@link MaxChunkCount} chunks. The server may
 * still refuse it (its limits are configurable); the client then lets the server choose.
 * @param {number} size
 * @returns {number}
 */
export function chooseChunkSize(size) {
  const preferred = size < 100 * MiB ? 8 * MiB : size < GiB ? 16 * MiB : 32 * MiB;
  const smallestAllowed = Math.ceil(size / MaxChunkCount / MiB) * MiB;
  return Math.max(preferred, smallestAllowed);
}

/**
 * The indices of the chunks missing from `receivedChunks` (sorted inclusive ranges, as the server reports them),
 * in ascending order.
 * @param {number} chunkCount
 * @param {ReadonlyArray<readonly [number, number]>} receivedChunks
 * @returns {number[]}
 */
export function missingChunks(chunkCount, receivedChunks) {
  const missing = [];
  let next = 0;
  for (const [first, last] of receivedChunks) {
    for (let index = next; index < Math.min(first, chunkCount); index++) {
      missing.push(index);
    }
    next = Math.max(next, last + 1);
  }
  for (let index = next; index < chunkCount; index++) {
    missing.push(index);
  }
  return missing;
}

/**
 * The byte range of chunk `index`: every chunk but the last is `chunkSize` long.
 * @param {number} index
 * @param {number} chunkSize
 * @param {number} size
 * @returns {{ start: number, end: number }}
 */
export function chunkRange(index, chunkSize, size) {
  const start = index * chunkSize;
  return { start, end: Math.min(size, start + chunkSize) };
}
