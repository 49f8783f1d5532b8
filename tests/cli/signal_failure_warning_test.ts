import assert from "node:assert/strict";
import { signalFailureWarning } from "../../src/cli/pipeline.ts";

Deno.test("signalFailureWarning() is null without failures and one line summing the run's threads", () => {
  assert.equal(signalFailureWarning(undefined, { count: 0, first: null }), null);
  const line = signalFailureWarning(
    { count: 2, first: "TypeError: boom" },
    undefined,
    { count: 3, first: "RangeError: later" },
  );
  assert.equal(
    line,
    "warning: the relationship-signal analyzer failed on 5 message(s) (first: TypeError: boom); " +
      "they are stored without signals: please report this as a bug\n",
  );
});
