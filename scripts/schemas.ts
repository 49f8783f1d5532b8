/** Writes the JSON Schemas of the on-disk contract to docs/schemas/ (`deno task schemas`). */
import { contractJsonSchemas } from "../src/schemas.ts";

const dir = new URL("../docs/schemas/", import.meta.url);
await Deno.mkdir(dir, { recursive: true });
for (const [file, text] of Object.entries(contractJsonSchemas())) {
  await Deno.writeTextFile(new URL(file, dir), text);
}
