import { InMemoryTable } from '../../shared/memory/in-memory-table.js';
import { personIdOf } from '../../shared/people.js';
import { normaliseAddress } from '../address-forms.js';
import { sizedKey } from './in-memory-mail-support.js';
import { isConditionFailure, personKey } from './mail-keys.js';
import type { DirectoryEntry, PersonDirectory } from './ports.js';

/**
 * People the gateway has seen, in memory: the `PERSON#<address>` items DynamoPersonDirectory
 * writes, in an InMemoryTable (the contract suite in test/email/store/person-directory.contract.ts
 * runs against both). First sight creates the entry only when absent (the person id of the
 * address as id); learning a staff member sets their id and the staff flag and keeps a name
 * already recorded, even a null one (`if_not_exists` sees a NULL attribute as existing).
 */
export class InMemoryPersonDirectory implements PersonDirectory {
  constructor(private readonly table: InMemoryTable = new InMemoryTable()) {}

  async find(address: string): Promise<DirectoryEntry | undefined> {
    const item = this.table.get(sizedKey(personKey(normaliseAddress(address))));
    return item ? entryOf(item) : undefined;
  }

  async firstSight(address: string, name: string | null, now: Date): Promise<DirectoryEntry> {
    const email = normaliseAddress(address);
    const entry: DirectoryEntry = { id: personIdOf(email), email, name, staff: false };
    try {
      this.table.put(
        { ...sizedKey(personKey(email)), ...entry, createdAt: now.toISOString() },
        (current) => current === undefined, // attribute_not_exists(PK)
      );
      return entry;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return (await this.find(email)) ?? entry;
    }
  }

  async learnStaff(person: { id: string; email: string; name: string | null }, now: Date): Promise<void> {
    const email = normaliseAddress(person.email);
    this.table.update(sizedKey(personKey(email)), (current) => ({
      ...current,
      id: person.id,
      email,
      name: current && 'name' in current ? current.name : person.name,
      staff: true,
      createdAt: current && 'createdAt' in current ? current.createdAt : now.toISOString(),
    }));
  }
}

/** An entry as DynamoPersonDirectory reads it from its item. */
function entryOf(item: Record<string, unknown>): DirectoryEntry {
  return {
    id: String(item.id),
    email: String(item.email),
    name: typeof item.name === 'string' ? item.name : null,
    staff: item.staff === true,
  };
}
