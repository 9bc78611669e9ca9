/**
 * The engine floor of `npm run bench`: `altinn-iac-bench-floor:count` dynamic resources whose
 * provider does nothing, serialized by value as every dynamic provider is. What the engine, the
 * Node language host and the dynamic-provider process cost for that many objects, with no API
 * behind them; bench/run.ts runs the same operations on it as on the altinn-iac program.
 */
import * as pulumi from "@pulumi/pulumi";

const config = new pulumi.Config();
const count = config.requireNumber("count");
/** Which object carries the changed value, for the one-field change. */
const changed = config.getNumber("changed") ?? -1;

const nothing: pulumi.dynamic.ResourceProvider = {
  async create(inputs) {
    return { id: String(inputs.name), outs: inputs };
  },
  async diff(_id, olds, news) {
    return { changes: olds.value !== news.value };
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
  constructor(name: string, value: string) {
    super(nothing, name, { name, value }, {}, "floor", "Nothing");
  }
}

for (let i = 0; i < count; i++) {
  new Nothing(`nothing-${i}`, i === changed ? "changed" : "same");
}
