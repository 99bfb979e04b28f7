import { ValidationError } from 'aws-cdk-lib';
import { lit } from 'aws-cdk-lib/core/lib/helpers-internal';
import type { IConstruct } from 'constructs';
import { ConfigError } from '../functions/shared/config-error.js';

/**
 * Runs the checks of a construct's props and reports a prop that cannot work as CDK reports one:
 * a ValidationError scoped to the construct, so `cdk synth` names the construct's path beside the
 * message (which names the prop and the fix). The checks themselves throw the project's one
 * ConfigError (the function's own rules); it stays attached as the cause.
 */
export function validateProps<T>(scope: IConstruct, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const scoped = new ValidationError(lit`FaspayTokenRefresherConfigInvalid`, error.message, scope);
    scoped.cause = error;
    throw scoped;
  }
}
