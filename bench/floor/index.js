// The engine floor of `npm run bench`: dynamic resources whose provider does nothing, serialized
// by value as every dynamic provider is. What the engine, the Node language host and the
// dynamic-provider process cost for these objects, with no API and no tool code behind them;
// bench/run.ts runs the same operations on it as on the altinn-iac program. Plain JavaScript, as
// the altinn-iac program runs compiled: loading a TypeScript compiler is no part of the floor.
//
// With `altinn-iac-bench-floor:setupFile` (the benchmark's included setup file), one resource per
// object of that setup, carrying the object's own declaration as its input: the same objects with
// the same data as the tool's. Without it, `altinn-iac-bench-floor:count` bare resources with one
// short input each (the "bare floor").
"use strict";
const { readFileSync } = require("node:fs");
const pulumi = require("@pulumi/pulumi");

const config = new pulumi.Config();

const nothing = {
  async create(inputs) {
    return { id: String(inputs.name), outs: inputs };
  },
  async diff(_id, olds, news) {
    return { changes: JSON.stringify(olds.value) !== JSON.stringify(news.value) };
  },
  async update(_id, _olds, news) {
    return { outs: news };
  },
  async read(id, props) {
    return { id, props };
  },
  async delete() {},
};

class Nothing extends pulumi.dynamic.Resource {
  constructor(name, value) {
    super(nothing, name, { name, value }, {}, "floor", "Nothing");
  }
}

/** Each object of the setup as the tool makes them: resource, policy, list, client, key, subscription. */
function objectsOf(setup) {
  const objects = [];
  for (const { policy, ...resource } of setup.resources ?? []) {
    objects.push([`resource-${String(resource.identifier)}`, resource]);
    if (policy !== undefined) objects.push([`policy-${String(resource.identifier)}`, policy]);
  }
  for (const list of setup.accessLists ?? [])
    objects.push([`list-${String(list.identifier)}`, list]);
  for (const client of setup.maskinportenClients ?? []) {
    objects.push([`client-${String(client.name)}`, client]);
    objects.push([`key-${String(client.name)}`, { client: client.name }]);
  }
  for (const subscription of setup.subscriptions ?? []) {
    objects.push([`subscription-${String(subscription.name)}`, subscription]);
  }
  return objects;
}

const setupFile = config.get("setupFile");
if (setupFile) {
  for (const [name, value] of objectsOf(JSON.parse(readFileSync(setupFile, "utf8")))) {
    new Nothing(name, value);
  }
} else {
  const count = config.requireNumber("count");
  /** Which object carries the changed value, for the one-field change. */
  const changed = config.getNumber("changed") ?? -1;
  for (let i = 0; i < count; i++) {
    new Nothing(`nothing-${i}`, i === changed ? "changed" : "same");
  }
}
