// Preloaded into the Parley server by the bench only (`--expose-gc --import tsx --import bench/gc-hook.ts`):
// SIGUSR2 runs a full collection, so VmRSS read afterwards holds live memory rather than garbage.
// Parley's own code has no such hook.
process.on('SIGUSR2', () => (globalThis as { gc?: () => void }).gc?.());
