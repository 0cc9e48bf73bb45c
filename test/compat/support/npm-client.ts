import type { Availability } from './external-client.js'

/**
 * Loads a client that comes from npm (a dev dependency). A missing one is
 * reported the same way as a missing program, through `describeWithClient`:
 * skipped on a developer machine that installed without dev dependencies,
 * a failure under CI.
 */
export async function importClient<T>(
  specifier: string,
  load: () => Promise<T>,
): Promise<{ module: T | undefined; availability: Availability }> {
  try {
    return { module: await load(), availability: { available: true, reason: '' } }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    // only "not installed" is a skip; a module that is there but fails to load is a real failure
    if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') throw err
    return {
      module: undefined,
      availability: { available: false, reason: `cannot import ${specifier}: ${(err as Error).message}` },
    }
  }
}
