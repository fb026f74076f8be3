// The program-side refusal of credentials kept in plain-text stack config (the e2e suite
// tests/e2e/trust.spec.ts shows it under the real engine).
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { plainTextCredentials } from "../../../provider/resources/aepResource";

describe("credentials in plain-text stack config", () => {
  const config = {
    "aep:clientId": "client-id",
    "aep:clientSecret": "client-secret",
    "aep:accessToken": "token",
    "aep:orgId": "org",
  };

  it("names each credential setting that is not a secret, and only those", () => {
    assert.deepEqual(
      plainTextCredentials(config, () => false),
      ["aep:clientSecret", "aep:accessToken"],
    );
    assert.deepEqual(
      plainTextCredentials(config, (key) => key === "aep:accessToken"),
      ["aep:clientSecret"],
    );
    assert.deepEqual(
      plainTextCredentials({ "aep:clientId": "client-id" }, () => false),
      [],
    );
  });

  it("relies on @pulumi/pulumi's runtime exporting isConfigSecret", () => {
    // Left out of the typings; if a release drops it, the check is skipped silently: fail here.
    const runtime = pulumi.runtime as unknown as Record<string, unknown>;
    assert.equal(typeof runtime.isConfigSecret, "function");
  });
});
