import type { CodedError } from '../shared/coded-error.js';

/*
 * The contract of a failed invocation, as Lambda reports it to whoever invoked the function (the
 * CLI's `refresh`, a console test, a script): `errorType` is the error's class name (each class
 * sets it literally, so minification cannot rename it) and `errorMessage` starts with the stable
 * code and a colon, e.g. `FASPAY_UNAUTHORIZED: Faspay answered Unauthorized (HTTP 401)`.
 */

const CODE_PREFIX = /^([A-Z][A-Z0-9_]{1,63}): /;

/** The error the handler throws: the same error, its message led by its code (idempotent). */
export function asFunctionError(error: CodedError): CodedError {
  if (!error.message.startsWith(`${error.code}: `)) error.message = `${error.code}: ${error.message}`;
  return error;
}

/** The stable code at the start of a Lambda `errorMessage`, or undefined when it has none (Runtime.*, timeouts). */
export function codeOfFunctionErrorMessage(errorMessage: string): string | undefined {
  return CODE_PREFIX.exec(errorMessage)?.[1];
}
