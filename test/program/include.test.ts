import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { stringify } from "yaml";
import { configWarnings, loadStackConfig } from "../../program/config";
import { registeredResources } from "../support/program";

/**
 * `altinn-iac:include` under Pulumi's mocks: setup collections from YAML and JSON files in a
 * project directory, merged after the stack file's entries, and every problem named by the file
 * and the key path in it, before any resource is registered. What this does not prove: that the
 * engine runs the program in the project directory (test/e2e/include.e2e.test.ts does).
 */

const base = {
  "altinn-iac:environment": "test",
  "altinn-iac:org": JSON.stringify({ code: "digdir", number: "991825827" }),
};

function resource(identifier: string): Record<string, unknown> {
  return {
    identifier,
    title: { nb: "T", nn: "T", en: "T" },
    description: { nb: "D", nn: "D", en: "D" },
    rightDescription: { nb: "R", nn: "R", en: "R" },
    contactPoints: [{ category: "Support", email: "a@b.no" }],
  };
}

/** The config as the engine passes it: `include` and the stack file's own collections. */
function stackConfig(include: unknown, own: Record<string, unknown> = {}): Record<string, string> {
  return {
    ...base,
    "altinn-iac:include": JSON.stringify(include),
    ...Object.fromEntries(
      Object.entries(own).map(([key, value]) => [`altinn-iac:${key}`, JSON.stringify(value)]),
    ),
  };
}

const directories: string[] = [];
afterAll(() => directories.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A new directory holding `files` (relative path: text). */
function directory(files: Record<string, string>): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "altinn-iac-include-")));
  directories.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

function messageOf(load: () => unknown): string {
  try {
    load();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("it loaded");
}

describe("loadStackConfig with altinn-iac:include", () => {
  it("appends the included entries after the stack file's own, in include order, a directory's files sorted by name", () => {
    const dir = directory({
      "setup/lists.json": JSON.stringify({
        accessLists: [
          {
            identifier: "digdir-b",
            name: "B",
            members: ["991825827"],
            resources: [{ identifier: "digdir-stack" }],
          },
        ],
      }),
      "setup/more/b.yaml": stringify({
        resources: [resource("digdir-from-b")],
        accessLists: [{ identifier: "digdir-c", name: "C" }],
      }),
      // An unquoted organisation number is a YAML number; the member is its text.
      "setup/more/a.yml": `resources: ${JSON.stringify([resource("digdir-from-a")])}\naccessLists: [{ identifier: digdir-d, name: D, members: [310000001] }]\n`,
      "setup/more/README.md": "resources: [not setup]\n",
      "setup/more/nested/c.yaml": stringify({ resources: [resource("digdir-nested")] }),
    });
    const config = loadStackConfig(
      stackConfig(["setup/lists.json", "setup/more"], {
        resources: [resource("digdir-stack")],
        accessLists: [{ identifier: "digdir-a", name: "A" }],
      }),
      dir,
    );
    expect(config.resources.map((r) => r.identifier)).toStrictEqual([
      "digdir-stack",
      "digdir-from-a",
      "digdir-from-b",
    ]);
    expect(config.accessLists).toStrictEqual([
      { identifier: "digdir-a", name: "A", members: [], resources: [] },
      {
        identifier: "digdir-b",
        name: "B",
        members: ["991825827"],
        resources: [{ identifier: "digdir-stack" }],
      },
      { identifier: "digdir-d", name: "D", members: ["310000001"], resources: [] },
      { identifier: "digdir-c", name: "C", members: [], resources: [] },
    ]);
  });

  it("reads an absolute path inside the project directory, and an empty file as no entries", () => {
    const dir = directory({
      "setup/clients.yaml": stringify({
        maskinportenClients: [{ name: "sender", clientName: "Sender", description: "d" }],
        subscriptions: [{ name: "read", resource: "digdir-x", endPoint: "https://example.org/e" }],
      }),
      "setup/empty.yaml": "",
    });
    const config = loadStackConfig(
      stackConfig([join(dir, "setup", "clients.yaml"), "setup/empty.yaml"]),
      dir,
    );
    expect(config.maskinportenClients).toStrictEqual([
      { name: "sender", clientName: "Sender", description: "d", scopes: [], key: {} },
    ]);
    expect(config.subscriptions).toStrictEqual([
      { name: "read", resource: "digdir-x", endPoint: "https://example.org/e" },
    ]);
    expect(config.resources).toStrictEqual([]);
  });

  it("registers the included objects as it registers the stack file's own", async () => {
    const dir = directory({
      "setup/lists.yaml": stringify({
        accessLists: [
          {
            identifier: "digdir-mottakere",
            name: "Mottakere",
            members: ["991825827", "920000001"],
            resources: [{ identifier: "digdir-melding" }],
          },
        ],
      }),
    });
    const registered = await registeredResources(
      { ...stackConfig(["setup/lists.yaml"], { resources: [resource("digdir-melding")] }) },
      dir,
    );
    expect(registered.map((r) => `${r.type.split(":").pop()} ${r.name}`)).toStrictEqual([
      "ServiceOwnerSetup mock-org",
      "ServiceOwnerPreflight digdir-preflight",
      "AltinnResource digdir-melding",
      "AccessList digdir-mottakere",
    ]);
    expect(registered.find((r) => r.name === "digdir-mottakere")!.inputs).toStrictEqual({
      owner: "digdir",
      identifier: "digdir-mottakere",
      name: "Mottakere",
      members: ["991825827", "920000001"],
      resources: [{ identifier: "digdir-melding" }],
    });
  });

  it("names the included file in a preview warning about an entry of it", () => {
    const dir = directory({
      "setup/resources.yaml": stringify({ resources: [resource("brg-melding")] }),
    });
    const config = loadStackConfig(
      stackConfig(["setup/resources.yaml"], { resources: [resource("other-melding")] }),
      dir,
    );
    expect(configWarnings(config)).toStrictEqual([
      'altinn-iac:resources.0.identifier: "other-melding" does not start with "digdir-" or "digdir_": Altinn Studio only shows and publishes the org\'s resources with that prefix, so Studio users will not see this one',
      'setup/resources.yaml: resources.0.identifier: "brg-melding" does not start with "digdir-" or "digdir_": Altinn Studio only shows and publishes the org\'s resources with that prefix, so Studio users will not see this one',
    ]);
  });
});

const OUTSIDE = directory({ "shared.yaml": stringify({ resources: [] }) });
const TOO_LONG =
  "the value is 200000 characters long, more than the 10000 allowed: shorten it (was a file pasted in by mistake?)";
const ONLY =
  "an included file holds only resources, accessLists, maskinportenClients, maskinportenClientKeys, subscriptions";

/**
 * Broken includes: the files of the project directory, the config, and the exact message (given
 * the project directory), each stopping the program before any resource is registered.
 */
const broken: Array<
  [string, Record<string, string>, Record<string, string>, (dir: string) => string]
> = [
  [
    "an include that is not a list",
    { "setup.yaml": "" },
    stackConfig("setup.yaml"),
    () =>
      '  altinn-iac:include: a list of files or directories inside the project directory, such as [setup/resources.yaml, setup/access-lists] (got "setup.yaml")',
  ],
  [
    "a path that is not text",
    {},
    stackConfig([42]),
    () =>
      "  altinn-iac:include.0: a path relative to the project directory, such as setup/resources.yaml (got 42)",
  ],
  [
    "a huge path",
    {},
    stackConfig([`${"x".repeat(200_000)}.yaml`]),
    () =>
      `  altinn-iac:include.0: the value is 200005 characters long, more than the 10000 allowed: shorten it (was a file pasted in by mistake?)`,
  ],
  [
    "a missing file",
    { "setup/resources.yaml": "" },
    stackConfig(["setup/resources.yaml", "setup/lists.yaml"]),
    (dir) =>
      `  altinn-iac:include.1: "setup/lists.yaml" does not exist in the project directory (${dir}): create it, or fix the path (paths are relative to the directory of Pulumi.yaml)`,
  ],
  [
    "a path leaving the project directory",
    {},
    stackConfig([`../${OUTSIDE.split("/").pop()}/shared.yaml`]),
    (dir) =>
      `  altinn-iac:include.0: "../${OUTSIDE.split("/").pop()}/shared.yaml" is outside the project directory (${dir}): include files inside it, next to Pulumi.yaml, so they are reviewed and versioned with the stack file`,
  ],
  [
    "an absolute path outside the project directory",
    {},
    stackConfig([join(OUTSIDE, "shared.yaml")]),
    (dir) =>
      `  altinn-iac:include.0: "${join(OUTSIDE, "shared.yaml")}" is outside the project directory (${dir}): include files inside it, next to Pulumi.yaml, so they are reviewed and versioned with the stack file`,
  ],
  [
    "a file that is not YAML or JSON",
    { "setup/resources.txt": "resources: []\n" },
    stackConfig(["setup/resources.txt"]),
    () =>
      '  altinn-iac:include.0: "setup/resources.txt" is not a YAML or JSON file: include .yaml, .yml or .json files, or a directory of them',
  ],
  [
    "a directory without a setup file",
    { "setup/README.md": "# setup\n" },
    stackConfig(["setup"]),
    () =>
      '  altinn-iac:include.0: the directory "setup" holds no .yaml, .yml or .json file: put the setup files directly in it, or remove it from the list',
  ],
  [
    "a file included twice, by name and by its directory",
    { "setup/lists.yaml": "" },
    stackConfig(["setup/lists.yaml", "setup/"]),
    () =>
      "  altinn-iac:include.1: setup/lists.yaml is already included by altinn-iac:include.0: list each file once, or its entries are declared twice",
  ],
  [
    "a YAML file that does not parse",
    { "setup/resources.yaml": "resources:\n  - identifier: digdir-x\n\ttitle: T\n" },
    stackConfig(["setup/resources.yaml"]),
    () =>
      "  setup/resources.yaml: not valid YAML (line 3, column 1): Tabs are not allowed as indentation",
  ],
  [
    "a JSON file that does not parse",
    { "setup/lists.json": '{ "accessLists": [ }' },
    stackConfig(["setup/lists.json"]),
    () =>
      `  setup/lists.json: not valid JSON: Unexpected token '}', "{ "accessLists": [ }" is not valid JSON`,
  ],
  [
    "a file that is a list",
    { "setup/resources.yaml": stringify([resource("digdir-x")]) },
    stackConfig(["setup/resources.yaml"]),
    () =>
      '  setup/resources.yaml: the file holds a list: it holds a mapping of collections, such as "resources: [...]" (resources, accessLists, maskinportenClients, maskinportenClientKeys, subscriptions)',
  ],
  [
    "the org in an included file",
    { "setup/org.yaml": stringify({ org: { code: "digdir", number: "991825827" } }) },
    stackConfig(["setup/org.yaml"]),
    () =>
      `  setup/org.yaml: org: belongs in the stack file (Pulumi.<stack>.yaml) as altinn-iac:org: ${ONLY}`,
  ],
  [
    "an include in an included file",
    { "setup/a.yaml": stringify({ include: ["setup/b.yaml"] }) },
    stackConfig(["setup/a.yaml"]),
    () =>
      `  setup/a.yaml: include: belongs in the stack file (Pulumi.<stack>.yaml) as altinn-iac:include: ${ONLY}`,
  ],
  [
    "a private key in an included file",
    {
      "setup/keys.yaml": stringify({
        maskinportenPrivateKey: "-----BEGIN PRIVATE KEY-----\nMIIEvQ\n-----END PRIVATE KEY-----",
      }),
    },
    stackConfig(["setup/keys.yaml"]),
    () =>
      "  setup/keys.yaml: maskinportenPrivateKey: a secret never goes in a plain file: remove it from the file (and replace the secret if the file was ever committed) and set it in the stack with pulumi config set --secret altinn-iac:maskinportenPrivateKey",
  ],
  [
    "a collection with the namespace",
    { "setup/resources.yaml": stringify({ "altinn-iac:resources": [] }) },
    stackConfig(["setup/resources.yaml"]),
    () =>
      "  setup/resources.yaml: altinn-iac:resources: write the key without the namespace, as resources",
  ],
  [
    "a misspelled collection",
    { "setup/lists.yaml": stringify({ accesLists: [] }) },
    stackConfig(["setup/lists.yaml"]),
    () => '  setup/lists.yaml: accesLists: unknown key: did you mean "accessLists"?',
  ],
  [
    "a collection that is not a list",
    { "setup/resources.yaml": stringify({ resources: resource("digdir-x") }) },
    stackConfig(["setup/resources.yaml"]),
    () =>
      "  setup/resources.yaml: resources: a list of entries, as under altinn-iac:resources in the stack file (got a mapping)",
  ],
  [
    "a huge title in an included file",
    {
      "setup/resources.yaml": stringify({
        resources: [{ ...resource("digdir-x"), title: { nb: "x".repeat(200_000) } }],
      }),
    },
    stackConfig(["setup/resources.yaml"]),
    () => `  setup/resources.yaml: resources.0.title.nb: ${TOO_LONG}`,
  ],
  [
    "a title without nynorsk in the fourth resource of an included file",
    {
      "setup/resources.yaml": stringify({
        resources: [
          resource("digdir-a"),
          resource("digdir-b"),
          resource("digdir-c"),
          { ...resource("digdir-d"), title: { nb: "T", en: "T" } },
        ],
      }),
    },
    stackConfig(["setup/resources.yaml"], { resources: [resource("digdir-melding")] }),
    () =>
      "  setup/resources.yaml: resources.3.title.nn: missing title in nynorsk (nn): the Resource Registry requires nb, nn and en",
  ],
  [
    "a misspelled property of an included access list",
    {
      "setup/lists.yaml": stringify({
        accessLists: [{ identifier: "x-list", name: "n", member: [] }],
      }),
    },
    stackConfig(["setup/lists.yaml"]),
    () =>
      '  setup/lists.yaml: accessLists.0.member: unknown property "member": did you mean "members"?',
  ],
  [
    "an included access list without a name",
    { "setup/lists.yaml": stringify({ accessLists: [{ identifier: "x-list" }] }) },
    stackConfig(["setup/lists.yaml"], { accessLists: [{ identifier: "y-list", name: "Y" }] }),
    () => "  setup/lists.yaml: accessLists.0.name: required: the display name",
  ],
  [
    "an included member that is not one",
    {
      "setup/lists.yaml": stringify({
        accessLists: [{ identifier: "x-list", name: "n", members: ["991825827", "12345"] }],
      }),
    },
    stackConfig(["setup/lists.yaml"]),
    () =>
      '  setup/lists.yaml: accessLists.0.members.1: "12345" is not a member: use an organisation number (9 digits, such as "991825827") or a party URN "urn:altinn:party:uuid:<uuid>"',
  ],
  [
    "the same resource in the stack file and an included file",
    { "setup/resources.yaml": stringify({ resources: [resource("digdir-melding")] }) },
    stackConfig(["setup/resources.yaml"], { resources: [resource("digdir-melding")] }),
    () =>
      '  altinn-iac:resources: the identifier "digdir-melding" is declared twice (at altinn-iac:resources.0 and setup/resources.yaml: resources.0): each resource needs its own identifier',
  ],
  [
    "the same access list in two included files",
    {
      "setup/a.yaml": stringify({ accessLists: [{ identifier: "x-list", name: "A" }] }),
      "setup/b.yaml": stringify({
        accessLists: [
          { identifier: "y-list", name: "Y" },
          { identifier: "x-list", name: "B" },
        ],
      }),
    },
    stackConfig(["setup"]),
    () =>
      '  altinn-iac:accessLists: the identifier "x-list" is declared twice (at setup/a.yaml: accessLists.0 and setup/b.yaml: accessLists.1): each access list needs its own identifier',
  ],
  [
    "one client name in the stack file and an included file",
    {
      "setup/clients.yaml": stringify({
        maskinportenClients: [{ name: "sender", clientName: "B", description: "d" }],
      }),
    },
    stackConfig(["setup/clients.yaml"], {
      maskinportenClients: [{ name: "sender", clientName: "A", description: "d" }],
    }),
    () =>
      '  altinn-iac:maskinportenClients: each Maskinporten client needs its own name: "sender" is declared twice (at altinn-iac:maskinportenClients.0 and setup/clients.yaml: maskinportenClients.0)',
  ],
  [
    "an included list connected to an undeclared resource",
    {
      "setup/lists.yaml": stringify({
        accessLists: [
          { identifier: "x-list", name: "n", resources: [{ identifier: "digdir-annen" }] },
        ],
      }),
    },
    stackConfig(["setup/lists.yaml"], { resources: [resource("digdir-melding")] }),
    () =>
      "  setup/lists.yaml: accessLists.0.resources.0.identifier: \"digdir-annen\" is not one of this stack's resources (digdir-melding): the Resource Registry only connects lists to the owner's own resources, so declare it under altinn-iac:resources",
  ],
];

describe("loadStackConfig with a broken include", () => {
  it.each(broken)("rejects %s with its own message", (_name, files, config, message) => {
    const dir = directory(files);
    expect(messageOf(() => loadStackConfig(config, dir))).toBe(
      `the stack config is invalid:\n${message(dir)}`,
    );
  });

  it("rejects a symbolic link that leads outside the project directory", () => {
    const dir = directory({});
    mkdirSync(join(dir, "setup"));
    symlinkSync(join(OUTSIDE, "shared.yaml"), join(dir, "setup", "shared.yaml"));
    expect(messageOf(() => loadStackConfig(stackConfig(["setup/shared.yaml"]), dir))).toBe(
      `the stack config is invalid:\n  altinn-iac:include.0: "setup/shared.yaml" leads outside the project directory (to ${join(OUTSIDE, "shared.yaml")}): include files inside it, next to Pulumi.yaml, so they are reviewed and versioned with the stack file`,
    );
  });

  it("lists the stack file's problems with the included files' problems", () => {
    const dir = directory({ "setup/lists.yaml": stringify({ org: {} }) });
    expect(
      messageOf(() =>
        loadStackConfig(
          { ...stackConfig(["setup/lists.yaml", "setup/gone.yaml"]), "altinn-iac:resource": "[]" },
          dir,
        ),
      ),
    ).toBe(
      [
        "the stack config is invalid:",
        '  altinn-iac:resource: unknown key: did you mean "resources"?',
        `  altinn-iac:include.1: "setup/gone.yaml" does not exist in the project directory (${dir}): create it, or fix the path (paths are relative to the directory of Pulumi.yaml)`,
        `  setup/lists.yaml: org: belongs in the stack file (Pulumi.<stack>.yaml) as altinn-iac:org: ${ONLY}`,
      ].join("\n"),
    );
  });

  it("never repeats a secret found in an included file", () => {
    const secret = "-----BEGIN PRIVATE KEY-----\nMIIEvQ\n-----END PRIVATE KEY-----";
    const dir = directory({
      "setup/keys.yaml": stringify({ selfServicePrivateKey: secret, resources: "oops" }),
    });
    const message = messageOf(() => loadStackConfig(stackConfig(["setup/keys.yaml"]), dir));
    expect(message).toContain("selfServicePrivateKey: a secret never goes in a plain file");
    expect(message).not.toContain("MIIEvQ");
  });

  it.each([
    "a missing file",
    "a YAML file that does not parse",
    "a title without nynorsk in the fourth resource of an included file",
    "the same resource in the stack file and an included file",
  ])("stops the program at %s before any resource is registered", async (name) => {
    const [, files, config, message] = broken.find(([caseName]) => caseName === name)!;
    const dir = directory(files);
    await expect(registeredResources(config, dir)).rejects.toThrow(message(dir));
  });
});
