import { withoutIncluded, type ExportedSetup } from "../../program/export-setup";
import type { IncludedFile } from "../../program/include";

/**
 * Export into a stack that includes files: what the included files declare is left out of the
 * stack file (so nothing is declared twice), and an exported name an included entry already has
 * gets a suffix. What this does not prove: reading the live setup (test/e2e/export-adopt).
 */

const exported: ExportedSetup = {
  resources: [
    { identifier: "digdir-a", adopt: true },
    { identifier: "digdir-b", adopt: true },
  ],
  accessLists: [
    { identifier: "digdir-liste", name: "L", members: ["991825827"], resources: [], adopt: true },
  ],
  maskinportenClients: [
    { name: "sender", clientName: "Sender", description: "d", scopes: [], clientId: "c-1" },
    { name: "reader", clientName: "Reader", description: "d", scopes: [], clientId: "c-2" },
    { name: "audit", clientName: "Audit", description: "d", scopes: [], clientId: "c-3" },
  ],
  subscriptions: [
    { name: "digdir-a-events", resource: "digdir-a", endPoint: "https://example.org/a" },
    {
      name: "digdir-b-read",
      resource: "digdir-b",
      endPoint: "https://example.org/b",
      typeFilter: "app.instance.read",
    },
  ],
};

const files: IncludedFile[] = [
  {
    path: "setup/resources.yaml",
    entries: { resources: [{ identifier: "digdir-b" }] },
  },
  {
    path: "setup/rest.yaml",
    entries: {
      accessLists: [{ identifier: "digdir-liste", name: "L" }],
      maskinportenClients: [
        // Made by the stack (no clientId): the same client by its name in Samarbeidsportalen.
        { name: "melding-sender", clientName: "Sender", description: "d" },
        // Adopted: the same client only by client_id, whatever its name.
        { name: "other", clientName: "Reader", description: "d", clientId: "c-9" },
        { name: "audit", clientName: "Revisjon", description: "d", clientId: "c-4" },
      ],
      subscriptions: [
        { name: "digdir-a-events", resource: "digdir-a", endPoint: "https://example.org/other" },
        {
          name: "read",
          resource: "digdir-b",
          endPoint: "https://example.org/b",
          typeFilter: "app.instance.read",
        },
      ],
    },
  },
];

describe("withoutIncluded", () => {
  it("leaves out what the included files declare and renames an exported name they already use", () => {
    const result = withoutIncluded(exported, files);
    expect(result.setup).toStrictEqual({
      resources: [{ identifier: "digdir-a", adopt: true }],
      accessLists: [],
      maskinportenClients: [
        { name: "reader", clientName: "Reader", description: "d", scopes: [], clientId: "c-2" },
        { name: "audit-2", clientName: "Audit", description: "d", scopes: [], clientId: "c-3" },
      ],
      subscriptions: [
        { name: "digdir-a-events-2", resource: "digdir-a", endPoint: "https://example.org/a" },
      ],
    });
    expect(result.notes).toStrictEqual([
      "resource digdir-b is left out of the stack file: setup/resources.yaml (resources.0) declares it (give it adopt: true there if up should take over the live one as declared)",
      "access list digdir-liste is left out of the stack file: setup/rest.yaml (accessLists.0) declares it (give it adopt: true there if up should take over the live one as declared)",
      'client c-1 ("Sender") is left out of the stack file: setup/rest.yaml (maskinportenClients.0) declares it (set its clientId there if up should adopt this client)',
      'client c-3 ("Audit") is named audit-2: an included file has another entry named audit',
      "the subscription of digdir-a to https://example.org/a is named digdir-a-events-2: an included file has another entry named digdir-a-events",
      "the subscription of digdir-b to https://example.org/b is left out of the stack file: setup/rest.yaml (subscriptions.1) declares it",
    ]);
  });

  it("keeps the clients unread when the stack has no self-service admin client", () => {
    const { maskinportenClients: _clients, ...setup } = exported;
    expect(withoutIncluded(setup, files).setup).not.toHaveProperty("maskinportenClients");
  });

  it("changes nothing when the stack includes no files", () => {
    expect(withoutIncluded(exported, [])).toStrictEqual({ setup: exported, notes: [] });
  });
});
