/** Deleting old rows a batch at a time, so no statement holds locks or runs for long. */

/**
 * Calls `deleteBatch(batchSize)` until a batch comes back short, at most `maxBatches` times or
 * until `stop()` says so; returns how many rows were deleted in all.
 */
export async function deleteInBatches(
  deleteBatch: (batchSize: number) => Promise<number>,
  options: { batchSize: number; maxBatches: number; stop?: () => boolean },
): Promise<number> {
  let deleted = 0;
  for (let batch = 0; batch < options.maxBatches && !options.stop?.(); batch++) {
    const count = await deleteBatch(options.batchSize);
    deleted += count;
    if (count < options.batchSize) break;
  }
  return deleted;
}
