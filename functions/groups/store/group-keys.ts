/** Groups in the single table: GROUP#<id> / GROUP (the byKind index lists them). */
export const groupKey = (id: string) => ({ PK: `GROUP#${id}`, SK: 'GROUP' });
