import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { correspondencePolicy } from "../../policies/templates";
import { mergeSetup, type MergeOptions } from "../../program/export-merge";
import type { ExportResult } from "../../program/export-setup";
import type { IncludedFile } from "../../program/include";

/**
 * Export into a stack file that already declares objects (the demo's own Pulumi.local.yaml): live
 * objects are matched to declared ones by natural key, the declared ones keep their names, form
 * and comments, only what is live and not declared is added, and differences are a review list
 * unless --overwrite-differences. What this does not prove: reading the live setup and what up
 * does next (test/e2e/export-merge.e2e.test.ts).
 */

const DEMO = readFileSync(join(__dirname, "..", "..", "Pulumi.local.yaml"), "utf8");
const RESOURCE = "digdir-iac-demo-melding";
const LIST = "digdir-demo-mottakere";

/** The template's policy as export writes it: rules where the model holds them. */
const livePolicy = JSON.parse(
  JSON.stringify(
    correspondencePolicy("digdir", {
      recipients: { roles: ["DAGL"], accessPackages: ["ordinaer-post-til-virksomheten"] },
      authenticationLevel: 3,
    }),
  ),
) as Record<string, unknown>;

/** What export reads after the demo's up: the declared setup as the providers left it. */
function demoLive(): ExportResult {
  const resource = {
    identifier: RESOURCE,
    title: {
      nb: "Demomelding fra altinn-iac",
      nn: "Demomelding frå altinn-iac",
      en: "altinn-iac demo message",
    },
    description: {
      nb: "Meldinger sendt av demo-oppsettet til altinn-iac.",
      nn: "Meldingar sende av demo-oppsettet til altinn-iac.",
      en: "Messages sent by the altinn-iac demo setup.",
    },
    rightDescription: {
      nb: "Gir tilgang til å lese demomeldinger.",
      nn: "Gir tilgang til å lese demomeldingar.",
      en: "Grants access to read demo messages.",
    },
    resourceType: "CorrespondenceService",
    contactPoints: [
      { category: "Support", email: "servicedesk@example.org", telephone: "", contactPage: "" },
    ],
    status: "Completed",
    delegable: true,
    visible: true,
    accessListMode: "Enabled",
    selfIdentifiedUserEnabled: false,
    enterpriseUserEnabled: false,
    availableForType: ["Company"],
    keywords: [],
    resourceReferences: [],
    policy: livePolicy,
    adopt: true,
  };
  const list = {
    identifier: LIST,
    name: "Demo recipients",
    description: "Organisations that receive the altinn-iac demo messages",
    members: ["310654321", "311987654"],
    resources: [{ identifier: RESOURCE, actionFilters: ["read", "subscribe"] }],
    adopt: true,
  };
  const client = {
    name: "altinn-iac-demo-melding-sender",
    clientName: "altinn-iac demo melding sender",
    description: "Sends the demo messages of the altinn-iac local stack",
    scopes: ["altinn:correspondence.write", "altinn:events.subscribe", "altinn:serviceowner"],
    clientId: "c-1",
    key: { publicJwk: { kty: "RSA", kid: "k-1" } },
  };
  const subscription = {
    name: "digdir-iac-demo-melding-events",
    resource: RESOURCE,
    endPoint: "http://127.0.0.1:5055/webhooks/demo-melding",
  };
  return {
    setup: {
      resources: [resource],
      accessLists: [list],
      maskinportenClients: [client],
      subscriptions: [subscription],
    },
    notes: [],
    entryNotes: new Map(),
    memberKeys: new Map([
      [
        LIST,
        [
          ["310654321", "urn:altinn:party:uuid:00000000-0000-4000-8000-000000000001"],
          ["311987654"],
        ],
      ],
    ]),
    subscriptionIds: new Map([[subscription, "1"]]),
  };
}

const options = (overrides: Partial<MergeOptions> = {}): MergeOptions => ({
  org: { code: "digdir", number: "991825827" },
  overwriteDifferences: false,
  managed: {
    clients: new Map([["melding-sender", "c-1"]]),
    subscriptions: new Map([["demo-melding-events", "1"]]),
  },
  ...overrides,
});

const configOf = (text: string) => (parse(text) as { config: Record<string, unknown> }).config;

describe("mergeSetup", () => {
  it("leaves the demo's stack file byte for byte as it is when the live setup is as declared", () => {
    const result = mergeSetup(DEMO, demoLive(), [], options());
    expect(result).toStrictEqual({
      text: DEMO,
      added: [],
      kept: 4,
      differences: [],
      overwritten: [],
      notes: [],
    });
  });

  it("adds what is live and not declared at the end of its collection, with a name no declared entry has, and keeps every declared entry, comment and template", () => {
    const live = demoLive();
    const extraList = {
      identifier: "digdir-studio-liste",
      name: "Made in Studio",
      members: ["312000001"],
      resources: [],
      adopt: true,
    };
    const extraSubscription = {
      name: "demo-melding-events",
      resource: RESOURCE,
      endPoint: "https://receiver.example.org/events",
    };
    live.setup.accessLists.push(extraList);
    live.setup.subscriptions.push(extraSubscription);
    live.entryNotes.set(extraList, ["access list digdir/digdir-studio-liste: a note about it"]);
    live.subscriptionIds.set(extraSubscription, "7");
    const result = mergeSetup(DEMO, live, [], options());
    expect(result.added).toStrictEqual([
      "access list digdir-studio-liste as altinn-iac:accessLists.1",
      `the subscription of ${RESOURCE} to https://receiver.example.org/events as altinn-iac:subscriptions.1`,
    ]);
    expect(result.notes).toStrictEqual(["access list digdir/digdir-studio-liste: a note about it"]);
    expect(result.differences).toStrictEqual([]);
    const before = configOf(DEMO);
    expect(configOf(result.text)).toStrictEqual({
      ...before,
      "altinn-iac:accessLists": [...(before["altinn-iac:accessLists"] as unknown[]), extraList],
      "altinn-iac:subscriptions": [
        ...(before["altinn-iac:subscriptions"] as unknown[]),
        { ...extraSubscription, name: "demo-melding-events-2" },
      ],
    });
    // Only lines were added: every line of the demo file is still there, in order.
    const lines = result.text.split("\n");
    let at = 0;
    for (const line of DEMO.split("\n")) {
      at = lines.indexOf(line, at);
      expect(at).toBeGreaterThanOrEqual(0);
    }
    expect(result.text).toContain(
      "      # Only organisations on the demo recipient list may read, switched on after the list exists.\n      accessListMode: Enabled\n      policy:\n        template: correspondence\n",
    );
  });

  it("reports what differs as a review list and leaves the stack file as it is", () => {
    const live = demoLive();
    const resource = live.setup.resources[0]!;
    resource.title = { ...(resource.title as object), en: "Demo message" };
    resource.policy = JSON.parse(
      JSON.stringify(
        correspondencePolicy("digdir", { recipients: { roles: ["DAGL"] }, authenticationLevel: 2 }),
      ),
    ) as Record<string, unknown>;
    live.setup.accessLists[0]!.members = ["311987654", "312000009"];
    live.memberKeys.set(LIST, [["311987654"], ["312000009"]]);
    live.setup.maskinportenClients![0]!.scopes = ["altinn:serviceowner"];
    const result = mergeSetup(DEMO, live, [], options());
    expect(result.text).toBe(DEMO);
    expect(result.added).toStrictEqual([]);
    expect(result.differences).toStrictEqual([
      'altinn-iac:resources.0.title: declared {"nb":"Demomelding fra altinn-iac","nn":"Demomelding frå altinn-iac","en":"altinn-iac demo message"}, live {"nb":"Demomelding fra altinn-iac","nn":"Demomelding frå altinn-iac","en":"Demo message"}',
      "altinn-iac:resources.0.policy: the live policy means something else than the declared one: declared role DAGL or access package ordinaer-post-til-virksomheten may read; service owner digdir may write and subscribe; users must log in with authentication level 3 or higher; live role DAGL may read; service owner digdir may write and subscribe; users must log in with authentication level 2 or higher",
      "altinn-iac:accessLists.0.members: declared but not live: 310654321; live but not declared: 312000009",
      'altinn-iac:maskinportenClients.0.scopes: declared ["altinn:correspondence.write","altinn:events.subscribe","altinn:serviceowner"], live ["altinn:serviceowner"]',
    ]);
  });

  it("with overwriteDifferences writes the live values over the declared ones, keeping names, comments and the list's flow style", () => {
    const live = demoLive();
    live.setup.accessLists[0]!.members = ["310654321", "312000009"];
    live.memberKeys.set(LIST, [["310654321"], ["312000009"]]);
    live.setup.accessLists[0]!.name = "Demo-mottakere";
    const result = mergeSetup(DEMO, live, [], options({ overwriteDifferences: true }));
    expect(result.differences).toStrictEqual([]);
    expect(result.overwritten).toStrictEqual([
      'altinn-iac:accessLists.0.name: declared "Demo recipients", live "Demo-mottakere"',
      "altinn-iac:accessLists.0.members: declared but not live: 311987654; live but not declared: 312000009",
    ]);
    expect(result.text).toBe(
      DEMO.replace("name: Demo recipients", "name: Demo-mottakere").replace(
        'members: ["310654321", "311987654"]',
        'members: ["310654321", "312000009"]',
      ),
    );
  });

  it("matches a client by the client_id the stack's state holds, whatever its name, and a party uuid member by its organisation number", () => {
    const live = demoLive();
    const client = live.setup.maskinportenClients![0]!;
    client.clientName = "renamed in Samarbeidsportalen";
    const result = mergeSetup(
      DEMO.replace(
        'members: ["310654321", "311987654"]',
        'members: ["urn:altinn:party:uuid:00000000-0000-4000-8000-000000000001", "311987654"]',
      ),
      live,
      [],
      options(),
    );
    expect(result.added).toStrictEqual([]);
    expect(result.differences).toStrictEqual([
      'altinn-iac:maskinportenClients.0.clientName: declared "altinn-iac demo melding sender", live "renamed in Samarbeidsportalen"',
    ]);
  });

  it("says how to adopt a live client that has a declared client's name when the stack's state does not hold it", () => {
    const result = mergeSetup(
      DEMO,
      demoLive(),
      [],
      options({ managed: { clients: new Map(), subscriptions: new Map() } }),
    );
    expect(result.added).toStrictEqual([]);
    expect(result.differences).toStrictEqual([
      "altinn-iac:maskinportenClients.0.clientId: the live client c-1 has this clientName and this stack's state does not hold it: set clientId: c-1 to adopt it rather than make a second client",
    ]);
    const overwritten = mergeSetup(
      DEMO,
      demoLive(),
      [],
      options({
        overwriteDifferences: true,
        managed: { clients: new Map(), subscriptions: new Map() },
      }),
    );
    expect(
      (
        configOf(overwritten.text)["altinn-iac:maskinportenClients"] as Array<{ clientId?: string }>
      )[0]!.clientId,
    ).toBe("c-1");
  });

  it("leaves what included files declare to them, reporting their differences without writing them, and lists declared objects that are not live", () => {
    const live = demoLive();
    const studio = {
      identifier: "digdir-studio",
      name: "Studio",
      members: ["312000001"],
      resources: [],
      adopt: true,
    };
    live.setup.accessLists.push(studio);
    live.setup.subscriptions = [];
    const files: IncludedFile[] = [
      {
        path: "setup/lists.yaml",
        entries: { accessLists: [{ identifier: "digdir-studio", name: "Studio", members: [] }] },
      },
    ];
    const result = mergeSetup(DEMO, live, files, options());
    expect(result.text).toBe(DEMO);
    expect(result.kept).toBe(4);
    expect(result.differences).toStrictEqual([
      "setup/lists.yaml: accessLists.0.members: live but not declared: 312000001 (in an included file: export does not write it)",
      "altinn-iac:subscriptions.0: declared but not found live: up creates it",
    ]);
  });

  it("matches a subscription by endpoint and filters in the form Events stores them", () => {
    const live = demoLive();
    const subscription = live.setup.subscriptions[0]!;
    live.subscriptionIds.set(subscription, "3");
    subscription.endPoint = "https://receiver.example.org/";
    const declared = DEMO.replace(
      "endPoint: http://127.0.0.1:5055/webhooks/demo-melding",
      "endPoint: https://Receiver.Example.org:443",
    );
    const result = mergeSetup(
      declared,
      live,
      [],
      options({
        managed: { clients: new Map([["melding-sender", "c-1"]]), subscriptions: new Map() },
      }),
    );
    expect(result).toMatchObject({ text: declared, added: [], kept: 4, differences: [] });
  });

  it("adds a second live client with a declared client's name, and says it may be a twin", () => {
    const live = demoLive();
    const twin = { ...live.setup.maskinportenClients![0]!, clientId: "c-0", key: undefined };
    live.setup.maskinportenClients!.unshift(twin);
    const result = mergeSetup(DEMO, live, [], options());
    expect(result.added).toStrictEqual([
      'client c-0 ("altinn-iac demo melding sender") as altinn-iac:maskinportenClients.1',
    ]);
    expect(result.notes).toStrictEqual([
      "client c-0 has the clientName of altinn-iac:maskinportenClients.0, which is another live client: if it is a twin an interrupted create left, delete it (in Samarbeidsportalen, or by removing its new entry after the next up)",
    ]);
    expect(result.differences).toStrictEqual([]);
  });

  it("does not add back what was removed from the stack file while the stack still manages it, and says up deletes it", () => {
    const live = demoLive();
    const text = DEMO.replace(
      "          actionFilters: [read, subscribe]\n",
      "          actionFilters: [read, subscribe]\n    - identifier: digdir-ny-liste\n      name: Ny\n",
    ).replace(
      / {4}- identifier: digdir-demo-mottakere[\s\S]*?(?= {4}- identifier: digdir-ny-liste)/,
      "",
    );
    const result = mergeSetup(
      text,
      live,
      [],
      options({
        managed: {
          clients: new Map([["melding-sender", "c-1"]]),
          subscriptions: new Map([["demo-melding-events", "1"]]),
          accessLists: new Set([LIST]),
        },
      }),
    );
    expect(result.text).toBe(text);
    expect(result.added).toStrictEqual([]);
    expect(result.differences).toStrictEqual([
      `access list ${LIST} is not declared, but this stack manages it: the next up deletes it (declare it again to keep it)`,
      "altinn-iac:accessLists.0: declared but not found live: up creates it",
    ]);
  });

  it("never adds a client whose key set the stack declares under maskinportenClientKeys", () => {
    const live = demoLive();
    live.setup.maskinportenClients!.push({
      name: "portal",
      clientName: "Portal",
      description: "d",
      scopes: [],
      clientId: "c-9",
    });
    const text = `${DEMO}\n`.replace(
      "  altinn-iac:verification:",
      "  altinn-iac:maskinportenClientKeys:\n    - name: portal-keys\n      clientId: c-9\n  altinn-iac:verification:",
    );
    const result = mergeSetup(text, live, [], options());
    expect(result).toMatchObject({ text, added: [], kept: 5, differences: [] });
  });
});
