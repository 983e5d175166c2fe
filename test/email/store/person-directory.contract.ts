import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PersonDirectory } from '../../../functions/email/store/ports.js';
import { personIdOf } from '../../../functions/shared/people.js';
import { failure, minutes } from './store-fixtures.js';

export interface PersonDirectoryUnderTest {
  readonly people: PersonDirectory;
  readonly cleanup: () => Promise<void>;
}

/**
 * What every PersonDirectory adapter must do (the ingest names requesters and recognises staff by
 * address; the notifier learns staff from their comments): run against the in-memory adapter and
 * DynamoDB Local.
 */
export function personDirectoryContract(name: string, make: () => Promise<PersonDirectoryUnderTest>): void {
  describe(`PersonDirectory contract: ${name}`, () => {
    let people: PersonDirectory;
    let cleanup: (() => Promise<void>) | undefined;

    beforeEach(async () => {
      ({ people, cleanup } = await make());
    });
    afterEach(async () => {
      await cleanup?.();
      cleanup = undefined;
    });

    it('an unknown address is not found', async () => {
      expect(await people.find('nobody@example.com')).toBeUndefined();
    });

    it('first sight creates the entry under the normalised address, with its person id', async () => {
      const entry = await people.firstSight('<Alice@Example.COM>', 'Alice Example', minutes(0));
      const expected = {
        id: 'person:alice@example.com',
        email: 'alice@example.com',
        name: 'Alice Example',
        staff: false,
      };
      expect(entry).toEqual(expected);
      expect(await people.find('alice@example.com')).toEqual(expected);
      expect(await people.find(' "ALICE@example.com" ')).toEqual(expected);
    });

    it('first sight again returns the entry as first seen', async () => {
      await people.firstSight('bob@example.com', null, minutes(0));
      expect(await people.firstSight('Bob@example.com', 'Robert', minutes(1))).toEqual({
        id: 'person:bob@example.com',
        email: 'bob@example.com',
        name: null,
        staff: false,
      });
    });

    it('an address too long for a plain person id gets a hashed one (never a cut address)', async () => {
      const address = `${'a'.repeat(150)}@example.com`;
      const entry = await people.firstSight(address, null, minutes(0));
      expect(entry.id).toMatch(/^person:sha256:[0-9a-f]{64}$/);
      expect(entry.id).toBe(personIdOf(address));
      expect(await people.find(address)).toEqual(entry);
    });

    it('first sights at once all get the one entry', async () => {
      const entries = await Promise.all(
        ['Carol', 'Caroline', 'C.'].map((name) => people.firstSight('carol@example.com', name, minutes(0))),
      );
      const stored = await people.find('carol@example.com');
      expect(entries.filter((entry) => entry.name === stored!.name)).toHaveLength(3);
    });

    it('learning staff records their id; an unknown address is created staff', async () => {
      await people.learnStaff({ id: 'ann', email: 'Ann@Corp.example', name: 'Ann Agent' }, minutes(0));
      expect(await people.find('ann@corp.example')).toEqual({
        id: 'ann',
        email: 'ann@corp.example',
        name: 'Ann Agent',
        staff: true,
      });
      expect(await people.firstSight('ann@corp.example', 'Someone', minutes(1))).toEqual({
        id: 'ann',
        email: 'ann@corp.example',
        name: 'Ann Agent',
        staff: true,
      });
    });

    it('learning staff seen first by mail: their id replaces the address, the name first recorded stays', async () => {
      await people.firstSight('dave@corp.example', 'Dave from mail', minutes(0));
      await people.learnStaff({ id: 'dave', email: 'dave@corp.example', name: 'Dave Agent' }, minutes(1));
      expect(await people.find('dave@corp.example')).toEqual({
        id: 'dave',
        email: 'dave@corp.example',
        name: 'Dave from mail',
        staff: true,
      });
      // A null name counts as recorded (if_not_exists): the learned name does not replace it.
      await people.firstSight('erin@corp.example', null, minutes(0));
      await people.learnStaff({ id: 'erin', email: 'erin@corp.example', name: 'Erin Agent' }, minutes(1));
      expect(await people.find('erin@corp.example')).toEqual({
        id: 'erin',
        email: 'erin@corp.example',
        name: null,
        staff: true,
      });
      // Learned again under another id: the latest id wins.
      await people.learnStaff({ id: 'erin-2', email: 'erin@corp.example', name: null }, minutes(2));
      expect((await people.find('erin@corp.example'))!.id).toBe('erin-2');
    });

    it('an address too long for a DynamoDB key is refused, on reads too', async () => {
      const address = `${'a'.repeat(3000)}@example.com`;
      expect(await failure(people.firstSight(address, null, minutes(0)))).toMatchObject({
        name: 'ValidationException',
      });
      expect(await failure(people.find(address))).toMatchObject({ name: 'ValidationException' });
    });
  });
}
