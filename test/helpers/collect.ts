/** Every item of an async iterator (a collection's `values()` / `entries()`) in one array. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}
