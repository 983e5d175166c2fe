import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Grant } from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  HttpMethods,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { accessLogBucket } from './access-log-bucket.js';
import type { StackConfig } from './config.js';

export interface StorageConstructProps {
  readonly config: StackConfig;
  /** Signs the presigned URLs of the attachments routes (docs/email.md#attachments-api). */
  readonly attachmentsFunction: NodejsFunction;
}

/**
 * The attachments bucket (docs/email.md#attachments-api): private, encrypted, TLS only, reached by clients only
 * through presigned URLs that the attachments function signs. Uploaded files live under
 * `tickets/<ticketId>/`, files received by mail under `mail/<hash>/`.
 */
export class StorageConstruct extends Construct {
  readonly attachments: Bucket;

  constructor(scope: Construct, id: string, props: StorageConstructProps) {
    super(scope, id);
    const { config } = props;
    this.attachments = new Bucket(this, 'Attachments', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      serverAccessLogsBucket: accessLogBucket(this, config),
      serverAccessLogsPrefix: 'attachments/',
      // An upload URL that was never used leaves nothing; a multipart upload that was left behind would.
      lifecycleRules: [{ abortIncompleteMultipartUploadAfter: Duration.days(1) }],
      // Browsers PUT to presigned URLs from the web client's origin; the signature, not CORS, is the guard.
      cors:
        config.corsOrigins.length > 0
          ? [
              {
                allowedOrigins: [...config.corsOrigins],
                allowedMethods: [HttpMethods.PUT, HttpMethods.GET],
                allowedHeaders: ['content-type'],
                maxAge: 600,
              },
            ]
          : undefined,
      removalPolicy: config.production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    props.attachmentsFunction.addEnvironment('ATTACHMENTS_BUCKET', this.attachments.bucketName);
    this.grantPresign(props.attachmentsFunction);
  }

  /** For presigning: uploads under `tickets/`, downloads of any file (the signer needs the permission it grants). */
  grantPresign(grantee: NodejsFunction): void {
    Grant.addToPrincipal({
      grantee,
      actions: ['s3:PutObject'],
      resourceArns: [this.attachments.arnForObjects('tickets/*')],
    });
    Grant.addToPrincipal({
      grantee,
      actions: ['s3:GetObject'],
      resourceArns: [this.attachments.arnForObjects('*')],
    });
    for (const prefix of ['tickets/*', '*']) {
      Validations.of(grantee.role!).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${this.bucketLogicalId()}.Arn>/${prefix}]`,
        reason:
          'Presigned upload and download URLs are signed for one key each, chosen at request time (a new ' +
          'attachment id under tickets/<ticketId>/); the signer must hold the permission for every key it may sign.',
      });
    }
  }

  /** For the mail gateway: stores what mail brings under `mail/`. */
  grantMailWrite(grantee: NodejsFunction): void {
    Grant.addToPrincipal({
      grantee,
      actions: ['s3:PutObject'],
      resourceArns: [this.attachments.arnForObjects('mail/*')],
    });
    Validations.of(grantee.role!).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${this.bucketLogicalId()}.Arn>/mail/*]`,
      reason:
        'The mail gateway stores each mail’s attachments under mail/<hash of its Message-ID>/, keys known only ' +
        'when the mail arrives; the grant is limited to that prefix and to PutObject.',
    });
  }

  private bucketLogicalId(): string {
    return Stack.of(this).getLogicalId(this.attachments.node.defaultChild as CfnBucket);
  }
}
