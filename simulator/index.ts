export { BALANCE_BODY, faultAnswer, successAnswer, successBody, type TokenEndpointAnswer, unauthorizedBody } from './answers.js';
export { DEMO_CREDENTIALS } from './demo-credentials.js';
export { FAULT_HELP, FAULTS, type Fault, isFault } from './faults.js';
export {
  type BookedTransfer,
  createPayoutBook,
  DEFAULT_SIMULATED_BALANCE,
  methodOf,
  type PayoutBook,
  SERVICE_PATH,
  SERVICE_PATHS,
  type ServicePath,
  SIMULATED_RESPONSE_CODES,
  servicePathOf,
} from './payouts.js';
export {
  type RunningSimulator,
  type SimulatorOptions,
  type SimulatorRequestEvent,
  startSimulator,
} from './server.js';
export { SERVICE_FAULTS, type ServiceFault } from './service-faults.js';
export { createTokenLedger, type TokenLedger } from './token-ledger.js';
export { createVerifier, type Verdict, type VerifierOptions } from './verifier.js';
