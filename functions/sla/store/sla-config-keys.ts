/** SLA configuration (calendars and policies) under one partition: one Query loads it all. */
export const SLA_CONFIG_PK = 'SLACONFIG';
export const calendarKey = (id: string) => ({ PK: SLA_CONFIG_PK, SK: `CALENDAR#${id}` });
export const policyKey = (id: string) => ({ PK: SLA_CONFIG_PK, SK: `POLICY#${id}` });
