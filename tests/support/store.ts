/**
 * The embedded Store over a test's data dir (it holds nothing open: no need to close it).
 *
 * @module
 */
import { EmbeddedStore } from "../../src/store/embedded/embedded_store.ts";
import type { Store } from "../../src/store/store.ts";

/** The embedded store of `dataDir`. */
export function storeAt(dataDir: string): Store {
  return new EmbeddedStore(dataDir);
}
