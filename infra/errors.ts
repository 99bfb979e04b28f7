/**
 * A construct prop or CDK context value that cannot work. The message names the setting, shows the
 * value received and says the fix, so `cdk synth` fails before anything reaches AWS.
 */
export class InfraConfigError extends Error {
  override readonly name = 'InfraConfigError';

  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options);
  }
}
