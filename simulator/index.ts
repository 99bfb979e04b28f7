export { BALANCE_BODY, faultAnswer, successAnswer, successBody, unauthorizedBody, type TokenEndpointAnswer } from './answers.js';
export { DEMO_CREDENTIALS } from './demo-credentials.js';
export { FAULT_HELP, FAULTS, isFault, type Fault } from './faults.js';
export {
  SERVICE_PATHS,
  startSimulator,
  type RunningSimulator,
  type SimulatorOptions,
  type SimulatorRequestEvent,
} from './server.js';
export { createTokenLedger, type TokenLedger } from './token-ledger.js';
export { createVerifier, type Verdict, type VerifierOptions } from './verifier.js';
