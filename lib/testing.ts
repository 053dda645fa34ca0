/**
 * For the test suites of POS code: {@linkcode startTerminal} starts a simulated terminal on
 * a free port of 127.0.0.1 that answers at once and closes with `await using`; its
 * {@linkcode TerminalControl} queues outcomes ({@linkcode OutcomeSpec},
 * {@linkcode notDone}) for every register or one, holds payments ({@linkcode HoldDesk})
 * until the test decides them, reads the {@linkcode Journal} and resets. Outcomes may carry
 * a fault ({@linkcode FaultSpec}, {@linkcode parseFault}); scenario files
 * ({@linkcode parseScenario}), rules and the magic amounts are decided by a
 * {@linkcode RuleEngine}; {@linkcode startControlServer} serves the control API and the
 * dashboard of a test's terminal.
 *
 * @example Queue a refusal, then hold a payment and decide it
 * ```ts
 * import assert from "node:assert/strict";
 * import { pay } from "./pos_client.ts";
 * import { startTerminal } from "./testing.ts";
 *
 * await using terminal = await startTerminal({ hold: true });
 * terminal.control.enqueue([{ status: "not-done", complement: "04" }]);
 * assert.equal((await pay({ amount: 1250 }, terminal.endpoint)).answer.reason, "refused");
 *
 * const payment = pay({ amount: 990 }, terminal.endpoint);
 * const held = await terminal.control.nextHeld();
 * terminal.control.decideHeldWith(held.id, "contactless");
 * assert.equal((await payment).answer.readMode, "2");
 * ```
 *
 * @module
 */

export { type Field, FrameError, type FrameErrorKind, type PartialDecode } from "./tlv.ts";
export { type Message, type MessageEnd } from "./framing.ts";
export { type Currency } from "./money.ts";
export { type Action, type Finding, type Request } from "./message.ts";
export { type Random } from "./random.ts";
export {
  type DecidedBy,
  type DecisionContext,
  type DecisionSource,
  type FailureType,
  type Outcome,
  type PaymentType,
  type Plan,
  type PlannedFault,
  type ReceivedRequest,
  type RuleMiss,
  type RuleRef,
  type TerminalSettings,
} from "./terminal/behaviour.ts";
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
} from "./terminal/outcome.ts";
export {
  checkFault,
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
  parseFault,
} from "./terminal/fault.ts";
export {
  type AmountCondition,
  type AnswerModeCondition,
  type ApplicationCondition,
  type Conditions,
  type Rule,
  type RuleState,
} from "./terminal/rules.ts";
export {
  formatMagicAmounts,
  MAGIC_AMOUNTS,
  type MagicAmount,
  magicAmountRules,
} from "./terminal/magic.ts";
export {
  parseScenario,
  type Scenario,
  ScenarioError,
  type ScenarioProblem,
  type ScenarioProblemKind,
} from "./terminal/scenario.ts";
export {
  type BeforeAnswerHook,
  type Concurrency,
  type ConnectionInfo,
  type ConnectionOverflow,
  type ConnectionProblem,
  type DecisionHook,
  type DecisionHookContext,
  type QueuedRequest,
  type RefusalPeriod,
  type SimulatorEventMap,
  type SimulatorOptions,
  TerminalSimulator,
  type Transaction,
  type TransactionState,
} from "./terminal/simulator.ts";
export { type Endpoint, startTerminal, TestTerminal, type TestTerminalOptions } from "./fixture.ts";
export {
  type Answered,
  type Asker,
  type EngineOptions,
  type PendingDecision,
  type QueueSnapshot,
  RuleEngine,
} from "./terminal/engine.ts";
export { DecidedElsewhere, firstAnswer } from "./terminal/askers.ts";
export {
  DECISION_NAMES,
  decisionOutcome,
  type HeldTransaction,
  HoldDesk,
  type HoldEventMap,
  type HoldOptions,
  type Release,
} from "./terminal/hold.ts";
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
} from "./terminal/control.ts";
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
} from "./terminal/journal.ts";
export {
  type ControlServer,
  type ControlServerOptions,
  startControlServer,
} from "./terminal/http/serve.ts";
export { type ControlHandler } from "./terminal/http/routes.ts";
export { EventHub, type EventHubOptions } from "./terminal/http/events.ts";
export { type ScenarioReadResult } from "./terminal/scenario_file.ts";
