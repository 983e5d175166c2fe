import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { ADMIN_ENVIRONMENT } from '../../functions/admin/function.js';
import { ALERTS_ENVIRONMENT } from '../../functions/alerts/function.js';
import { ATTACHMENTS_ENVIRONMENT } from '../../functions/attachments/function.js';
import { CATALOG_ENVIRONMENT } from '../../functions/catalog/function.js';
import { CHANGES_ENVIRONMENT } from '../../functions/changes/function.js';
import { CHANGE_TASKS_ENVIRONMENT } from '../../functions/changes/workflow/tasks.function.js';
import { CMDB_CLOSURES_ENVIRONMENT } from '../../functions/cmdb/closures.function.js';
import { CMDB_ENVIRONMENT } from '../../functions/cmdb/function.js';
import { CSAT_EVENTS_ENVIRONMENT } from '../../functions/csat/events.function.js';
import { CSAT_ENVIRONMENT } from '../../functions/csat/function.js';
import { EMAIL_INGEST_ENVIRONMENT } from '../../functions/email/ingest.function.js';
import { EMAIL_NOTIFIER_ENVIRONMENT } from '../../functions/email/notifier.function.js';
import { PROBLEM_EVENTS_ENVIRONMENT } from '../../functions/problems/events.function.js';
import { PROBLEMS_ENVIRONMENT } from '../../functions/problems/function.js';
import { PROJECTIONS_ENVIRONMENT } from '../../functions/projections/function.js';
import { PUBLIC_ENVIRONMENT } from '../../functions/public/function.js';
import { REPORTS_EVENTS_ENVIRONMENT } from '../../functions/reports/events.function.js';
import { REPORTS_ENVIRONMENT } from '../../functions/reports/function.js';
import { REPORT_JOBS_ENVIRONMENT } from '../../functions/reports/jobs.function.js';
import { SEARCH_INDEXER_ENVIRONMENT } from '../../functions/search/indexer.function.js';
import { SEED_ENVIRONMENT } from '../../functions/seed/function.js';
import { STREAM_PUBLISHER_ENVIRONMENT } from '../../functions/shared/outbox/stream-publisher.function.js';
import {
  type EnvironmentSchema,
  parseEnvironment,
  variableNames,
} from '../../functions/shared/wiring/environment.js';
import { SLA_SWEEPER_ENVIRONMENT } from '../../functions/sla/sweeper.function.js';
import { TICKETS_ENVIRONMENT } from '../../functions/tickets/function.js';
import { logicalIdOf, synthOpsdesk } from './synth.js';

/** What createOpsdeskFunction sets on every function (runtime and logging, not the function's own reads). */
const COMMON = ['NODE_OPTIONS', 'POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_LOG_LEVEL', 'OPSDESK_STAGE'];

describe('each function gets exactly the environment its function.ts declares', () => {
  const { template, stack } = synthOpsdesk({
    stage: 'qa',
    emailDomain: 'desk.example.com',
    requestAddress: 'requests@desk.example.com',
  });
  const functions = template.findResources('AWS::Lambda::Function');
  const variablesOf = (construct: IConstruct): string[] =>
    Object.keys(functions[logicalIdOf(construct)]?.Properties.Environment?.Variables ?? {});

  const cases: [string, IConstruct, EnvironmentSchema][] = [
    ['public', stack.api.functions.public, PUBLIC_ENVIRONMENT],
    ['tickets', stack.api.functions.tickets, TICKETS_ENVIRONMENT],
    ['attachments', stack.api.functions.attachments, ATTACHMENTS_ENVIRONMENT],
    ['admin', stack.api.functions.admin, ADMIN_ENVIRONMENT],
    ['changes', stack.api.functions.changes, CHANGES_ENVIRONMENT],
    ['stream-publisher', stack.events.publisher, STREAM_PUBLISHER_ENVIRONMENT],
    ['seed', stack.seed.handler, SEED_ENVIRONMENT],
    ['email-ingest', stack.email!.ingest!, EMAIL_INGEST_ENVIRONMENT],
    ['email-notifier', stack.email!.notifier, EMAIL_NOTIFIER_ENVIRONMENT],
    ['sla-sweeper', stack.sla.sweeper, SLA_SWEEPER_ENVIRONMENT],
    ['change-tasks', stack.changes.taskFunction, CHANGE_TASKS_ENVIRONMENT],
    ['cmdb', stack.api.functions.cmdb, CMDB_ENVIRONMENT],
    ['cmdb-closures', stack.cmdb.closures, CMDB_CLOSURES_ENVIRONMENT],
    ['search-indexer', stack.search.indexer, SEARCH_INDEXER_ENVIRONMENT],
    ['projections', stack.projections.fn, PROJECTIONS_ENVIRONMENT],
    ['alerts', stack.api.functions.alerts, ALERTS_ENVIRONMENT],
    ['catalog', stack.api.functions.catalog, CATALOG_ENVIRONMENT],
    ['problems', stack.api.functions.problems, PROBLEMS_ENVIRONMENT],
    ['problem-events', stack.problems.consumer, PROBLEM_EVENTS_ENVIRONMENT],
    ['csat', stack.api.functions.csat, CSAT_ENVIRONMENT],
    ['csat-events', stack.csat.consumer, CSAT_EVENTS_ENVIRONMENT],
    ['reports', stack.api.functions.reports, REPORTS_ENVIRONMENT],
    ['reports-events', stack.reports.csatConsumer, REPORTS_EVENTS_ENVIRONMENT],
    ['report-jobs', stack.reports.jobs, REPORT_JOBS_ENVIRONMENT],
  ];

  it.each(cases)('%s', (_name, construct, schema) => {
    const declared = variableNames(schema);
    const set = variablesOf(construct);
    expect(set.filter((name) => !COMMON.includes(name) || declared.includes(name)).sort()).toEqual(
      [...declared].sort(),
    );
  });
});

describe('parseEnvironment', () => {
  it('names every missing or empty required variable at init', () => {
    expect(() =>
      parseEnvironment(EMAIL_INGEST_ENVIRONMENT, { TABLE_NAME: 't', RAW_MAIL_BUCKET: ' ' }),
    ).toThrow(
      /EMAIL_SETTINGS is not set.*RAW_MAIL_BUCKET is not set.*ATTACHMENTS_BUCKET is not set|EMAIL_SETTINGS is not set/,
    );
    try {
      parseEnvironment(EMAIL_INGEST_ENVIRONMENT, { TABLE_NAME: 't', RAW_MAIL_BUCKET: '' });
    } catch (error) {
      const message = (error as Error).message;
      for (const name of ['EMAIL_SETTINGS', 'RAW_MAIL_BUCKET', 'ATTACHMENTS_BUCKET'])
        expect(message).toContain(name);
      expect(message).not.toContain('TABLE_NAME');
    }
  });

  it('reads only declared variables and applies defaults to optional ones', () => {
    const env = parseEnvironment(PUBLIC_ENVIRONMENT, { GROUPS_CLAIM: 'groups', UNRELATED: 'x' });
    expect(env).toEqual({ CORS_ORIGINS: '', GROUPS_CLAIM: 'groups' });
  });
});
