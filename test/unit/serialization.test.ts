import * as pulumi from "@pulumi/pulumi";
import { runtimeProvider } from "../../providers/lib/shell";

/**
 * What Pulumi stores in every dynamic resource's state is the serialized provider. The shell must
 * stay small and carry nothing but the kind: no project code, no absolute paths, no secrets.
 */
describe("runtimeProvider serialized by Pulumi", () => {
  it("is a small shell that names only its kind", async () => {
    const provider = runtimeProvider("AltinnResource");
    const { text } = await pulumi.runtime.serializeFunction(() => provider);
    // Stored twice per resource (inputs and outputs): bench/README.md counts it against 10 KB.
    expect(text.length).toBeLessThan(2600);
    expect(text).toContain('"AltinnResource"');
    expect(text).toContain('"altinn-iac/providers/runtime"');
    expect(text).not.toContain(process.cwd());
    expect(text).not.toContain(__dirname);
    expect(text).not.toMatch(/axios|jose|zod|fast-xml-parser/);
    expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}|PRIVATE KEY/);
  });
});
