export type PlatformaticKafka = typeof import('@platformatic/kafka');

/**
 * Node's own `import()`, written so the CommonJS build keeps it: @platformatic/kafka is an ES
 * module, and a `require()` of it fails where Node's require(esm) is not available (a test
 * runner's module registry). The source differs per call because V8 reuses a compiled function of
 * the same source together with the module loader of the sandbox that compiled it first (in Jest,
 * an earlier test file's, already torn down).
 */
function nodeImport(specifier: string): Promise<unknown> {
  const load = new Function('specifier', `return import(specifier); /* ${process.hrtime.bigint()} */`);
  return (load as (s: string) => Promise<unknown>)(specifier);
}

/** Loaded only when KAFKA_CLIENT=platformatic. */
export async function loadPlatformaticKafka(): Promise<PlatformaticKafka> {
  try {
    return (await nodeImport('@platformatic/kafka')) as PlatformaticKafka;
  } catch (err) {
    throw new Error(
      `KAFKA_CLIENT=platformatic but @platformatic/kafka cannot be loaded (${(err as Error).message}): install the product's dependencies with Node >= 22.22`,
      { cause: err },
    );
  }
}
