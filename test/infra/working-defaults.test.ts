import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { parseStackConfig } from '../../lib/config.js';
import { logicalIdOf, synthOpsdesk } from './synth.js';

/**
 * The stack's routing and notification defaults (docs/deploy.md#configuration): the default group
 * reaches the tickets function and the seed, the mail defaults and the fallback address reach the
 * notifier's settings, and the sweeper learns enough to report notices nobody receives.
 */
describe('routing and notification defaults in the stack', () => {
  const variablesIn = (synth: ReturnType<typeof synthOpsdesk>) => {
    const functions = synth.template.findResources('AWS::Lambda::Function');
    return (construct: IConstruct): Record<string, unknown> =>
      functions[logicalIdOf(construct)]?.Properties.Environment.Variables ?? {};
  };

  it('out of the box: the service desk, P4 mail, the alarm address as the fallback', () => {
    const synth = synthOpsdesk({
      stage: 'qa',
      emailDomain: 'desk.example.com',
      alarmEmail: 'oncall@example.com',
    });
    const variables = variablesIn(synth);
    expect(variables(synth.stack.api.functions.tickets).DEFAULT_GROUP).toBe('service-desk');
    expect(variables(synth.stack.seed.handler).DEFAULT_GROUPS).toBe('service-desk');
    expect(variables(synth.stack.sla.sweeper)).toMatchObject({
      NOTICE_MAIL: 'on',
      NOTICE_FALLBACK_ADDRESS: 'oncall@example.com',
    });
    const settings = JSON.parse(variables(synth.stack.email!.notifier).EMAIL_SETTINGS as string);
    expect(settings).toMatchObject({
      ticketDefaults: { impact: 3, urgency: 2, group: 'service-desk' },
      fallbackAddress: 'oncall@example.com',
    });
  });

  it('configured: groups seeded and re-seeded on change, mail defaults and the fallback address', () => {
    const synth = synthOpsdesk({
      stage: 'qa',
      emailDomain: 'desk.example.com',
      alarmEmail: 'oncall@example.com',
      defaultGroup: 'helpdesk',
      emailDefaultImpact: '2',
      emailDefaultUrgency: 1,
      emailDefaultGroup: 'mail-triage',
      fallbackNotificationAddress: 'desk-leads@example.com',
    });
    const variables = variablesIn(synth);
    expect(variables(synth.stack.api.functions.tickets).DEFAULT_GROUP).toBe('helpdesk');
    expect(variables(synth.stack.seed.handler).DEFAULT_GROUPS).toBe('helpdesk,mail-triage');
    const [seed] = Object.values(synth.template.findResources('Custom::OpsdeskSeed'));
    expect(seed?.Properties.DefaultGroups).toBe('helpdesk,mail-triage');
    expect(variables(synth.stack.sla.sweeper).NOTICE_FALLBACK_ADDRESS).toBe('desk-leads@example.com');
    for (const fn of [synth.stack.email!.notifier, synth.stack.email!.ingest!]) {
      expect(JSON.parse(variables(fn).EMAIL_SETTINGS as string)).toMatchObject({
        ticketDefaults: { impact: 2, urgency: 1, group: 'mail-triage' },
        fallbackAddress: 'desk-leads@example.com',
      });
    }
  });

  it('without an email domain the sweeper knows no notice is mailed', () => {
    const synth = synthOpsdesk({ stage: 'qa' });
    expect(variablesIn(synth)(synth.stack.sla.sweeper)).toMatchObject({
      NOTICE_MAIL: 'off',
      NOTICE_FALLBACK_ADDRESS: '',
    });
  });

  it('refuses a default group that is not a group id, and levels outside 1–3, naming the key', () => {
    expect(() => parseStackConfig({ defaultGroup: 'Service Desk' })).toThrow(/defaultGroup/);
    expect(() => parseStackConfig({ emailDefaultImpact: '4' })).toThrow(/emailDefaultImpact/);
    expect(() => parseStackConfig({ emailDefaultUrgency: 0 })).toThrow(/emailDefaultUrgency/);
    expect(() => parseStackConfig({ fallbackNotificationAddress: 'nobody' })).toThrow(
      /fallbackNotificationAddress/,
    );
  });
});
