import { beforeEach, describe, expect, it } from 'vitest';
import type { AttachmentRecord } from '../../functions/attachments/model.js';
import { attachmentObjectKey } from '../../functions/attachments/model.js';
import {
  AttachmentService,
  DOWNLOAD_URL_SECONDS,
  MAX_LISTED,
  UPLOAD_URL_SECONDS,
} from '../../functions/attachments/service.js';
import { InMemoryAttachmentStore } from '../../functions/attachments/store/in-memory-attachment-store.js';
import { LocalObjectStore } from '../../functions/attachments/store/local-object-store.js';
import { memoryBackend } from '../../functions/attachments/store/local-object-store-backend.js';
import { verifyGrantUrl } from '../../functions/attachments/store/local-object-store-signing.js';
import type { Caller, Role } from '../../functions/shared/authz.js';
import { TestClock } from '../../functions/shared/clock/test-clock.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../../functions/shared/errors.js';
import { visibleTo } from '../../functions/tickets/access.js';
import type { Ticket } from '../../functions/tickets/model.js';
import { newTicket } from '../../functions/tickets/rules.js';

/**
 * The attachments use case without Java or a server: records in InMemoryAttachmentStore, bytes in
 * the local object store over its in-memory backend (the adapter the local runtime runs), whose
 * presigned URLs are plain HMAC-signed strings a test can check with the server's own verifier.
 */
const NOW = '2026-11-23T10:00:00.000Z';
const BASE_URL = 'http://objects.test';
const BUCKET = 'opsdesk-attachments';
const SIGNING_KEY = new Uint8Array(32).fill(7);

function person(id: string, ...roles: Role[]): Caller {
  return { id, email: `${id}@example.com`, name: id, roles: new Set(roles) };
}

const alice = person('alice', 'requester');
const bob = person('bob', 'requester');
const ann = person('ann', 'agent');
const ahmed = person('ahmed', 'approver');

const file = { filename: 'screen photo.jpg', contentType: 'image/jpeg', size: 11 };

describe('AttachmentService', () => {
  let clock: TestClock;
  let records: InMemoryAttachmentStore;
  let objects: LocalObjectStore;
  let service: AttachmentService;
  let tickets: Map<string, Ticket>;
  let reads: number;

  beforeEach(() => {
    clock = new TestClock();
    clock.freeze(new Date(NOW));
    records = new InMemoryAttachmentStore();
    objects = new LocalObjectStore(
      memoryBackend(),
      BUCKET,
      { key: SIGNING_KEY, baseUrl: () => BASE_URL },
      clock,
    );
    tickets = new Map();
    reads = 0;
    let counter = 0;
    service = new AttachmentService({
      visibleTicket: async (caller, id) => {
        reads += 1;
        return visibleTo(tickets.get(id), caller, id);
      },
      store: records,
      objects,
      clock,
      newId: () => `01KA${String(++counter).padStart(22, '0')}`,
    });
    addTicket('INC-000001');
  });

  function addTicket(id: string, status: Ticket['status'] = 'new'): Ticket {
    const ticket = { ...newTicket(id, { type: 'incident', title: 'Broken screen' }, alice, stamp()), status };
    tickets.set(id, ticket);
    return ticket;
  }

  function stamp() {
    return { now: clock.now().toISOString(), eventId: 'evt' };
  }

  /** The grant a presigned URL carries, checked as the object server checks it. */
  function grantOf(url: string, atSeconds = Date.parse(NOW) / 1000) {
    expect(url.startsWith(`${BASE_URL}/`)).toBe(true);
    const check = verifyGrantUrl(url.slice(BASE_URL.length), SIGNING_KEY, atSeconds);
    if (!check.ok) throw new Error(check.reason);
    return check.grant;
  }

  function mailRecord(id: string, overrides: Partial<AttachmentRecord> = {}): AttachmentRecord {
    return {
      id,
      ticketId: 'INC-000001',
      commentId: 'c-1',
      filename: `${id}.pdf`,
      contentType: 'application/pdf',
      size: 100,
      inline: false,
      contentId: null,
      source: 'email',
      internal: false,
      objectKey: attachmentObjectKey('INC-000001', id),
      createdAt: NOW,
      createdBy: { id: 'alice', name: 'alice' },
      ...overrides,
    };
  }

  it('the requester announces a file: a grant for exactly that file, the record stored, no storage key shown', async () => {
    const grant = await service.requestUpload(alice, 'INC-000001', file);
    expect(grant).toEqual({
      id: '01KA0000000000000000000001',
      ticketId: 'INC-000001',
      commentId: null,
      ...file,
      inline: false,
      contentId: null,
      source: 'upload',
      internal: false,
      createdAt: NOW,
      createdBy: { id: 'alice', name: 'alice' },
      uploadUrl: expect.any(String),
      uploadHeaders: { 'content-type': 'image/jpeg', 'content-length': '11' },
      expiresAt: new Date(Date.parse(NOW) + UPLOAD_URL_SECONDS * 1000).toISOString(),
    });
    expect(grantOf(grant.uploadUrl)).toEqual({
      op: 'put',
      bucket: BUCKET,
      key: attachmentObjectKey('INC-000001', grant.id),
      expires: Date.parse(NOW) / 1000 + UPLOAD_URL_SECONDS,
      contentType: 'image/jpeg',
      size: 11,
    });
    expect(await records.get('INC-000001', grant.id)).toMatchObject({
      objectKey: attachmentObjectKey('INC-000001', grant.id),
      source: 'upload',
    });
  });

  it('an upload URL stops working after 15 minutes', async () => {
    const grant = await service.requestUpload(alice, 'INC-000001', file);
    const late = Date.parse(NOW) / 1000 + UPLOAD_URL_SECONDS + 1;
    expect(verifyGrantUrl(grant.uploadUrl.slice(BASE_URL.length), SIGNING_KEY, late)).toMatchObject({
      ok: false,
      reason: 'the URL has expired',
    });
  });

  it('lists an announced file as unavailable until its bytes arrive, then with a download URL', async () => {
    const grant = await service.requestUpload(alice, 'INC-000001', file);
    expect(await service.list(alice, 'INC-000001')).toEqual([
      expect.objectContaining({ id: grant.id, available: false, downloadUrl: null, downloadExpiresAt: null }),
    ]);
    await objects.put(
      attachmentObjectKey('INC-000001', grant.id),
      new TextEncoder().encode('hello world'),
      'image/jpeg',
    );
    const [listed] = await service.list(alice, 'INC-000001');
    expect(listed).toMatchObject({
      id: grant.id,
      available: true,
      downloadExpiresAt: new Date(Date.parse(NOW) + DOWNLOAD_URL_SECONDS * 1000).toISOString(),
    });
    expect(listed).not.toHaveProperty('objectKey');
    expect(grantOf(listed!.downloadUrl!)).toMatchObject({
      op: 'get',
      key: attachmentObjectKey('INC-000001', grant.id),
      contentType: 'image/jpeg',
      filename: 'screen photo.jpg',
    });
  });

  it('files that came by mail are listed as available (stored before their record)', async () => {
    await records.put(mailRecord('01KB0000000000000000000001'));
    expect(await service.list(ann, 'INC-000001')).toEqual([
      expect.objectContaining({ id: '01KB0000000000000000000001', source: 'email', available: true }),
    ]);
  });

  it('requesters do not see files that came with internal notes; agents and approvers do', async () => {
    await records.put(mailRecord('01KB0000000000000000000001'));
    await records.put(mailRecord('01KB0000000000000000000002', { internal: true }));
    const ids = async (caller: Caller) => (await service.list(caller, 'INC-000001')).map((a) => a.id);
    expect(await ids(alice)).toEqual(['01KB0000000000000000000001']);
    expect(await ids(ann)).toEqual(['01KB0000000000000000000001', '01KB0000000000000000000002']);
    expect(await ids(ahmed)).toEqual(['01KB0000000000000000000001', '01KB0000000000000000000002']);
  });

  it('follows the ticket rules: another requester gets 404, an approver may read but not attach, staff attach anywhere', async () => {
    expect(await service.requestUpload(bob, 'INC-000001', file).catch((e) => e)).toBeInstanceOf(
      NotFoundError,
    );
    expect(await service.list(bob, 'INC-000001').catch((e) => e)).toBeInstanceOf(NotFoundError);
    expect(await service.requestUpload(alice, 'INC-999999', file).catch((e) => e)).toBeInstanceOf(
      NotFoundError,
    );
    expect(await service.requestUpload(ahmed, 'INC-000001', file).catch((e) => e)).toBeInstanceOf(
      ForbiddenError,
    );
    expect((await service.requestUpload(ann, 'INC-000001', file)).createdBy.id).toBe('ann');
    expect(await records.list('INC-000001', 10)).toHaveLength(1);
  });

  it('a closed or cancelled ticket takes no requester files (409 with its status), but staff files', async () => {
    addTicket('INC-000002', 'cancelled');
    const error = await service.requestUpload(alice, 'INC-000002', file).catch((e) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).extensions).toMatchObject({ ticketStatus: 'cancelled' });
    expect(await records.list('INC-000002', 10)).toEqual([]);
    expect((await service.requestUpload(ann, 'INC-000002', file)).ticketId).toBe('INC-000002');
  });

  it(`lists at most ${MAX_LISTED} files, oldest first`, async () => {
    for (let i = MAX_LISTED + 5; i > 0; i--) {
      const id = `01KB${String(i).padStart(22, '0')}`;
      await records.put(mailRecord(id, { createdAt: new Date(Date.parse(NOW) + i * 1000).toISOString() }));
    }
    const listed = await service.list(ann, 'INC-000001');
    expect(listed).toHaveLength(MAX_LISTED);
    expect(listed[0]?.id).toBe(`01KB${'1'.padStart(22, '0')}`);
    expect(listed.at(-1)?.id).toBe(`01KB${String(MAX_LISTED).padStart(22, '0')}`);
    expect(reads).toBe(1);
  });
});
