import { parse } from "yaml";
import { promoteStack } from "../../program/promote-stack";

/**
 * Promote with `altinn-iac:include`: the source's files are added to the target's (test and prod
 * share the setup files), and what that means for the target is reported rather than guessed.
 */

const SHARED =
  "altinn-iac:include: setup/resources.yaml, setup/access-lists are shared with the source stack, so their entries (members, adopt flags, client ids, endpoints, texts) apply to the target unchanged: keep what differs between environments in the stack files";
const PROD = { environment: "prod" as const, overwriteTargetValues: false };

function configOf(text: string): Record<string, unknown> {
  return (parse(text) as { config: Record<string, unknown> }).config;
}

describe("promoteStack with included files", () => {
  it("carries the include over unchanged, next to the stack file's own setup, and says the files are shared", () => {
    const source = [
      "config:",
      "  altinn-iac:environment: test",
      "  altinn-iac:org: { code: digdir, number: '991825827' }",
      "  altinn-iac:include: [setup/resources.yaml, setup/access-lists]",
      "  altinn-iac:subscriptions:",
      "    - { name: read, resource: digdir-x, endPoint: 'https://test.example.org/e' }",
      "",
    ].join("\n");
    const result = promoteStack(source, "config:\n  altinn-iac:environment: prod\n", PROD);
    expect(configOf(result.text)).toStrictEqual({
      "altinn-iac:environment": "prod",
      "altinn-iac:org": { code: "digdir", number: "991825827" },
      "altinn-iac:include": ["setup/resources.yaml", "setup/access-lists"],
      "altinn-iac:subscriptions": [
        { name: "read", resource: "digdir-x", endPoint: "https://test.example.org/e" },
      ],
    });
    expect(result.unmapped).toStrictEqual([
      SHARED,
      'altinn-iac:subscriptions.0.endPoint: "https://test.example.org/e" is kept as it is: check that it is the target\'s receiver',
    ]);
  });

  it("adds the source's files to the target's include and keeps its own entries of a collection the source keeps in files, naming them (key sets of clients are always its own)", () => {
    const source = [
      "config:",
      "  altinn-iac:environment: test",
      "  altinn-iac:include: [setup/resources.yaml, setup/access-lists]",
      "",
    ].join("\n");
    const target = [
      "# prod",
      "config:",
      "  altinn-iac:environment: prod",
      "  altinn-iac:include: [old.yaml]",
      "  altinn-iac:resources: [{ identifier: digdir-x }]",
      "  altinn-iac:maskinportenClientKeys: [{ name: prod-key, clientId: abc }]",
      "",
    ].join("\n");
    const result = promoteStack(source, target, PROD);
    expect(result.text.startsWith("# prod\n")).toBe(true);
    expect(configOf(result.text)).toStrictEqual({
      "altinn-iac:environment": "prod",
      "altinn-iac:include": ["old.yaml", "setup/resources.yaml", "setup/access-lists"],
      "altinn-iac:resources": [{ identifier: "digdir-x" }],
      "altinn-iac:maskinportenClientKeys": [{ name: "prod-key", clientId: "abc" }],
    });
    expect(result.unmapped).toStrictEqual([
      SHARED,
      "altinn-iac:include: the target's own old.yaml are kept next to the source's: remove what both declare (preview fails on duplicates)",
      "altinn-iac:resources: the target's own entries are kept next to those of setup/resources.yaml, setup/access-lists: remove the ones the included files declare too (preview fails on duplicates)",
    ]);
  });

  it("keeps an include only the target has, and says so", () => {
    const source = [
      "config:",
      "  altinn-iac:environment: test",
      "  altinn-iac:resources: [{ identifier: digdir-x }]",
      "",
    ].join("\n");
    const target = "config:\n  altinn-iac:include: [setup/prod.yaml]\n";
    const result = promoteStack(source, target, PROD);
    expect(configOf(result.text)).toStrictEqual({
      "altinn-iac:environment": "prod",
      "altinn-iac:include": ["setup/prod.yaml"],
      "altinn-iac:resources": [{ identifier: "digdir-x" }],
    });
    expect(result.unmapped).toStrictEqual([
      "altinn-iac:include: kept in the target, though the source includes no files: remove it if the source's own entries now declare the same objects (preview fails on duplicates)",
    ]);
  });
});
