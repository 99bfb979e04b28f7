import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { IConstruct } from 'constructs';
import {
  REJECTION_REPORT_BUS_ENV,
  REJECTION_REPORT_DETAIL_TYPE,
  REJECTION_REPORT_SOURCE,
} from '../functions/contracts/rejection-report.js';

/** What the refresher's grants are about: exact ARNs, the optional customer key, the credentials. */
export interface GrantedResources {
  readonly parameterArn: string;
  readonly leaseParameterArn: string;
  readonly tokenParameterKey?: kms.IKey;
  readonly credentialsSecret: secretsmanager.ISecret;
}

/** The refresher's IAM, least privilege on exact ARNs; KMS use only through the owning service (kms:ViaService). */
export class RefresherGrants {
  private readonly stack: Stack;

  constructor(
    scope: IConstruct,
    private readonly resources: GrantedResources,
  ) {
    this.stack = Stack.of(scope);
  }

  /** The function: read and write the token, its lease, the key through SSM, read the credentials. */
  grantRefresher(fn: lambda.IFunction): void {
    iam.Grant.addToPrincipal({
      grantee: fn,
      actions: ['ssm:GetParameter', 'ssm:PutParameter'],
      resourceArns: [this.resources.parameterArn],
    });
    // The lease (functions/adapters/parameter-lease.ts): create, read (earlier versions too, by selector),
    // take over, release. The one DeleteParameter the role holds, on this exact name only.
    iam.Grant.addToPrincipal({
      grantee: fn,
      actions: ['ssm:GetParameter', 'ssm:PutParameter', 'ssm:DeleteParameter'],
      resourceArns: [this.resources.leaseParameterArn],
    });
    this.grantTokenKey(fn, ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey']);
    this.grantCredentialsRead(fn);
  }

  /** A consumer: read the token (and decrypt it through SSM) and the credentials. */
  grantRead(grantee: iam.IGrantable): iam.Grant {
    const parameter = iam.Grant.addToPrincipal({ grantee, actions: ['ssm:GetParameter'], resourceArns: [this.resources.parameterArn] });
    const key = this.grantTokenKey(grantee, ['kms:Decrypt']);
    const combined = key === undefined ? parameter : parameter.combine(key);
    return combined.combine(this.grantCredentialsRead(grantee));
  }

  /** A consumer: put rejection reports, and only those, on the default bus. */
  grantReportRejection(grantee: iam.IGrantable): iam.Grant {
    const grant = iam.Grant.addToPrincipal({
      grantee,
      actions: ['events:PutEvents'],
      resourceArns: [this.stack.formatArn({ service: 'events', resource: 'event-bus', resourceName: 'default' })],
      conditions: {
        StringEquals: { 'events:source': REJECTION_REPORT_SOURCE, 'events:detail-type': REJECTION_REPORT_DETAIL_TYPE },
      },
    });
    if (grantee instanceof lambda.Function) grantee.addEnvironment(REJECTION_REPORT_BUS_ENV, 'default');
    return grant;
  }

  private grantTokenKey(grantee: iam.IGrantable, actions: string[]): iam.Grant | undefined {
    const key = this.resources.tokenParameterKey;
    if (key === undefined) return undefined;
    return this.grantKeyVia('ssm', grantee, key.keyArn, actions);
  }

  /** GetSecretValue only (no DescribeSecret); a name import matches the random 6-character suffix. */
  private grantCredentialsRead(grantee: iam.IGrantable): iam.Grant {
    const secret = this.resources.credentialsSecret;
    const arn = secret.secretFullArn ?? `${secret.secretArn}-??????`;
    const grant = iam.Grant.addToPrincipal({ grantee, actions: ['secretsmanager:GetSecretValue'], resourceArns: [arn] });
    if (secret.encryptionKey === undefined) return grant;
    return grant.combine(this.grantKeyVia('secretsmanager', grantee, secret.encryptionKey.keyArn, ['kms:Decrypt']));
  }

  private grantKeyVia(service: 'ssm' | 'secretsmanager', grantee: iam.IGrantable, keyArn: string, actions: string[]): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions,
      resourceArns: [keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `${service}.${this.stack.region}.${this.stack.urlSuffix}` } },
    });
  }
}
