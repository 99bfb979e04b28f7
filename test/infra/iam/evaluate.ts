import { runSimulation } from '@cloud-copilot/iam-simulate';
import type { IamRequest } from './iam-requests.js';
import type { PolicyDocument } from './template-policies.js';

/** A principal as IAM sees it: a role session (with its identity policies) or an AWS service. */
export type Principal =
  | { readonly kind: 'role'; readonly roleName: string; readonly identityPolicies: { name: string; policy: PolicyDocument }[] }
  | { readonly kind: 'service'; readonly service: string };

export interface PolicySet {
  readonly account: string;
  readonly principals: Readonly<Record<string, Principal>>;
  /** The resource policy of a resource ARN (a KMS key policy, a function's permissions, a secret's policy). */
  readonly resourcePolicyOf: (resourceArn: string) => PolicyDocument | undefined;
}

export type Decision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

/**
 * IAM's decision on one request, by @cloud-copilot/iam-simulate (identity and resource policies,
 * conditions, KMS key-policy trust). A request the simulator rejects as malformed (unknown action,
 * a resource the action does not take, a mistyped context key) fails instead of being "denied".
 */
export async function decide(policies: PolicySet, request: IamRequest): Promise<Decision> {
  const principal = policies.principals[request.caller];
  if (principal === undefined) throw new Error(`no principal named ${request.caller}`);
  const resourcePolicy = policies.resourcePolicyOf(request.resource);
  const answer = await runSimulation(
    {
      request: {
        principal:
          principal.kind === 'role' ? `arn:aws:sts::${policies.account}:assumed-role/${principal.roleName}/session` : principal.service,
        action: request.action,
        resource: { resource: request.resource, accountId: policies.account },
        contextVariables: { ...request.context },
      },
      identityPolicies: principal.kind === 'role' ? principal.identityPolicies : [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(resourcePolicy === undefined ? {} : { resourcePolicy }),
    },
    {},
  );
  if (answer.resultType === 'error') {
    throw new Error(`the simulator rejected ${describe(request)}: ${JSON.stringify(answer.errors)}`);
  }
  return answer.overallResult as Decision;
}

/** For failure messages: never the request's values, only who, what and where. */
export function describe(request: IamRequest): string {
  return `${request.caller} ${request.action} on ${request.resource} (${request.because})`;
}
