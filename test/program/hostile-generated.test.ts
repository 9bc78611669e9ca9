import fc from "fast-check";
import { loadStackConfig } from "../../program/config";
import {
  hostFinding,
  hostileValues,
  simulatorAdminProblem,
  unsafeTextProblem,
} from "../../providers/lib/hostile";

/**
 * The generated half of the hostile-input corpus (issue 21): random Unicode, control and bidi
 * characters, prototype keys and URL tricks put into every string field of a full stack config,
 * checked in-process (loadStackConfig is what stands before any resource is registered; the
 * real-engine cases in test/e2e/security.e2e.test.ts prove a refusal there writes nothing).
 * Each value is refused with a message that names a key path and shows no hidden character, or
 * accepted as harmless: no prototype key, no hidden character, no look-alike host, no admin URL.
 */

const resource = {
  identifier: "digdir-melding",
  title: { nb: "Melding", nn: "Melding", en: "Message" },
  description: { nb: "Meldinger", nn: "Meldingar", en: "Messages" },
  rightDescription: { nb: "Lese", nn: "Lese", en: "Read" },
  contactPoints: [
    { category: "Support", email: "a@example.org", contactPage: "https://example.org/kontakt" },
  ],
  homepage: "https://example.org/",
  policy: {
    rules: [
      { subjects: [{ role: "DAGL" }], actions: ["read"] },
      { subjects: [{ org: "digdir" }], actions: ["write", "subscribe"] },
    ],
    authenticationLevel: 3,
  },
};
const full: Record<string, unknown> = {
  environment: "local",
  org: { code: "digdir", number: "991825827" },
  resources: [resource],
  accessLists: [
    {
      identifier: "digdir-mottakere",
      name: "Mottakere",
      description: "Mottakere av meldinger",
      members: ["310654321", "urn:altinn:party:uuid:1b8a4c5e-2f0a-4d7e-9a51-3c2b1d0e9f88"],
      resources: [{ identifier: "digdir-melding", actionFilters: ["read"] }],
    },
  ],
  maskinportenClients: [
    {
      name: "melding-sender",
      clientName: "digdir melding sender",
      description: "Sender meldinger",
      scopes: ["altinn:serviceowner", "altinn:correspondence.write"],
    },
  ],
  maskinportenClientKeys: [{ name: "annen-klient", clientId: "a1b2c3d4-client" }],
  subscriptions: [
    {
      name: "melding-events",
      resource: "digdir-melding",
      endPoint: "https://example.org/altinn/events",
      typeFilter: "app.correspondence.published",
      subjectFilter: "urn:altinn:organization:identifier-no:310654321",
    },
  ],
  verification: { client: "melding-sender", resource: "digdir-melding", recipient: "310654321" },
};

type Path = Array<string | number>;

/** The path of every string in a value, and of every object (where a key can be added). */
function paths(value: unknown, path: Path = []): { strings: Path[]; objects: Path[] } {
  if (typeof value === "string") return { strings: [path], objects: [] };
  const found = { strings: [] as Path[], objects: [] as Path[] };
  const children: Array<[string | number, unknown]> = Array.isArray(value)
    ? value.map((item, i) => [i, item])
    : value && typeof value === "object"
      ? Object.entries(value)
      : [];
  if (value && typeof value === "object" && !Array.isArray(value) && path.length > 0) {
    found.objects.push(path);
  }
  for (const [key, child] of children) {
    const inner = paths(child, [...path, key]);
    found.strings.push(...inner.strings);
    found.objects.push(...inner.objects);
  }
  return found;
}
const { strings, objects } = paths(full);

function withValue(path: Path, value: unknown): Record<string, unknown> {
  const copy = structuredClone(full);
  let parent = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  parent[path.at(-1)!] = value;
  return copy;
}

function withKey(path: Path, key: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(full);
  let target = copy as Record<string | number, unknown>;
  for (const segment of path) target = target[segment] as Record<string | number, unknown>;
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return copy;
}

/** The config as the engine hands it to the program. */
function engineConfig(values: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values).map(([key, value]) => [
      `altinn-iac:${key}`,
      typeof value === "string" ? value : JSON.stringify(value),
    ]),
  );
}

const HIDDEN = [
  "\u0000",
  "\u0007",
  "\u001b",
  "\u007f",
  "\u0085",
  "\u061c",
  "\u200e",
  "\u200f",
  "\u202a",
  "\u202e",
  "\u2066",
  "\u2069",
  "\ud800",
  "\udfff",
];
const RESERVED = ["__proto__", "constructor", "prototype"];
const URL_TRICKS = [
  "https://p\u0430ypal.com/events",
  "https://xn--pypal-4ve.com/events",
  "https://ex\u0430mple.org/",
  "http://127.0.0.1:5055/__admin/reset",
  "http://localhost:5055/%5F%5Fadmin/clock",
  "http://[::1]:5055/webhooks/../__admin/faults",
  "http://127.0.0.1.nip.io/events",
  "https://example.org@evil.example/",
  "javascript:alert(1)",
  "file:///etc/passwd",
  "../../__admin/reset",
  "digdir-melding?x=1#y",
  "%2e%2e%2f__admin",
  "310654321&x=1/../",
  "toString",
  "hasOwnProperty",
  ...RESERVED,
];

const hidden = fc
  .tuple(fc.string({ maxLength: 8 }), fc.constantFrom(...HIDDEN), fc.string({ maxLength: 8 }))
  .map(([a, c, b]) => `${a}${c}${b}`);
const anyText = fc.oneof(
  fc.string({ unit: "binary", maxLength: 24 }),
  fc.string({ unit: "grapheme", maxLength: 12 }),
  fc.constantFrom(...URL_TRICKS),
  hidden,
);

function attempt(values: Record<string, unknown>): { config?: unknown; message?: string } {
  try {
    return { config: loadStackConfig(engineConfig(values), process.cwd(), () => false) };
  } catch (error) {
    return { message: (error as Error).message };
  }
}

/** What an accepted config may not hold. */
function harmless(config: unknown): void {
  expect(hostileValues({ config })).toStrictEqual([]);
  const { strings: texts } = paths(config);
  for (const path of texts) {
    let value: unknown = config;
    for (const key of path) value = (value as Record<string | number, unknown>)[key];
    if (typeof value !== "string" || !/^https?:\/\//i.test(value)) continue;
    expect(hostFinding(value).problem).toBeUndefined();
    expect(simulatorAdminProblem(value)).toBeUndefined();
  }
  const c = config as Record<string, Array<Record<string, string>>>;
  const names = [
    ...c.resources!.map((r) => r.identifier),
    ...c.accessLists!.map((l) => l.identifier),
    ...c.maskinportenClients!.map((m) => m.name),
    ...c.maskinportenClientKeys!.map((k) => k.name),
    ...c.subscriptions!.flatMap((s) => [s.name, s.resource]),
  ];
  for (const name of names) expect(RESERVED).not.toContain(name);
}

function refusedWell(message: string): void {
  expect(message).toMatch(/^the stack config is invalid:\n {2}(altinn-iac:|\S+\.ya?ml: )/);
  expect(unsafeTextProblem(message)).toBeUndefined();
  expect(message).not.toMatch(/\n\s+at /);
}

describe("generated hostile values in every string field of a stack config", () => {
  afterEach(() => {
    expect(Object.keys(Object.prototype)).toStrictEqual([]);
    expect(({} as Record<string, unknown>).role).toBeUndefined();
  });

  it("accepts the full config the values are put into", () => {
    expect(attempt(full).message).toBeUndefined();
  });

  it("refuses a hidden character in any field, naming that field", () => {
    fc.assert(
      fc.property(fc.constantFrom(...strings), hidden, (path, value) => {
        const { message } = attempt(withValue(path, value));
        expect(message).toBeDefined();
        refusedWell(message!);
        expect(message).toContain(`altinn-iac:${path.join(".")}: contains U+`);
      }),
      { numRuns: 300 },
    );
  });

  it("refuses a prototype key added to any object, naming it", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...objects),
        fc.constantFrom(...RESERVED),
        fc.oneof(fc.constant({ role: "DAGL" }), fc.string({ maxLength: 8 })),
        (path, key, value) => {
          const { message } = attempt(withKey(path, key, value));
          expect(message).toBeDefined();
          refusedWell(message!);
          expect(message).toContain(`altinn-iac:${[...path, key].join(".")}: "${key}" is not`);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("refuses or harmlessly accepts random Unicode, URL tricks and prototype names anywhere", () => {
    const seen = { refused: 0, accepted: 0 };
    fc.assert(
      fc.property(fc.constantFrom(...strings), anyText, (path, value) => {
        const { config, message } = attempt(withValue(path, value));
        if (message !== undefined) refusedWell(message);
        else harmless(config);
        seen[message === undefined ? "accepted" : "refused"] += 1;
      }),
      { numRuns: 500 },
    );
    expect(seen.refused).toBeGreaterThan(50);
    expect(seen.accepted).toBeGreaterThan(50);
  });
});
