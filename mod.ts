/**
 * caisse-ap: build and test payments over the Caisse-AP over IP protocol without a real
 * payment terminal or a real card. This entry holds what a POS test suite and a program
 * need; the rest is in the subpath entries below.
 *
 * - The codec basics: {@linkcode decode}, {@linkcode encode}, the stream reader
 *   {@linkcode MessageReader}, the tag dictionary {@linkcode TAGS}; exact amounts with
 *   {@linkcode parseAmount} and {@linkcode formatAmount}.
 * - Typed messages: {@linkcode buildRequest}, {@linkcode parseAnswer},
 *   {@linkcode explainAnswer}, {@linkcode checkRequest}, {@linkcode reportFrame}.
 * - The POS side: {@linkcode pay}, {@linkcode refund}, {@linkcode cheque},
 *   {@linkcode identify}, and {@linkcode exchange} for any request or raw frame; each
 *   takes an `AbortSignal`; what goes wrong is a {@linkcode PosError}.
 * - For test suites: {@linkcode startTerminal}, a simulator on a free port of 127.0.0.1
 *   that answers at once and closes with `await using`, with its control layer
 *   ({@linkcode TerminalControl}): queue outcomes ({@linkcode OutcomeSpec},
 *   {@linkcode notDone}, faults with {@linkcode FaultSpec}) for every register or one,
 *   hold payments and decide them, read the {@linkcode Journal}, reset; scenario files
 *   with {@linkcode parseScenario} and a {@linkcode RuleEngine}; the same over HTTP with a
 *   dashboard: {@linkcode startControlServer}.
 * - The simulated terminal: {@linkcode TerminalSimulator} and its
 *   {@linkcode SimulatorOptions}.
 * - Errors: {@linkcode FrameError}, {@linkcode MessageSizeError},
 *   {@linkcode MessageTimeoutError}, {@linkcode PosError}, {@linkcode ScenarioError},
 *   {@linkcode DecidedElsewhere}, {@linkcode ApiError}.
 *
 * The subpath entries hold the whole of each area: `./codec` (records, framing, tags,
 * amounts, typed messages, reports), `./pos` (the POS client), `./testing` (the test
 * fixture and what drives the simulated terminal's outcomes), `./terminal` (every part of
 * the simulated terminal: decision, faults, delivery, rules, scenario files, engine, hold
 * desk, control, journal, interactive mode, logs, the HTTP control API); `./client` and
 * `./server` are the two programs. The library's guide is `lib/LIBRARY.md`.
 *
 * @example Test POS code against a simulated terminal
 * ```ts
 * import assert from "node:assert/strict";
 * import { pay, startTerminal } from "./mod.ts";
 *
 * await using terminal = await startTerminal({ settings: { failure: true } });
 * const result = await pay({ amount: 1250, currency: "EUR" }, terminal.endpoint);
 * assert.equal(result.answer.approved, false);
 * assert.equal(result.answer.reason, "operator abandon");
 * ```
 *
 * @example The simulator itself, on a port of your choice
 * ```ts
 * import assert from "node:assert/strict";
 * import { pay, TerminalSimulator } from "./mod.ts";
 *
 * const terminal = new TerminalSimulator({ hostname: "127.0.0.1", port: 0, settings: { delayMs: 0 } });
 * const { port } = await terminal.start();
 * const result = await pay({ amount: 1250, currency: "EUR" }, { port });
 * assert.equal(result.answer.approved, true);
 * await terminal.close();
 * ```
 *
 * @module
 */

export {
  decode,
  type DecodeOptions,
  decodePartial,
  encode,
  encodeBytes,
  type Field,
  FrameError,
  type FrameErrorKind,
  getField,
  type PartialDecode,
} from "./lib/tlv.ts";
export {
  type ByteSource,
  type Message,
  type MessageEnd,
  MessageReader,
  MessageSizeError,
  MessageTimeoutError,
  type ReadOptions,
} from "./lib/framing.ts";
export {
  type Charset,
  type Confidence,
  type Direction,
  type TagInfo,
  tagName,
  TAGS,
  valueMeaning,
} from "./lib/tags.ts";
export {
  type Currency,
  formatAmount,
  getCurrency,
  parseAmount,
  type ParsedAmount,
} from "./lib/money.ts";
export {
  type Action,
  type Answer,
  buildRequest,
  checkRequest,
  compareAnswer,
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
export {
  detectLanguage,
  formatMoney,
  type Language,
  type LanguageEnvironment,
  LANGUAGES,
  type MoneyCurrency,
  terminalAmount,
} from "./lib/i18n/mod.ts";
export { type Random } from "./lib/random.ts";
export {
  type DecidedBy,
  type DecisionContext,
  type DecisionSource,
  DEFAULT_SETTINGS,
  type FailureType,
  type Outcome,
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
  type DelaySpec,
  notDone,
  type OutcomeSpec,
  type OutcomeStatus,
} from "./lib/terminal/outcome.ts";
export {
  checkFault,
  type Delivery,
  type DeliveryEnd,
  type DeliverySegment,
  type FaultKind,
  type FaultSpec,
  parseFault,
} from "./lib/terminal/fault.ts";
export {
  type AmountCondition,
  type AnswerModeCondition,
  type ApplicationCondition,
  type Conditions,
  type Rule,
  type RuleState,
} from "./lib/terminal/rules.ts";
export {
  parseScenario,
  type Scenario,
  ScenarioError,
  type ScenarioProblem,
  type ScenarioProblemKind,
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
  type ConnectionClosedInfo,
  type ConnectionInfo,
  type ConnectionOpenedInfo,
  type ConnectionOverflow,
  type ConnectionPhase,
  type ConnectionProblem,
  type DecisionHook,
  type DecisionHookContext,
  type ExtraBytesInfo,
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
export { DecidedElsewhere } from "./lib/terminal/askers.ts";
export {
  type HeldTransaction,
  HoldDesk,
  type HoldEventMap,
  type Release,
} from "./lib/terminal/hold.ts";
export {
  type Arrival,
  type ControlEventMap,
  type ControlSettings,
  type ControlStatus,
  type ScenarioInfo,
  type SettingsChange,
  TerminalControl,
} from "./lib/terminal/control.ts";
export {
  type FieldMap,
  Journal,
  type JournalEnd,
  type JournalEntry,
  type JournalOptions,
  type JournalRecord,
  type JournalSink,
} from "./lib/terminal/journal.ts";
export {
  type ControlServer,
  type ControlServerOptions,
  startControlServer,
} from "./lib/terminal/http/serve.ts";
export { type ControlHandler } from "./lib/terminal/http/routes.ts";
export { EventHub, type EventHubOptions } from "./lib/terminal/http/events.ts";
export { ApiError } from "./lib/terminal/http/responses.ts";
export { type ScenarioReadResult } from "./lib/terminal/scenario_file.ts";
export {
  type Campaign,
  type CampaignCase,
  type CampaignState,
  diagnose,
  type DiagnosisFinding,
  type DiagnosisInput,
  type DiagnosisOptions,
  type Evidence,
  type FindingCode,
  type Occurrence,
  type PosRef,
  type Severity,
  shouldFail,
  STANDARD_CAMPAIGN,
} from "./lib/diagnosis/mod.ts";
export {
  type FindingChange,
  PosWatch,
  type PosWatchEventMap,
  type PosWatchOptions,
} from "./lib/terminal/watch.ts";
