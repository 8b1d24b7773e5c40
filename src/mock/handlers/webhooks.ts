import { badRequest } from "../primitives/masko-error.js";
import { randomHex } from "../primitives/platform.js";
import { paginate } from "../rules/pagination.js";
import { checkWebhookUrl } from "../rules/webhook-url.js";
import { isoNow, type OperationHandler } from "../services.js";
import type { ResourceRecords } from "../store/records.js";
import { loadOwned, present } from "./access.js";

export const listWebhooks: OperationHandler<"listWebhooks"> = async ({ caller, services, query }) => {
  const hooks = await services.store.listResources("webhook", caller.workspace.id);
  const page = paginate(hooks, query);
  return { status: 200, body: { ...page, data: page.data.map((h) => present(h, ["secret"])) } };
};

export const createWebhook: OperationHandler<"createWebhook"> = async ({ caller, services, body }) => {
  // Parsed as delivery parses it: a URL accepted here is one a delivery can call.
  const checked = checkWebhookUrl(body.url);
  if (!checked.ok) throw badRequest(checked.reason, "url");
  const hook: ResourceRecords["webhook"] = {
    id: services.newId(),
    url: body.url,
    events: body.events,
    created_at: isoNow(services),
    workspace_id: caller.workspace.id,
    secret: `whsec_${randomHex(16)}`,
  };
  await services.store.putResource({ kind: "webhook", record: hook });
  return { status: 201, body: { data: present(hook) } };
};

export const deleteWebhook: OperationHandler<"deleteWebhook"> = async ({ caller, services, path }) => {
  const hook = await loadOwned(services, caller, "webhook", path.webhookId ?? "");
  await services.store.deleteResource("webhook", hook.id);
  return { status: 204 };
};
