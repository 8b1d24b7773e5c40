/** The ownership rule: a key sees only its own workspace's resources. Pure. */

/** Allowed, or the status an outsider gets: 404 when nothing has this id, 403 when another workspace owns it. */
export function checkOwnership(
  resource: { workspace_id: string } | undefined,
  workspaceId: string,
): "ok" | "not_found" | "forbidden" {
  if (!resource) return "not_found";
  return resource.workspace_id === workspaceId ? "ok" : "forbidden";
}
