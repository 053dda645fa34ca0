/**
 * caisse-ap: build and test payments over the Caisse-AP over IP protocol without a real
 * payment terminal or a real card.
 *
 * - The codec: {@linkcode decode}, {@linkcode encode}, the stream reader
 *   {@linkcode MessageReader}, the tag dictionary {@linkcode TAGS}.
 * - Typed messages: {@linkcode buildRequest}, {@linkcode parseAnswer},
 *   {@linkcode explainAnswer}, {@linkcode checkRequest}, {@linkcode reportFrame}; exact amounts with
 *   {@linkcode parseAmount}.
 * - The POS side: {@linkcode pay}, {@linkcode refund}, {@linkcode cheque},
 *   {@linkcode identify}, and {@linkcode exchange} for any request or raw frame; each
 *   takes an `AbortSignal`.
 * - The simulated terminal: {@linkcode TerminalSimulator}, and its decision as a pure
 *   function, {@linkcode decide}.
 * - For test suites: {@linkcode startTerminal}, a simulator on a free port of 127.0.0.1
 *   that answers at once and closes with `await using`, with its control layer
 *   ({@linkcode TerminalControl}): queue outcomes for every register or one, hold
 *   payments ({@linkcode HoldDesk}) and decide them, read the journal, reset; the same
 *   over HTTP with a dashboard: {@linkcode startControlServer}.
 * - Outcome control: the {@linkcode OutcomeSpec} a tester asks for; scenario files
 *   ({@linkcode parseScenario}), rules ({@linkcode evaluateRules}) and the magic amounts
 *   ({@linkcode MAGIC_AMOUNTS}), decided by a {@linkcode RuleEngine}; the
 *   {@linkcode Journal} of every transaction; interactive mode ({@linkcode Operator}).
 * - Faults: an outcome's {@linkcode FaultSpec} (no answer, a dropped, split, slow,
 *   garbled or cut answer, busy, refused connections), {@linkcode parseFault} and
 *   {@linkcode planDelivery}; the simulator's limits and {@linkcode Concurrency} modes.
 *
 * @example Test POS code against a simulated terminal
 * ```ts
 * import { pay, startTerminal } from "./mod.ts";
 *
 * await using terminal = await startTerminal({ settings: { failure: true } });
 * const result = await pay({ amount: 1250, currency: "EUR" }, terminal.endpoint);
 * console.log(result.answer.approved, result.answer.reason); // false "operator abandon"
 * ```
 *
 * @example The simulator itself, on a port of your choice
 * ```ts
 * import { pay, TerminalSimulator } from "./mod.ts";
 *
 * const terminal = new TerminalSimulator({ hostname: "127.0.0.1", port: 0, settings: { delayMs: 0 } });
 * const { port } = await terminal.start();
 * const result = await pay({ amount: 1250, currency: "EUR" }, { port });
 * console.log(result.answer.approved); // true
 * await terminal.close();
 * ```
 *
 * @module
 */

export {
  asciiBytes,
  decode,
  type DecodeOptions,
  decodePartial,
  encode,
  encodeBytes,
  escapeText,
  type Field,
  FrameError,
  type FrameErrorKind,
  getField,
  type PartialDecode,
  RecordScanner,
  setField,
  toText,
} from "./lib/tlv.ts";
export {
  type ByteSource,
  DEFAULT_MAX_BYTES,
  DEFAULT_QUIET_MS,
  holdsStatus,
  type Message,
  type MessageEnd,
  MessageReader,
  MessageSizeError,
  MessageTimeoutError,
  QUIET_PAUSE_FACTOR,
  type ReadOptions,
  writeAll,
} from "./lib/framing.ts";
export {
  ACTIONS,
  APPLICATIONS,
  type Charset,
  checkFormat,
  COMPLEMENTS,
  type Confidence,
  describeField,
  type Direction,
  MANDATORY_IDENTIFICATION_TAGS,
  MANDATORY_REQUEST_TAGS,
  READ_MODES,
  STATUSES,
  type TagInfo,
  tagName,
  TAGS,
  valueMeaning,
} from "./lib/tags.ts";
export {
  type Currency,
  findCurrency,
  formatAmount,
  fromAmountField,
  getCurrency,
  parseAmount,
  type ParsedAmount,
  toAmountField,
} from "./lib/money.ts";
export {
  type Action,
  ACTION_CODES,
  type Answer,
  buildRequest,
  checkRequest,
  CHEQUE_APPLICATION,
  compareAnswer,
  DEFAULT_POS_ID,
  DEFAULT_VERSION,
  explainAnswer,
  type Finding,
  parseAnswer,
  parseRequest,
  type Request,
  type RequestOptions,
} from "./lib/message.ts";
export {
  cheque,
  type ConnectionOptions,
  DEFAULT_ANSWER_TIMEOUT_MS,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_PORT,
  exchange,
  type ExchangeResult,
  type IdentificationOptions,
  identify,
  pay,
  PosError,
  type PosErrorKind,
  refund,
} from "./lib/pos.ts";
export { formatReport, type FrameReport, reportFrame } from "./lib/report.ts";
export { cryptoRandom, type Random, seededRandom } from "./lib/random.ts";
export {
  decide,
  type DecidedBy,
  type DecisionContext,
  type DecisionSource,
  DEFAULT_PRIVATE_DATA,
  DEFAULT_SETTINGS,
  defaultOutcome,
  type Directive,
  type Examination,
  examineRequest,
  FAILURE_COMPLEMENTS,
  type FailureType,
  type Outcome,
  PAYMENT_TYPES,
  type PaymentType,
  type Plan,
  type PlannedFault,
  type ReceivedRequest,
  type RuleMiss,
  type RuleRef,
  type TerminalSettings,
} from "./lib/terminal/behaviour.ts";
export {
  type ApprovedAmountSpec,
  type CardSpec,
  COMPLEMENT_NAMES,
  type DelaySpec,
  describeOutcome,
  notDone,
  type OutcomeSpec,
  type OutcomeStatus,
  parseResult,
  READ_MODE_NAMES,
} from "./lib/terminal/outcome.ts";
export {
  BUSY_COMPLEMENT,
  checkFault,
  checkFaultParameter,
  type Delivery,
  type DeliveryEnd,
  type DeliverySegment,
  describeFault,
  FAULT_KINDS,
  type FaultDefinition,
  type FaultInfo,
  type FaultKind,
  type FaultParameter,
  FAULTS,
  type FaultSpec,
  type FaultTerminal,
  type FaultValues,
  formatFault,
  isFaultKind,
  parseFault,
  planDelivery,
} from "./lib/terminal/fault.ts";
export {
  deliver,
  type DeliveryConnection,
  type DeliveryResult,
  endConnection,
} from "./lib/terminal/delivery.ts";
export {
  type AmountCondition,
  type AnswerModeCondition,
  type ApplicationCondition,
  checkConditions,
  type Conditions,
  DEFAULT_RULE_ACTIONS,
  describeRule,
  evaluateRules,
  type Evaluation,
  initialRuleState,
  type Rule,
  type RuleState,
} from "./lib/terminal/rules.ts";
export {
  formatMagicAmounts,
  MAGIC_AMOUNTS,
  type MagicAmount,
  magicAmountRules,
} from "./lib/terminal/magic.ts";
export {
  formatProblem,
  parseScenario,
  readOutcomeValue,
  readSettingsValue,
  type Scenario,
  ScenarioError,
  type ScenarioProblem,
  type ScenarioProblemKind,
  SETTING_KEYS,
  type ValueCheck,
} from "./lib/terminal/scenario.ts";
export {
  type DetailOf,
  Emitter,
  type EventMapOf,
  ListenerError,
  type OnOptions,
} from "./lib/events.ts";
export {
  type BeforeAnswerHook,
  type Concurrency,
  CONCURRENCY_MODES,
  type ConnectionInfo,
  type ConnectionOverflow,
  type ConnectionProblem,
  type DecisionHook,
  type DecisionHookContext,
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_RECORD_TIMEOUT_MS,
  type QueuedRequest,
  type RefusalPeriod,
  type SimulatorEventMap,
  type SimulatorOptions,
  TerminalSimulator,
  type Transaction,
  type TransactionState,
} from "./lib/terminal/simulator.ts";
export {
  type Endpoint,
  startTerminal,
  TestTerminal,
  type TestTerminalOptions,
} from "./lib/fixture.ts";
export {
  type Answered,
  type Asker,
  type EngineOptions,
  type PendingDecision,
  type QueueSnapshot,
  RuleEngine,
} from "./lib/terminal/engine.ts";
export { DecidedElsewhere, firstAnswer } from "./lib/terminal/askers.ts";
export {
  DECISION_NAMES,
  decisionOutcome,
  type HeldTransaction,
  HoldDesk,
  type HoldEventMap,
  type HoldOptions,
  type Release,
} from "./lib/terminal/hold.ts";
export {
  type Arrival,
  type Baseline,
  type ControlEventMap,
  type ControlOptions,
  type ControlSettings,
  type ControlStatus,
  type ScenarioInfo,
  type SettingsChange,
  TerminalControl,
} from "./lib/terminal/control.ts";
export {
  DEFAULT_JOURNAL_CAPACITY,
  type FieldMap,
  Journal,
  type JournalEnd,
  type JournalEntry,
  type JournalOptions,
  type JournalRecord,
  type JournalSink,
  toJournalEntry,
} from "./lib/terminal/journal.ts";
export { JournalFile, type JournalFileOptions } from "./lib/terminal/journal_file.ts";
export {
  type ControlServer,
  type ControlServerOptions,
  startControlServer,
} from "./lib/terminal/http/serve.ts";
export {
  type ControlHandler,
  type ControlHandlerOptions,
  createControlHandler,
  MAX_QUEUED,
} from "./lib/terminal/http/routes.ts";
export { type AccessPolicy, makeAccessPolicy } from "./lib/terminal/http/auth.ts";
export { EventHub, type EventHubOptions } from "./lib/terminal/http/events.ts";
export { ApiError } from "./lib/terminal/http/responses.ts";
export {
  loadScenarioFile,
  type ScenarioReadResult,
  type ScenarioWatcher,
  type WatchOptions,
  watchScenarioFile,
} from "./lib/terminal/scenario_file.ts";
export {
  Operator,
  OPERATOR_KEYS,
  type OperatorIO,
  type OperatorKey,
  type OperatorOptions,
  renderCountdown,
  renderPrompt,
  withReadMode,
} from "./lib/terminal/interactive.ts";
export { type Keyboard, openKeyboard, stdinIsTerminal } from "./lib/terminal/tty.ts";
export {
  describeDecider,
  formatTable,
  logControl,
  logSimulator,
  type SimulatorLogger,
} from "./lib/terminal/log.ts";
