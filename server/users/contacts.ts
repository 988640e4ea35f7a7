/**
 * The secondary emails and phone numbers SCIM keeps in `users.scim_attributes` (the primary ones are
 * the users' email and phone columns), mirrored into `user_contacts` rows so that SCIM filters on
 * them (`emails.value eq "…"`, `phoneNumbers[type eq "mobile"]`) run in SQL through an index.
 */
export interface ContactRow {
  user_id: string;
  kind: 'email' | 'phone';
  position: number;
  value: string;
  value_lower: string;
  type: string | null;
}

const lists = [
  ['emails', 'email'],
  ['phoneNumbers', 'phone'],
] as const;

/** The rows of one user's kept SCIM attributes (`{ core: { emails, phoneNumbers } }`). */
export function contactRows(userId: string, scimAttributes: unknown): ContactRow[] {
  const core = (scimAttributes as { core?: Record<string, unknown> } | null | undefined)?.core;
  if (!core) return [];
  const rows: ContactRow[] = [];
  for (const [attribute, kind] of lists) {
    const values = Array.isArray(core[attribute]) ? (core[attribute] as unknown[]) : [];
    values.forEach((entry, position) => {
      const { value, type } = (entry ?? {}) as { value?: unknown; type?: unknown };
      if (typeof value !== 'string' || value.trim() === '') return;
      rows.push({
        user_id: userId,
        kind,
        position,
        value: value.trim(),
        value_lower: value.trim().toLowerCase(),
        type: typeof type === 'string' && type.trim() !== '' ? type.trim() : null,
      });
    });
  }
  return rows;
}
