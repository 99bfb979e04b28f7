import { ValidationError } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { ConfigError } from '../functions/shared/config-error.js';

/**
 * Runs the checks of a construct's props and reports a prop that cannot work as CDK reports one:
 * a ValidationError scoped to the construct, so `cdk synth` names the construct's path beside the
 * message (which names the prop and the fix). The checks themselves throw the project's one
 * ConfigError (the function's own rules); it stays attached as the cause.
 */
// CDK brands an error's name as a literal string; its helper for that is internal (core/lib/helpers-internal),
// so the literal is branded here instead of importing a path the package may move.
const ERROR_NAME = 'FaspayTokenRefresherConfigInvalid' as ConstructorParameters<typeof ValidationError>[0];

export function validateProps<T>(scope: IConstruct, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const scoped = new ValidationError(ERROR_NAME, error.message, scope);
    scoped.cause = error;
    throw scoped;
  }
}
