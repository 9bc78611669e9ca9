import { lifecycle } from "../lib/lifecycle";
import {
  MASKINPORTEN_CLIENT_REPLACE_ON,
  maskinportenClientInputsSchema,
  type MaskinportenClientInputs,
} from "./schema";

export const clientLifecycle = lifecycle<MaskinportenClientInputs>({
  schema: maskinportenClientInputsSchema,
  replaceOn: MASKINPORTEN_CLIENT_REPLACE_ON,
  // The key of an adopted client: another id is another client (diff), the same one no change.
  createOnly: ["clientId"],
});
