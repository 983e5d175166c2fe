import { Match, type Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { INDEXES } from '../../functions/shared/dynamodb/table-definition.js';
import { ROUTES, routeKey } from '../../functions/shared/http/routes.js';
import { ROLE_GROUPS } from '../../lib/identity.js';
import { actionsOf, logicalIdOf, statementsOfRole, synthOpsdesk } from './synth.js';

const OIDC = {
  kind: 'oidc',
  issuer: 'https://login.example.com/realms/opsdesk',
  audience: ['opsdesk-api', 'opsdesk-cli'],
};

type TemplateResource = ReturnType<Template['findResources']>[string];

/** The single resource of a type, failing when there is not exactly one. */
function only(template: Template, type: string): { id: string; resource: TemplateResource } {
  const found = Object.entries(template.findResources(type));
  expect(found, type).toHaveLength(1);
  const [id, resource] = found[0] as [string, TemplateResource];
  return { id, resource };
}

describe('HTTP API with the Cognito user pool', () => {
  const { template, stack } = synthOpsdesk({ stage: 'dev' });
  const authorizer = only(template, 'AWS::ApiGatewayV2::Authorizer');
  const routes = Object.entries(template.findResources('AWS::ApiGatewayV2::Route'));
  const integrations = template.findResources('AWS::ApiGatewayV2::Integration');

  it('has one route per ROUTES entry and no other', () => {
    expect(routes.map(([, route]) => route.Properties.RouteKey).sort()).toEqual(ROUTES.map(routeKey).sort());
  });

  it.each(ROUTES.map((route) => [routeKey(route), route] as const))(
    '%s is served by its function, behind the JWT authorizer exactly when authenticated',
    (key, route) => {
      const [, resource] = routes.find(([, r]) => r.Properties.RouteKey === key) ?? [];
      expect(resource, key).toBeDefined();
      const properties = resource?.Properties;
      if (route.authenticated) {
        expect(properties.AuthorizationType).toBe('JWT');
        expect(properties.AuthorizerId).toEqual({ Ref: authorizer.id });
      } else {
        expect(properties.AuthorizationType ?? 'NONE').toBe('NONE');
        expect(properties.AuthorizerId).toBeUndefined();
      }
      const integrationId = properties.Target['Fn::Join'][1][1].Ref as string;
      expect(integrations[integrationId]?.Properties).toMatchObject({
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
        IntegrationUri: { 'Fn::GetAtt': [logicalIdOf(stack.api.functions[route.function]), 'Arn'] },
      });
    },
  );

  it('validates tokens of the stack user pool for its app client', () => {
    const userPool = only(template, 'AWS::Cognito::UserPool');
    const client = only(template, 'AWS::Cognito::UserPoolClient');
    expect(authorizer.resource.Properties).toEqual({
      ApiId: { Ref: logicalIdOf(stack.api.httpApi) },
      AuthorizerType: 'JWT',
      Name: 'opsdesk-jwt',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Audience: [{ Ref: client.id }],
        Issuer: {
          'Fn::Join': [
            '',
            ['https://cognito-idp.', { Ref: 'AWS::Region' }, '.amazonaws.com/', { Ref: userPool.id }],
          ],
        },
      },
    });
  });

  it('creates an invite-only user pool with a strong password policy and optional TOTP MFA', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'OPTIONAL',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
      Policies: {
        PasswordPolicy: {
          MinimumLength: 12,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        },
      },
    });
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      AllowedOAuthFlowsUserPoolClient: false,
      PreventUserExistenceErrors: 'ENABLED',
    });
  });

  it('has exactly the four role groups', () => {
    const groups = Object.values(template.findResources('AWS::Cognito::UserPoolGroup'));
    expect(groups.map((group) => group.Properties.GroupName).sort()).toEqual([...ROLE_GROUPS].sort());
  });

  it('logs every request and throttles the stage, public routes lower', () => {
    const stage = only(template, 'AWS::ApiGatewayV2::Stage').resource;
    expect(stage.Properties).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: {
        DestinationArn: { 'Fn::GetAtt': [expect.any(String), 'Arn'] },
        Format: expect.stringContaining('$context.requestId'),
      },
      DefaultRouteSettings: { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 },
    });
    const publicKeys = ROUTES.filter((route) => !route.authenticated).map(routeKey);
    expect(Object.keys(stage.Properties.RouteSettings).sort()).toEqual(publicKeys.sort());
    for (const key of publicKeys) {
      expect(stage.Properties.RouteSettings[key].ThrottlingRateLimit).toBeLessThan(100);
    }
    // Route settings name routes: the stage must wait for them.
    for (const [id] of routes) expect(stage.DependsOn).toContain(id);
  });

  it('gives the access log group the configured retention', () => {
    const stage = only(template, 'AWS::ApiGatewayV2::Stage').resource;
    const logGroupId = stage.Properties.AccessLogSettings.DestinationArn['Fn::GetAtt'][0];
    expect(template.findResources('AWS::Logs::LogGroup')[logGroupId]?.Properties.RetentionInDays).toBe(30);
  });

  it('outputs the API URL, user pool, client, table, bus, alarm topic and dashboard', () => {
    expect(Object.keys(template.findOutputs('*')).sort()).toEqual(
      [
        'ApiUrl',
        'EventBusName',
        'TableName',
        'UserPoolClientId',
        'UserPoolId',
        'AlarmTopicArn',
        'DashboardUrl',
      ].sort(),
    );
  });

  it('sets the environment the HTTP functions read; the public function gets no table or secret', () => {
    const functions = template.findResources('AWS::Lambda::Function');
    const { public: publicFunction, ...overTable } = stack.api.functions;
    for (const fn of Object.values(overTable)) {
      expect(functions[logicalIdOf(fn)]?.Properties.Environment.Variables).toMatchObject({
        TABLE_NAME: { Ref: logicalIdOf(stack.data.table) },
        CURSOR_SECRET_ARN: { Ref: logicalIdOf(stack.api.cursorSecret) },
        CORS_ORIGINS: '',
        GROUPS_CLAIM: 'cognito:groups',
        EMAIL_VERIFYING_ISSUERS: '',
      });
    }
    const publicVariables = functions[logicalIdOf(publicFunction)]?.Properties.Environment.Variables;
    expect(publicVariables).toMatchObject({ CORS_ORIGINS: '', GROUPS_CLAIM: 'cognito:groups' });
    expect(publicVariables.TABLE_NAME).toBeUndefined();
    expect(publicVariables.CURSOR_SECRET_ARN).toBeUndefined();
  });

  it('gives the public function no table or secret access at all', () => {
    const statements = statementsOfRole(template, logicalIdOf(stack.api.functions.public.role!));
    expect(statements.length).toBeGreaterThan(0); // logs and tracing
    const actions = statements.flatMap(actionsOf);
    expect(actions.filter((action) => action.startsWith('dynamodb:'))).toEqual([]);
    expect(actions.filter((action) => action.startsWith('secretsmanager:'))).toEqual([]);
  });

  it.each(['tickets', 'attachments', 'admin'] as const)(
    'lets %s read and write items and query each index by name, never Scan',
    (name) => {
      const statements = statementsOfRole(template, logicalIdOf(stack.api.functions[name].role!));
      const tableArn = { 'Fn::GetAtt': [logicalIdOf(stack.data.table), 'Arn'] };
      const onTable = statements.filter((s) => JSON.stringify(s.Resource) === JSON.stringify(tableArn));
      expect(onTable.flatMap(actionsOf)).toEqual(
        expect.arrayContaining([
          'dynamodb:GetItem',
          'dynamodb:Query',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
        ]),
      );
      const indexArns = Object.values(INDEXES).map((index) => ({
        'Fn::Join': ['', [tableArn, `/index/${index.name}`]],
      }));
      expect(statements).toContainEqual({ Effect: 'Allow', Action: 'dynamodb:Query', Resource: indexArns });
      const actions = statements.flatMap(actionsOf);
      expect(actions).not.toContain('dynamodb:Scan');
      expect(actions.some((action) => action.endsWith('*'))).toBe(false);
      expect(JSON.stringify(statements)).not.toContain('/index/*');
      expect(statements).toContainEqual({
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        Resource: { Ref: logicalIdOf(stack.api.cursorSecret) },
      });
    },
  );

  it('generates a 64-character cursor key', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true },
    });
  });

  it('leaves CORS to nobody when no origins are configured', () => {
    expect(only(template, 'AWS::ApiGatewayV2::Api').resource.Properties.CorsConfiguration).toBeUndefined();
  });
});

describe('HTTP API with an external OIDC issuer', () => {
  const { template, stack } = synthOpsdesk({
    stage: 'dev',
    identity: OIDC,
    groupsClaim: 'roles',
    emailVerifyingIssuers: [OIDC.issuer],
  });

  it('validates tokens of the configured issuer and audience', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Issuer: OIDC.issuer, Audience: OIDC.audience },
    });
  });

  it('creates no user pool and outputs none', () => {
    template.resourceCountIs('AWS::Cognito::UserPool', 0);
    template.resourceCountIs('AWS::Cognito::UserPoolClient', 0);
    template.resourceCountIs('AWS::Cognito::UserPoolGroup', 0);
    expect(Object.keys(template.findOutputs('*'))).not.toContain('UserPoolId');
  });

  it('still protects exactly the authenticated routes', () => {
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route'));
    const protectedKeys = routes
      .filter((r) => r.Properties.AuthorizationType === 'JWT')
      .map((r) => r.Properties.RouteKey);
    expect(protectedKeys.sort()).toEqual(
      ROUTES.filter((r) => r.authenticated)
        .map(routeKey)
        .sort(),
    );
  });

  it('passes the configured groups claim to the functions', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ GROUPS_CLAIM: 'roles' }) },
    });
  });

  it('passes the issuers that verify email addresses to the functions that take tokens', () => {
    const functions = template.findResources('AWS::Lambda::Function');
    const { public: publicFunction, ...overTable } = stack.api.functions;
    for (const fn of Object.values(overTable)) {
      expect(functions[logicalIdOf(fn)]?.Properties.Environment.Variables.EMAIL_VERIFYING_ISSUERS).toBe(
        OIDC.issuer,
      );
    }
    expect(
      functions[logicalIdOf(publicFunction)]?.Properties.Environment.Variables.EMAIL_VERIFYING_ISSUERS,
    ).toBeUndefined();
  });
});

describe('HTTP API with CORS origins in production', () => {
  const origins = ['https://desk.example.com'];
  const { template } = synthOpsdesk({ stage: 'prod', corsOrigins: origins });

  it('answers preflights for the configured origins and tells the functions', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({
        AllowOrigins: origins,
        AllowHeaders: Match.arrayWith(['authorization', 'if-match', 'idempotency-key']),
        ExposeHeaders: ['etag', 'location', 'idempotent-replayed'],
      }),
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ CORS_ORIGINS: origins.join(',') }) },
    });
  });

  it('keeps the user pool on stack deletion and protects it', () => {
    template.hasResource('AWS::Cognito::UserPool', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtection: 'ACTIVE' }),
    });
  });
});
