import { actorOf, type Caller } from '../shared/authz.js';
import { ConflictError } from '../shared/errors.js';
import type { FieldChange, HistoryEntry } from '../tickets/model.js';
import type { KnownError, KnownErrorInput, KnownErrorPatch, KnownErrorStatus } from './model.js';

/** Identifiers and time the pure rules need (so tests control them). */
export interface Stamp {
  readonly now: string;
  readonly eventId: string;
}

/** draft → published → retired; a draft may be retired unpublished; retired is final. */
const TRANSITIONS: Record<KnownErrorStatus, readonly KnownErrorStatus[]> = {
  draft: ['published', 'retired'],
  published: ['retired'],
  retired: [],
};

function unique<T>(values: readonly T[] | undefined): T[] {
  return [...new Set(values ?? [])];
}

/** Error codes as stored: trimmed identifiers, one per case-insensitive spelling. */
function codes(values: readonly string[] | undefined): string[] {
  const seen = new Set<string>();
  return (values ?? []).filter((code) => {
    const key = code.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function newKnownError(
  id: string,
  input: KnownErrorInput,
  unknownCiIds: readonly string[],
  stamp: Stamp,
): KnownError {
  return {
    id,
    title: input.title,
    status: input.status ?? 'draft',
    symptom: input.symptom ?? '',
    rootCause: input.rootCause ?? '',
    workaround: input.workaround,
    permanentFix: input.permanentFix ?? null,
    problemId: input.problemId ?? null,
    ciIds: unique(input.ciIds),
    serviceIds: unique(input.serviceIds),
    errorCodes: codes(input.errorCodes),
    public: input.public ?? false,
    usage: { applied: 0, resolvedIncidents: 0 },
    unknownCiIds: [...unknownCiIds],
    version: 1,
    createdAt: stamp.now,
    updatedAt: stamp.now,
  };
}

const TRACKED = [
  'title',
  'status',
  'symptom',
  'rootCause',
  'workaround',
  'permanentFix',
  'problemId',
  'ciIds',
  'serviceIds',
  'errorCodes',
  'public',
  'unknownCiIds',
] as const;

export function diffKnownErrors(before: KnownError, after: KnownError): FieldChange[] {
  return TRACKED.filter((field) => JSON.stringify(before[field]) !== JSON.stringify(after[field])).map(
    (field) => ({ field, from: before[field], to: after[field] }),
  );
}

/** A PATCH: lifecycle checked (409 `invalid_transition`); nothing changed → the same record. */
export function patchKnownError(
  before: KnownError,
  input: KnownErrorPatch,
  unknownCiIds: readonly string[],
  stamp: Stamp,
): { after: KnownError; changes: FieldChange[] } {
  if (input.status !== undefined && input.status !== before.status) {
    const allowed = TRANSITIONS[before.status];
    if (!allowed.includes(input.status)) {
      throw new ConflictError(
        `a known error cannot move from ${before.status} to ${input.status}` +
          (allowed.length ? `; allowed: ${allowed.join(', ')}` : `; ${before.status} is final`),
        { code: 'invalid_transition', from: before.status, to: input.status, allowed },
      );
    }
  }
  const next: KnownError = {
    ...before,
    ...(input.title !== undefined ? { title: input.title } : {}),
    ...(input.status !== undefined ? { status: input.status } : {}),
    ...(input.symptom !== undefined ? { symptom: input.symptom } : {}),
    ...(input.rootCause !== undefined ? { rootCause: input.rootCause } : {}),
    ...(input.workaround !== undefined ? { workaround: input.workaround } : {}),
    ...(input.permanentFix !== undefined ? { permanentFix: input.permanentFix } : {}),
    ...(input.problemId !== undefined ? { problemId: input.problemId } : {}),
    ...(input.ciIds !== undefined ? { ciIds: unique(input.ciIds), unknownCiIds: [...unknownCiIds] } : {}),
    ...(input.serviceIds !== undefined ? { serviceIds: unique(input.serviceIds) } : {}),
    ...(input.errorCodes !== undefined ? { errorCodes: codes(input.errorCodes) } : {}),
    ...(input.public !== undefined ? { public: input.public } : {}),
  };
  const changes = diffKnownErrors(before, next);
  if (changes.length === 0) return { after: before, changes };
  return { after: { ...next, version: before.version + 1, updatedAt: stamp.now }, changes };
}

function summary(error: KnownError): Record<string, unknown> {
  return { knownErrorId: error.id, status: error.status, problemId: error.problemId, title: error.title };
}

export function creationHistory(
  error: KnownError,
  caller: Pick<Caller, 'id' | 'name'>,
  stamp: Stamp,
): HistoryEntry {
  return {
    id: stamp.eventId,
    recordId: error.id,
    at: stamp.now,
    actor: actorOf(caller as Caller),
    action: 'created',
    changes: [],
    events: [
      { detailType: 'Known Error Created', detail: summary(error) },
      ...(error.status === 'published'
        ? [{ detailType: 'Known Error Published', detail: summary(error) }]
        : []),
    ],
  };
}

export function updateHistory(
  before: KnownError,
  after: KnownError,
  changes: readonly FieldChange[],
  caller: Caller,
  stamp: Stamp,
): HistoryEntry {
  const published = before.status !== 'published' && after.status === 'published';
  return {
    id: stamp.eventId,
    recordId: after.id,
    at: stamp.now,
    actor: actorOf(caller),
    action: 'updated',
    changes,
    events: [
      { detailType: 'Known Error Updated', detail: { ...summary(after), changes } },
      ...(published ? [{ detailType: 'Known Error Published', detail: summary(after) }] : []),
    ],
  };
}
