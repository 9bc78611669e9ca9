import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  fieldChanges,
  orgNumberOf,
  parsePreview,
  renderSummary,
  unacceptedDestructiveChanges,
  type PreviewModel,
} from "../../review/preview-summary";

/**
 * Golden tests: each `<scenario>.jsonl` under test/fixtures/previews was recorded from a real
 * engine run (test/fixtures/previews/record.ts); its summary must equal `<scenario>.md`.
 */
const dir = join(__dirname, "..", "fixtures", "previews");
const scenarios = readdirSync(dir)
  .filter((f) => f.endsWith(".jsonl"))
  .map((f) => f.slice(0, -".jsonl".length))
  .sort();

describe("renderSummary of recorded previews", () => {
  it("covers create, update, replace, delete, a policy change and a member change", () => {
    expect(scenarios).toStrictEqual([
      "create",
      "delete",
      "member-change",
      "policy-change",
      "replace",
      "update",
    ]);
  });

  it.each(scenarios)("renders %s as its golden file", (scenario) => {
    const events = readFileSync(join(dir, `${scenario}.jsonl`), "utf8");
    const golden = readFileSync(join(dir, `${scenario}.md`), "utf8");
    expect(renderSummary(parsePreview(events), { stack: "review" })).toBe(golden);
  });
});

describe("renderSummary for production", () => {
  const change = (op: "replace" | "delete" | "update") => ({
    op,
    type: "AltinnResource",
    name: "digdir-melding",
    oldInputs: { identifier: "digdir-melding", resourceType: "CorrespondenceService" },
    newInputs:
      op === "delete"
        ? {}
        : { identifier: "digdir-melding", resourceType: "GenericAccessResource" },
  });
  const model = (
    ops: Array<"replace" | "delete" | "update">,
    environment = "prod",
  ): PreviewModel => ({
    environment,
    changes: ops.map(change),
    warnings: [],
    errors: [],
  });

  it("puts a caution banner first when production objects are replaced or deleted", () => {
    const text = renderSummary(model(["replace", "delete"]), { stack: "prod" });
    expect(text.split("\n").slice(0, 4)).toStrictEqual([
      "### Pulumi preview of `prod`",
      "",
      "> [!CAUTION]",
      "> **Production: 1 to replace and 1 to delete.** A replace deletes the live object and creates a new one (new ids, a gap in service); deleted objects are gone for every user. Review each line below before approving.",
    ]);
  });

  it("says the deploy stops on a delete or replace the stack file does not accept", () => {
    const plan = model(["replace", "delete"]);
    plan.changes[1]!.name = "digdir-gammel";
    plan.accepted = [{ object: "digdir-gammel", change: "delete" }];
    expect(unacceptedDestructiveChanges(plan).map((c) => `${c.op} ${c.name}`)).toStrictEqual([
      "replace digdir-melding",
    ]);
    expect(renderSummary(plan).split("\n").slice(4, 6)).toStrictEqual([
      ">",
      "> **The deploy stops:** the stack file does not accept the replace of `digdir-melding`. If intended, list each under `altinn-iac:acceptChanges` (`{ object: <name>, change: delete|replace, reason: ... }`).",
    ]);
    plan.accepted.push({ object: "digdir-melding", change: "replace" });
    expect(unacceptedDestructiveChanges(plan)).toStrictEqual([]);
    expect(renderSummary(plan)).not.toContain("The deploy stops");
    expect(unacceptedDestructiveChanges(model(["replace"], "test"))).toStrictEqual([]);
  });

  it("reads the accepted changes from the preview's config", () => {
    const prelude = {
      preludeEvent: {
        config: {
          "altinn-iac:environment": "prod",
          "altinn-iac:acceptChanges": JSON.stringify([
            { object: "digdir-gammel", change: "delete", reason: "closed" },
          ]),
        },
      },
    };
    const stream = `${JSON.stringify(prelude)}\n${JSON.stringify({ summaryEvent: {} })}`;
    expect(parsePreview(stream).accepted).toStrictEqual([
      { object: "digdir-gammel", change: "delete", reason: "closed" },
    ]);
  });

  it("shows no banner for an update in production or a replace in test", () => {
    expect(renderSummary(model(["update"]))).not.toContain("CAUTION");
    expect(renderSummary(model(["replace"], "test"))).not.toContain("CAUTION");
  });

  it("says so when nothing changes", () => {
    expect(renderSummary({ changes: [], warnings: [], errors: [] })).toBe(
      "### Pulumi preview\n\nNo changes.\n",
    );
  });
});

describe("helpers", () => {
  it("lists leaf changes by path", () => {
    expect(
      fieldChanges({ a: { b: 1, c: [1, 2] }, d: 1 }, { a: { b: 2, c: [1, 3] }, e: 1 }),
    ).toStrictEqual([
      { path: "a.b", before: 1, after: 2 },
      { path: "a.c[1]", before: 2, after: 3 },
      { path: "d", before: 1, after: undefined },
      { path: "e", before: undefined, after: 1 },
    ]);
  });

  it("shows organisation members by number", () => {
    expect(orgNumberOf("urn:altinn:organization:identifier-no:310000001")).toBe("310000001");
    expect(orgNumberOf("urn:altinn:party:uuid:1b8e9c2c-0000-4000-8000-000000000001")).toBe(
      "urn:altinn:party:uuid:1b8e9c2c-0000-4000-8000-000000000001",
    );
  });
});
