import * as z from 'zod/mini';
import {
  described,
  historyEntrySchema,
  identifier,
  isoTime,
  longText,
  pageOf,
  pageQuery,
  withMeta,
} from '../../shared/http/schemas.js';
import { singleLine } from '../../shared/http/text.js';
import {
  KNOWN_ERROR_STATUSES,
  MAX_KNOWN_ERROR_CIS,
  MAX_KNOWN_ERROR_CODES,
  MAX_KNOWN_ERROR_SERVICES,
} from '../model.js';

const problemId = z
  .string()
  .check(z.regex(/^PRB-\d{6,}$/, { message: 'must be a problem id such as PRB-000007' }));
const workaround = z.pipe(longText, z.string().check(z.minLength(1)));

const fields = {
  title: singleLine(200, 1),
  status: described(
    z.optional(z.enum(KNOWN_ERROR_STATUSES)),
    '`draft` (default) → `published` → `retired`; only published errors are suggested',
  ),
  symptom: z.optional(longText),
  rootCause: z.optional(longText),
  workaround: described(workaround, 'required: 1 byte to 64 KiB'),
  permanentFix: z.optional(z.nullable(longText)),
  problemId: described(
    z.optional(z.nullable(problemId)),
    'the problem it records, or null (e.g. a vendor error)',
  ),
  ciIds: described(
    z.optional(z.array(identifier).check(z.maxLength(MAX_KNOWN_ERROR_CIS))),
    'CIs it concerns (≤ 50); each must be in the CMDB and not retired (422 `unknown_ci` / `retired_ci`) unless `cmdb.strictCiIds` is off',
  ),
  serviceIds: described(
    z.optional(z.array(identifier).check(z.maxLength(MAX_KNOWN_ERROR_SERVICES))),
    'services it concerns (≤ 20)',
  ),
  errorCodes: described(
    z.optional(z.array(identifier).check(z.maxLength(MAX_KNOWN_ERROR_CODES))),
    'error codes (≤ 20), matched case-insensitively against alert labels',
  ),
  public: described(z.optional(z.boolean()), 'requesters may read it once published'),
};

export const createKnownErrorBody = withMeta(z.strictObject(fields), {
  id: 'CreateKnownError',
  examples: [
    {
      title: 'VPN gateway drops sessions after certificate rollover',
      workaround: 'Reconnect the VPN client twice; the second handshake picks up the new certificate.',
      ciIds: ['vpn-gateway-1'],
      status: 'published',
    },
  ],
});

export const updateKnownErrorBody = withMeta(
  z
    .strictObject({
      title: z.optional(fields.title),
      status: fields.status,
      symptom: fields.symptom,
      rootCause: fields.rootCause,
      workaround: z.optional(workaround),
      permanentFix: fields.permanentFix,
      problemId: fields.problemId,
      ciIds: fields.ciIds,
      serviceIds: fields.serviceIds,
      errorCodes: fields.errorCodes,
      public: fields.public,
    })
    .check(z.refine((body) => Object.keys(body).length > 0, { message: 'must change at least one field' })),
  { id: 'UpdateKnownError', examples: [{ status: 'published' }] },
);

export const listKnownErrorsQuery = withMeta(
  z.strictObject({
    ...pageQuery,
    ciId: described(z.optional(identifier), 'only errors naming this CI'),
    serviceId: described(z.optional(identifier), 'only errors naming this service'),
    errorCode: described(z.optional(identifier), 'only errors with this error code (case-insensitive)'),
    status: described(z.optional(z.enum(KNOWN_ERROR_STATUSES)), 'only errors in this status'),
    problemId: described(z.optional(problemId), 'only errors recording this problem'),
  }),
  { id: 'ListKnownErrorsQuery' },
);

export const knownErrorSchema = withMeta(
  z.object({
    id: z.string(),
    title: z.string(),
    status: z.enum(KNOWN_ERROR_STATUSES),
    symptom: z.string(),
    rootCause: z.string(),
    workaround: z.string(),
    permanentFix: z.nullable(z.string()),
    problemId: z.nullable(z.string()),
    ciIds: z.array(z.string()),
    serviceIds: z.array(z.string()),
    errorCodes: z.array(z.string()),
    public: z.boolean(),
    usage: described(
      z.object({ applied: z.int(), resolvedIncidents: z.int() }),
      'read-only: times applied to incidents, and incidents resolved with it (kept within seconds)',
    ),
    unknownCiIds: described(
      z.array(z.string()),
      'read-only: ids in `ciIds` the CMDB did not know (only with `cmdb.strictCiIds` off)',
    ),
    version: z.int().check(z.gte(1)),
    createdAt: isoTime,
    updatedAt: isoTime,
  }),
  { id: 'KnownError' },
);

export const knownErrorPage = pageOf(knownErrorSchema, 'KnownErrorPage');
export const knownErrorHistoryPage = pageOf(
  historyEntrySchema(['created', 'updated'], 'KnownErrorHistoryEntry'),
  'KnownErrorHistoryPage',
);

const match = z.union([
  z.object({ ciId: z.string() }),
  z.object({ serviceId: z.string() }),
  z.object({ errorCode: z.string() }),
]);

export const suggestionList = withMeta(
  z.object({
    items: z.array(
      z.object({
        id: z.string(),
        title: z.string(),
        workaround: z.string(),
        matchedOn: z.array(match),
        score: z.int(),
      }),
    ),
  }),
  { id: 'KnownErrorSuggestions' },
);

export const applyKnownErrorBody = withMeta(
  z.strictObject({
    visibility: described(z.enum(['public', 'internal']), 'the visibility of the workaround comment'),
    resolve: described(
      z.optional(z.boolean()),
      'also resolve the incident with code `workaround` (default false)',
    ),
  }),
  { id: 'ApplyKnownError', examples: [{ visibility: 'public', resolve: true }] },
);
