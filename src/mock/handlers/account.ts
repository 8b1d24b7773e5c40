/** Credits and API keys. */

import { conflict, forbidden, notFound } from "../primitives/masko-error.js";
import { type ApiKeyRecord, apiKeyRecord, generateApiKey, mayManageKeys } from "../rules/api-keys.js";
import { paginate } from "../rules/pagination.js";
import { isoNow, type OperationHandler, type OperationInput } from "../services.js";

/** The public view of a stored key: no hash, no key. */
export function presentKey(key: ApiKeyRecord, workspaceType: string) {
  return {
    id: key.id,
    name: key.name,
    display_hint: key.display_hint,
    workspace_id: key.workspace_id,
    workspace_type: workspaceType,
    created_at: key.created_at,
  };
}

function assertMayManageKeys({ caller, services }: Pick<OperationInput, "caller" | "services">) {
  if (!mayManageKeys(caller.user.role, caller.workspace.type, services.policies.keyPolicy)) {
    throw forbidden("Only owners and admins may manage organization API keys.");
  }
}

/** The credits answer of a workspace holding `balance`. */
function credits(workspace: { id: string; type: string }, balance: number) {
  return {
    status: 200,
    body: { data: { balance, workspace_id: workspace.id, workspace_type: workspace.type } },
  };
}

export const getCredits: OperationHandler<"getCredits"> = ({ caller, services }) => {
  // The balance read with the credentials (in the gate's one store step) is current, unless the gate has just
  // settled the workspace's jobs: a failed one was refunded since. Answered at once when there is nothing to read.
  if (!caller.openJobs) return credits(caller.workspace, caller.workspace.balance);
  return services.store
    .getWorkspace(caller.workspace.id)
    .then((workspace) => credits(caller.workspace, workspace?.balance ?? 0));
};

export const listApiKeys: OperationHandler<"listApiKeys"> = async ({ caller, services, query }) => {
  const keys = await services.store.listActiveApiKeys(caller.workspace.id);
  const page = paginate(keys, query);
  return { status: 200, body: { ...page, data: page.data.map((k) => presentKey(k, caller.workspace.type)) } };
};

export const createApiKey: OperationHandler<"createApiKey"> = async (input) => {
  const { caller, services } = input;
  const body = input.body;
  assertMayManageKeys(input);
  const policy = services.policies.keyPolicy;
  const raw = generateApiKey(policy);
  const record = await apiKeyRecord(
    raw,
    {
      id: services.newId(),
      name: body.name,
      workspaceId: caller.workspace.id,
      userId: caller.user.id,
      createdAt: isoNow(services),
    },
    policy,
  );
  const outcome = await services.store.insertApiKey(record, policy.maxActiveKeysPerWorkspace);
  if (outcome === "limit_reached") {
    throw conflict(`This workspace already has ${policy.maxActiveKeysPerWorkspace} active API keys.`);
  }
  return { status: 201, body: { data: { ...presentKey(record, caller.workspace.type), key: raw } } };
};

export const revokeApiKey: OperationHandler<"revokeApiKey"> = async (input) => {
  const { caller, services, path } = input;
  const key = await services.store.getApiKey(path.keyId ?? "");
  if (!key || key.revoked_at) throw notFound("API key");
  if (key.workspace_id !== caller.workspace.id) throw forbidden("This API key belongs to another workspace.");
  assertMayManageKeys(input);
  await services.store.revokeApiKey(key.id, isoNow(services));
  return { status: 204 };
};
