export { BALANCE_BODY, faultAnswer, successAnswer, successBody, type TokenEndpointAnswer, unauthorizedBody } from './answers.js';
export { DEMO_CREDENTIALS } from './demo-credentials.js';
export { FAULT_HELP, FAULTS, type Fault, isFault } from './faults.js';
export {
  type RunningSimulator,
  SERVICE_PATHS,
  type SimulatorOptions,
  type SimulatorRequestEvent,
  startSimulator,
} from './server.js';
export { createTokenLedger, type TokenLedger } from './token-ledger.js';
export { createVerifier, type Verdict, type VerifierOptions } from './verifier.js';
