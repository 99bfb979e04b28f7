/**
 * A value created on first use and shared by every later caller (an SDK client per container, say).
 * A creation that fails is forgotten, so the next caller tries again instead of inheriting the failure.
 */
export function lazyShared<T>(create: () => Promise<T>): () => Promise<T> {
  let shared: Promise<T> | undefined;
  return () => {
    shared ??= create().catch((error: unknown) => {
      shared = undefined;
      throw error;
    });
    return shared;
  };
}
