import { mkdtempSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadStackConfig } from "../../program/config";
import { registerObjectKind } from "../../providers/object-kinds";
import { configure, provider } from "../../providers/runtime";
import { notes, noteKind } from "../support/note-kind";
import { registeredResources } from "../support/program";

/**
 * A new object type is its own files and one registry line: registered, the test-only TestNote
 * kind is served by the provider runtime, declared in the stack file and in included files,
 * checked by its own rules at load, and wired into ServiceOwnerSetup.
 */
registerObjectKind(noteKind);

const base = {
  "altinn-iac:environment": "test",
  "altinn-iac:org": JSON.stringify({ code: "digdir", number: "991825827" }),
  "altinn-iac:preflight": "false",
};

describe("a registered object kind", () => {
  beforeAll(() => configure((key) => ({ environment: "local" })[key]));

  it("is served by the provider runtime: check, diff and create", async () => {
    const notesProvider = provider("TestNote");
    const checked = await notesProvider.check!({}, { owner: "digdir", name: "hello", text: "hi" });
    expect(checked).toStrictEqual({
      inputs: { owner: "digdir", name: "hello", text: "hi", pinned: false, __provider: undefined },
      failures: [],
    });
    expect(
      await notesProvider.check!({}, { owner: "digdir", name: "hello", text: "x".repeat(21) }),
    ).toStrictEqual({
      inputs: {
        owner: "digdir",
        name: "hello",
        text: "x".repeat(21),
        pinned: false,
        __provider: undefined,
      },
      failures: [{ property: "text", reason: "a note holds at most 20 characters: shorten it" }],
    });
    expect(
      await notesProvider.diff!("digdir/hello", checked.inputs, { ...checked.inputs, text: "ho" }),
    ).toStrictEqual({
      changes: true,
      replaces: [],
    });
    expect(
      await notesProvider.diff!("digdir/hello", checked.inputs, {
        ...checked.inputs,
        name: "other",
      }),
    ).toStrictEqual({
      changes: true,
      replaces: ["name"],
    });
    expect(await notesProvider.create(checked.inputs)).toStrictEqual({
      id: "digdir/hello",
      outs: { owner: "digdir", name: "hello", text: "hi", pinned: false },
    });
    expect(notes.get("digdir/hello")).toStrictEqual({
      owner: "digdir",
      name: "hello",
      text: "hi",
      pinned: false,
    });
  });

  it("is declared in the stack file, checked by its own rules at load, named by key path", () => {
    const config = loadStackConfig({
      ...base,
      "altinn-iac:testNotes": JSON.stringify([{ name: "hello", text: "hi" }]),
    });
    expect((config as Record<string, unknown>).testNotes).toStrictEqual([
      { name: "hello", text: "hi" },
    ]);
    expect(() =>
      loadStackConfig({
        ...base,
        "altinn-iac:testNotes": JSON.stringify([{ name: "hello", text: "x".repeat(21) }]),
      }),
    ).toThrow(
      `the stack config is invalid:\n  altinn-iac:testNotes.0.text: a note holds at most 20 characters: shorten it (got "${"x".repeat(21)}")`,
    );
  });

  it("is wired into ServiceOwnerSetup from the stack file and from included files", async () => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), "object-kinds-")));
    writeFileSync(join(dir, "notes.json"), JSON.stringify({ testNotes: [{ name: "second" }] }));
    const registered = await registeredResources(
      {
        ...base,
        "altinn-iac:include": JSON.stringify(["notes.json"]),
        "altinn-iac:testNotes": JSON.stringify([{ name: "first", pinned: true }]),
      },
      dir,
    );
    expect(
      registered.map((r) => ({ type: r.type, name: r.name, parent: r.parent, inputs: r.inputs })),
    ).toStrictEqual([
      {
        type: "altinn-iac:index:ServiceOwnerSetup",
        name: "mock-org",
        parent: undefined,
        inputs: {},
      },
      {
        type: "pulumi-nodejs:dynamic/altinn:TestNote",
        name: "first",
        parent: "mock-org",
        inputs: { owner: "digdir", name: "first", pinned: true },
      },
      {
        type: "pulumi-nodejs:dynamic/altinn:TestNote",
        name: "second",
        parent: "mock-org",
        inputs: { owner: "digdir", name: "second" },
      },
    ]);
  });
});
