/** Projects. */
import { paginate } from "../rules/pagination.js";
import { isoNow, type OperationHandler } from "../services.js";
import type { ResourceRecords } from "../store/records.js";
import { loadOwned, present } from "./access.js";

export const listProjects: OperationHandler<"listProjects"> = async ({ caller, services, query }) => {
  const projects = await services.store.listResources("project", caller.workspace.id);
  const page = paginate(projects, query);
  return { status: 200, body: { ...page, data: page.data.map((p) => present(p)) } };
};

export const createProject: OperationHandler<"createProject"> = async ({ caller, services, body }) => {
  const now = isoNow(services);
  const project: ResourceRecords["project"] = {
    id: services.newId(),
    name: body.name,
    organization_id: caller.workspace.type === "organization" ? caller.workspace.id : null,
    created_at: now,
    updated_at: now,
    workspace_id: caller.workspace.id,
  };
  await services.store.putResource({ kind: "project", record: project });
  return { status: 201, body: { data: present(project) } };
};

export const getProject: OperationHandler<"getProject"> = async ({ caller, services, path }) => {
  const project = await loadOwned(services, caller, "project", path.projectId ?? "");
  return { status: 200, body: { data: present(project) } };
};
