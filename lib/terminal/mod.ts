/**
 * The simulated terminal, every part: the decision as a pure function
 * ({@linkcode decide}, {@linkcode TerminalSettings}), outcomes ({@linkcode OutcomeSpec}),
 * faults and their delivery plan ({@linkcode FAULTS}, {@linkcode planDelivery},
 * {@linkcode deliver}), rules, magic amounts and scenario files ({@linkcode evaluateRules},
 * {@linkcode MAGIC_AMOUNTS}, {@linkcode parseScenario}, {@linkcode watchScenarioFile}),
 * the TCP simulator ({@linkcode TerminalSimulator}), the {@linkcode RuleEngine}, the
 * {@linkcode HoldDesk}, the control layer ({@linkcode TerminalControl}), the
 * {@linkcode Journal} and its file, interactive mode ({@linkcode Operator}), the log
 * ({@linkcode logSimulator}) and the HTTP control API with its dashboard
 * ({@linkcode startControlServer}, {@linkcode createControlHandler}); forward mode, a tap
 * in front of a real terminal ({@linkcode ForwardTap}, {@linkcode ScenarioRecorder},
 * {@linkcode maskFrame}); with the random sources ({@linkcode seededRandom}). The program `server.ts` assembles them.
 *
 * @example A terminal whose next payment is refused, decided by a rule engine
 * ```ts
 * import assert from "node:assert/strict";
 * import { pay } from "../pos_client.ts";
 * import { notDone, RuleEngine, TerminalSimulator } from "./mod.ts";
 *
 * const engine = new RuleEngine();
 * const terminal = new TerminalSimulator({
 *   hostname: "127.0.0.1",
 *   port: 0,
 *   settings: { delayMs: 0 },
 *   decide: engine.decide,
 * });
 * const { port } = await terminal.start();
 * engine.enqueue(notDone("refused"));
 * assert.equal((await pay({ amount: 1250 }, { port })).answer.reason, "refused");
 * await terminal.close();
 * ```
 *
 * @module
 */

export { type Field, FrameError, type FrameErrorKind, type PartialDecode } from "../tlv.ts";
export { type Message, type MessageEnd } from "../framing.ts";
export { type Currency } from "../money.ts";
export { type Action, type Finding, type Request } from "../message.ts";
export { cryptoRandom, type Random, seededRandom } from "../random.ts";
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
} from "./behaviour.ts";
export {
  type AnswerRecord,
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
} from "./outcome.ts";
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
} from "./fault.ts";
export {
  deliver,
  type DeliveryConnection,
  type DeliveryResult,
  endConnection,
} from "./delivery.ts";
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
} from "./rules.ts";
export { formatMagicAmounts, MAGIC_AMOUNTS, type MagicAmount, magicAmountRules } from "./magic.ts";
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
  type SettingsRead,
  type ValueCheck,
} from "./scenario.ts";
export {
  type BeforeAnswerHook,
  type Concurrency,
  CONCURRENCY_MODES,
  type ConnectionClosedInfo,
  type ConnectionInfo,
  type ConnectionOpenedInfo,
  type ConnectionOverflow,
  type ConnectionPhase,
  type ConnectionProblem,
  type DecisionHook,
  type DecisionHookContext,
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_RECORD_TIMEOUT_MS,
  EXTRA_BYTES_MAX,
  EXTRA_BYTES_WINDOW_MS,
  type ExtraBytesInfo,
  type QueuedRequest,
  type RefusalPeriod,
  type SimulatorEventMap,
  type SimulatorOptions,
  TerminalSimulator,
  type Transaction,
  type TransactionState,
} from "./simulator.ts";
export {
  type Answered,
  type Asker,
  type EngineOptions,
  type PendingDecision,
  type QueueSnapshot,
  RuleEngine,
} from "./engine.ts";
export { DecidedElsewhere, firstAnswer } from "./askers.ts";
export {
  DECISION_NAMES,
  decisionOutcome,
  type HeldTransaction,
  HoldDesk,
  type HoldEventMap,
  type HoldOptions,
  type Release,
} from "./hold.ts";
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
} from "./control.ts";
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
} from "./journal.ts";
export { JournalFile, type JournalFileOptions } from "./journal_file.ts";
export { type ControlServer, type ControlServerOptions, startControlServer } from "./http/serve.ts";
export {
  type ControlHandler,
  type ControlHandlerOptions,
  createControlHandler,
  MAX_QUEUED,
} from "./http/routes.ts";
export { type AccessPolicy, makeAccessPolicy } from "./http/auth.ts";
export { EventHub, type EventHubOptions } from "./http/events.ts";
export { ApiError } from "./http/responses.ts";
export {
  loadScenarioFile,
  type ScenarioReadResult,
  type ScenarioWatcher,
  type WatchOptions,
  watchScenarioFile,
} from "./scenario_file.ts";
export {
  Operator,
  OPERATOR_KEYS,
  type OperatorIO,
  type OperatorKey,
  type OperatorOptions,
  renderCountdown,
  renderPrompt,
  withReadMode,
} from "./interactive.ts";
export { type Keyboard, openKeyboard, stdinIsTerminal } from "./tty.ts";
export {
  describeDecider,
  formatTable,
  logControl,
  logFindings,
  logSimulator,
  type SimulatorLogger,
} from "./log.ts";
export { type JournalContents, parseJournal, readJournalFile } from "./journal_file.ts";
export {
  findSetting,
  legacyOptions,
  overlaySettings,
  overriddenSettings,
  SCENARIO_SETTING_KEYS,
  SETTING_KEYS_ALL,
  type SettingOption,
  type SettingRow,
  SETTINGS,
  type SettingType,
  terminalSettings,
  viewSetting,
  viewSettings,
} from "./settings.ts";
export {
  assembleDecision,
  assembleTerminal,
  completeTerminal,
  type Decision,
  type ForwardSource,
  type Terminal,
  type TerminalConfig,
} from "./assemble.ts";
export type {
  ConnectionClosed,
  ConnectionEvent,
  ConnectionOpened,
  ExtraBytes,
  StillOpen,
} from "../diagnosis/input.ts";
export {
  DEFAULT_CONNECT_TIMEOUT_MS,
  type ForwardOptions,
  ForwardTap,
  type Upstream,
  UpstreamError,
} from "./forward.ts";
export {
  type ForwardedFrom,
  type ForwardExchange,
  type ForwardTransaction,
  forwardTransaction,
  outcomeOf,
  WireCopy,
} from "./forward_exchange.ts";
export {
  addToRecording,
  type RecordedRule,
  recordedRule,
  type RecorderOptions,
  type Recording,
  renderRecording,
  ScenarioRecorder,
} from "./record.ts";
export {
  holdsCardNumber,
  luhnValid,
  MASK_CHARACTER,
  maskDigits,
  maskFields,
  maskFrame,
  maskValue,
  MAX_PAN_DIGITS,
  MIN_PAN_DIGITS,
} from "../mask.ts";
export {
  bindWatch,
  diagnosisSettings,
  type FindingChange,
  PosWatch,
  type PosWatchEventMap,
  type PosWatchOptions,
  watchOf,
} from "./watch.ts";
