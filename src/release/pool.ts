// Bounded concurrency: at most `limit` tasks in flight. `canStart` is asked before each task starts so that a failure
// or a cancellation stops new work while the tasks already running finish (a started Genesys job cannot be stopped).

export async function runBounded<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
  canStart: () => boolean = () => true
): Promise<(R | undefined)[]> {
  const results: (R | undefined)[] = new Array<R | undefined>(items.length).fill(undefined);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length && canStart()) {
      const index = next++;
      results[index] = await task(items[index]!, index);
    }
  };
  const n = Math.max(1, Math.min(limit, items.length));
  await Promise.all(Array.from({ length: n }, () => worker()));
  return results;
}
