import { CodedError } from './coded-error.js';

/**
 * A setting that cannot work: an environment variable, a construct prop, a CDK context key or a CLI
 * flag. The message starts with the setting's name, says what is expected and shows the value
 * received (settings are names, paths and numbers, never secrets).
 */
export class ConfigError extends CodedError<'CONFIG_INVALID'> {
  override readonly name = 'ConfigError';
  readonly code = 'CONFIG_INVALID' as const;

  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options);
  }
}
