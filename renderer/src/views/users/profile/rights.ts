/** A role's permissions as a short summary per area ("Users: read, create, update"). */
export function rightsSummary(permissions: string[]): { area: string; actions: string[] }[] {
  const areas = new Map<string, string[]>();
  for (const permission of permissions) {
    const [area, action] = permission.split('.');
    if (!area || !action) continue;
    areas.set(area, [...(areas.get(area) ?? []), action]);
  }
  return [...areas.entries()]
    .map(([area, actions]) => ({ area, actions: actions.sort() }))
    .sort((a, b) => a.area.localeCompare(b.area));
}
