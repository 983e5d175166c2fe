import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import {
  AccountRecovery,
  FeaturePlan,
  Mfa,
  StandardThreatProtectionMode,
  UserPool,
  type UserPoolClient,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import type { StackConfig } from './config.js';

/** The roles of docs/api.md#authentication-and-roles; each is a Cognito group, so it arrives in the token's `cognito:groups` claim. */
export const ROLE_GROUPS = ['requester', 'agent', 'approver', 'admin'] as const;

export interface IdentityConstructProps {
  readonly config: StackConfig;
}

/**
 * Who may call the API: a Cognito user pool the stack owns, or any OIDC issuer named in the
 * config. Either way API Gateway validates the bearer JWT before a function runs.
 */
export class IdentityConstruct extends Construct {
  readonly authorizer: HttpJwtAuthorizer;
  /** Only when the config's identity is `cognito`. */
  readonly userPool?: UserPool;
  readonly userPoolClient?: UserPoolClient;

  constructor(scope: Construct, id: string, props: IdentityConstructProps) {
    super(scope, id);
    const { identity } = props.config;

    if (identity.kind === 'oidc') {
      this.authorizer = jwtAuthorizer(identity.issuer, identity.audience);
      return;
    }

    const userPool = createUserPool(this, props.config);
    // Production keeps the pool's groups and client with it: a pool kept after a teardown still
    // knows who holds which role, and a later stack can trust it as an OIDC issuer (docs/deploy.md).
    const keep = props.config.production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    for (const group of ROLE_GROUPS) {
      userPool
        .addGroup(`${group}Group`, { groupName: group, description: `Opsdesk ${group} role` })
        .applyRemovalPolicy(keep);
    }
    const client = userPool.addClient('ApiClient', {
      // A browser or CLI client: it cannot keep a secret, and signs in with SRP (no password on the wire).
      generateSecret: false,
      authFlows: { userSrp: true },
      // No hosted UI domain exists, so the OAuth defaults (implicit grant, example.com callback) would
      // only widen what the client may do.
      disableOAuth: true,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
    });
    client.applyRemovalPolicy(keep);

    this.userPool = userPool;
    this.userPoolClient = client;
    const issuer = `https://cognito-idp.${Stack.of(this).region}.amazonaws.com/${userPool.userPoolId}`;
    // Cognito access tokens carry `client_id` instead of `aud`; API Gateway checks either against this list.
    this.authorizer = jwtAuthorizer(issuer, [client.userPoolClientId]);
  }
}

function jwtAuthorizer(issuer: string, audience: readonly string[]): HttpJwtAuthorizer {
  return new HttpJwtAuthorizer('JwtAuthorizer', issuer, {
    authorizerName: 'opsdesk-jwt',
    identitySource: ['$request.header.Authorization'],
    jwtAudience: [...audience],
  });
}

function createUserPool(scope: Construct, config: StackConfig): UserPool {
  const userPool = new UserPool(scope, 'UserPool', {
    // Operators invite people; nobody signs themselves up into a company's service desk.
    selfSignUpEnabled: false,
    signInAliases: { email: true },
    standardAttributes: {
      email: { required: true, mutable: true },
      fullname: { required: false, mutable: true },
    },
    passwordPolicy: {
      minLength: 12,
      requireLowercase: true,
      requireUppercase: true,
      requireDigits: true,
      requireSymbols: true,
      tempPasswordValidity: Duration.days(3),
    },
    // Authenticator apps only: SMS needs an IAM role for SNS, costs per message and is the weaker factor.
    mfa: Mfa.OPTIONAL,
    mfaSecondFactor: { otp: true, sms: false },
    accountRecovery: AccountRecovery.EMAIL_ONLY,
    // Threat protection (compromised-credential and risky sign-in blocking) needs the Plus plan.
    featurePlan: FeaturePlan.PLUS,
    standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
    deletionProtection: config.production,
    removalPolicy: config.production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
  });
  Validations.of(userPool).acknowledge({
    id: 'AwsSolutions-COG2',
    reason:
      'MFA is OPTIONAL by product decision: users are invited by operators and enrol an authenticator ' +
      'app (TOTP) themselves; requiring it at first sign-in blocks invited requesters who only file ' +
      'tickets. Threat protection (Plus plan, enforced) covers risky sign-ins meanwhile.',
  });
  return userPool;
}
