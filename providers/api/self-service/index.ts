/**
 * Digdir's self-service API for Maskinporten clients: the binding (service.ts), the models and
 * their schemas (model.ts), clients (clients.ts, create-client.ts), their keys (jwks.ts) and the
 * org's scope access (scope-access.ts).
 */
export * from "./clients";
export * from "./create-client";
export * from "./jwks";
export * from "./model";
export * from "./scope-access";
export { heldScopes, SELF_SERVICE_OPERATIONS, uncoveredOperations } from "./service";
