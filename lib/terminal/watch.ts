/**
 * The diagnosis wired to a running simulator: {@linkcode PosWatch} listens to the
 * simulator's transactions and connection events, folds them into a
 * {@linkcode Diagnosis} off the answer's hot path (queued, then folded in a microtask
 * that the answer never awaits), ticks it on a timer for the findings that depend on
 * time, and runs a campaign ({@linkcode CampaignRun}) as the first decision source.
 *
 * @example
 * ```ts ignore
 * // Not run: `simulator` stands for a running TerminalSimulator.
 * import { PosWatch } from "./watch.ts";
 * const watch = new PosWatch({ timeScale: 0.01 });
 * watch.attach(simulator);
 * watch.on("finding", ({ detail }) => console.log(detail.finding.code));
 * ```
 *
 * @module
 */

import { Emitter, ListenerError } from "../events.ts";
import { type Campaign, CampaignRun, type CampaignState } from "../diagnosis/campaign.ts";
import { type DiagnosisSettings, noAnswerLimit } from "../diagnosis/codes.ts";
import { Diagnosis, type DiagnosisOptions, sortFindings } from "../diagnosis/diagnosis.ts";
import type { DiagnosisFinding } from "../diagnosis/finding.ts";
import type { DiagnosisInput } from "../diagnosis/input.ts";
import type { ReportData, RunInfo } from "../diagnosis/report.ts";
import { isoTime } from "../iso_time.ts";
import { getField } from "../tlv.ts";
import { decide, examineRequest, type TerminalSettings } from "./behaviour.ts";
import { toJournalEntry } from "./journal.ts";
import type {
  DecisionHook,
  TerminalSimulator,
  Transaction,
  TransactionState,
} from "./simulator.ts";

/**
 * How long the `finding` event of a finding already known may wait, in milliseconds: its
 * changes meanwhile make one event. 100 ms.
 */
export const FINDING_UPDATE_MS = 100;

/** Options of a {@linkcode PosWatch}: the diagnosis's settings, and a campaign. */
export interface PosWatchOptions extends DiagnosisOptions {
  /** The campaign to run: each register's Nth debit or credit gets its Nth case. */
  campaign?: Campaign;
  /**
   * How often the time-based checks run, in milliseconds. Default: a twentieth of the
   * no-answer limit, from 20 ms to 1 s.
   */
  tickMs?: number;
  /** The tool's name and version, for the report. */
  tool?: string;
}

/** A finding made new or changed: the `finding` event. */
export interface FindingChange {
  /** Whether it is new (its first occurrence). */
  new: boolean;
  /** The finding, as it is now. */
  finding: DiagnosisFinding;
}

/** The events of a {@linkcode PosWatch}. */
export interface PosWatchEventMap {
  /** A finding is new or changed. */
  finding: CustomEvent<FindingChange>;
  /** The campaign moved on: a case chosen, a case done, a restart. */
  campaign: CustomEvent<CampaignState>;
  /** Every register that started has played and finished every case. */
  "campaign-over": CustomEvent<CampaignState>;
}

/**
 * The diagnosis's settings from the terminal's: the input time-out, the windows, and the
 * no-answer limit (scaled, like the input time-out).
 *
 * @param settings The terminal's settings.
 * @param timeScale The simulator's time scale.
 * @returns The diagnosis's settings they set.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { diagnosisSettings } from "./watch.ts";
 * import { DEFAULT_SETTINGS } from "./behaviour.ts";
 * assert.equal(diagnosisSettings(DEFAULT_SETTINGS, 0.01).noAnswerLimitMs, 1800);
 * ```
 */
export function diagnosisSettings(
  settings: Readonly<TerminalSettings>,
  timeScale: number,
): Partial<DiagnosisSettings> {
  return {
    inputTimeoutMs: settings.inputTimeoutMs,
    timeScale,
    ...(settings.resendWindowMs !== undefined ? { resendWindowMs: settings.resendWindowMs } : {}),
    ...(settings.duplicateWindowMs !== undefined
      ? { duplicateWindowMs: settings.duplicateWindowMs }
      : {}),
    ...(settings.partialWindowMs !== undefined
      ? { partialWindowMs: settings.partialWindowMs }
      : {}),
    ...(settings.noAnswerLimitMs !== undefined
      ? { noAnswerLimitMs: settings.noAnswerLimitMs * timeScale }
      : {}),
  };
}

/**
 * An input waiting to be folded: built when folded, from what was captured (a watch
 * loaded late is given what was captured before it: see {@linkcode PosWatch.attach}).
 */
export type Queued =
  | { kind: "transaction"; transaction: Transaction }
  | { kind: "end"; transaction: Transaction; state: TransactionState; endedAt: string }
  | { kind: "event"; input: DiagnosisInput };

/**
 * Watches the POS through a simulator: findings, a campaign, the report's data.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PosWatch } from "./watch.ts";
 * const watch = new PosWatch();
 * assert.deepEqual(watch.findings(), []);
 * watch.close();
 * ```
 */
export class PosWatch extends Emitter<PosWatchEventMap> {
  /** The fold. */
  readonly diagnosis: Diagnosis;
  /** The campaign's run, when there is a campaign. */
  readonly campaign?: CampaignRun;
  /** When the watch started (ISO 8601). */
  readonly startedAt: string = new Date().toISOString();
  readonly #tool: string;
  readonly #run = crypto.randomUUID();
  #queue: Queued[] = [];
  #scheduled = false;
  /** The findings the fold made new or changed, by key: `true` for new ones. */
  readonly #changes = new Map<string, boolean>();
  /** Findings changed, their `finding` event not sent yet (sent together, see flush). */
  readonly #updated = new Set<string>();
  #updateTimer?: ReturnType<typeof setTimeout>;
  #timer?: ReturnType<typeof setInterval>;
  #over = false;
  #detach: (() => void)[] = [];
  #simulator?: TerminalSimulator;
  #settingsSeen?: Readonly<TerminalSettings>;

  /**
   * Makes a watch; {@linkcode PosWatch.attach} connects it to a simulator.
   *
   * @param options Windows, limits, the campaign.
   */
  constructor(options: PosWatchOptions = {}) {
    super();
    const { campaign, tickMs, tool, ...settings } = options;
    this.diagnosis = new Diagnosis(settings);
    if (campaign) this.campaign = new CampaignRun(campaign);
    this.#tool = tool ?? "caisse-ap";
    const every = tickMs ??
      Math.min(1000, Math.max(20, noAnswerLimit(this.diagnosis.settings) / 20));
    const timer = setInterval(() => this.tick(Date.now()), every);
    Deno.unrefTimer(timer);
    this.#timer = timer;
  }

  /** The no-answer limit in force, in milliseconds. */
  get noAnswerLimitMs(): number {
    return noAnswerLimit(this.diagnosis.settings);
  }

  /**
   * Listens to a simulator: its transactions (as the journal records them) and its
   * connection events (`disconnect`, `extra-bytes`; a connection's opening tells the fold
   * nothing that its first request does not).
   *
   * @param simulator The simulator.
   * @returns A function that detaches the watch.
   */
  attach(simulator: TerminalSimulator): () => void {
    this.#simulator = simulator;
    this.#follow();
    const offs = [
      simulator.on(
        "request",
        ({ detail }) => this.#push({ kind: "transaction", transaction: detail }),
      ),
      simulator.on("answer", ({ detail }) => this.#ended(detail)),
      simulator.on("abandon", ({ detail }) => this.#ended(detail)),
      simulator.on(
        "disconnect",
        ({ detail }) => this.#push({ kind: "event", input: { type: "disconnect", ...detail } }),
      ),
      simulator.on("extra-bytes", ({ detail }) =>
        this.#push({
          kind: "event",
          input: {
            type: "extra-bytes",
            connectionId: detail.connectionId,
            at: detail.at,
            ...(detail.transactionId !== undefined ? { transactionId: detail.transactionId } : {}),
            bytes: detail.bytes,
          },
        })),
    ];
    const detach = () => offs.forEach((off) => off());
    this.#detach.push(detach);
    return detach;
  }

  /**
   * Queues what a watch loaded late was given, captured before it was made, in order
   * (lib/terminal/watch_lazy.ts).
   *
   * @ignore
   */
  foldEarlier(earlier: readonly Queued[]): void {
    for (const item of earlier) this.#push(item);
  }

  /**
   * The campaign as the first decision source: a debit or credit the terminal can read
   * gets its register's next case; any other request goes to `next`.
   *
   * @param next The decision without the campaign (queues, scenario rules, settings...).
   * @returns The decision hook.
   */
  decide(next: DecisionHook): DecisionHook {
    return (request, settings, context) => {
      const run = this.campaign;
      if (!run || request.error) return next(request, settings, context);
      const examination = examineRequest(request);
      if (examination.forced === "unreadable") return next(request, settings, context);
      const choice = run.choose({
        transactionId: context.transactionId,
        peer: context.peer,
        fields: {
          CA: getField(request.fields, "CA") ?? "",
          CD: getField(request.fields, "CD") ?? "",
        },
      });
      if (!choice) return next(request, settings, context);
      if (this.listened("campaign")) this.emit("campaign", run.state());
      return decide(request, settings, context, {
        outcome: choice.case.outcome,
        by: {
          source: "campaign",
          note:
            `${run.campaign.name} case ${choice.position}/${run.campaign.cases.length} ${choice.case.name}`,
        },
      }, examination);
    };
  }

  /**
   * Every finding, worst first (what is queued folded first).
   *
   * @returns Copies of the findings.
   */
  findings(): DiagnosisFinding[] {
    this.flush();
    return this.diagnosis.findings();
  }

  /**
   * The campaign's state (what is queued folded first).
   *
   * @returns The state, or `undefined` without a campaign.
   */
  campaignState(): CampaignState | undefined {
    this.flush();
    return this.campaign?.state();
  }

  /**
   * Starts the campaign again from its first case and forgets the findings.
   *
   * @returns The state, or `undefined` without a campaign.
   */
  restartCampaign(): CampaignState | undefined {
    this.flush();
    this.diagnosis.clear();
    this.#over = false;
    if (!this.campaign) return undefined;
    this.campaign.restart();
    const state = this.campaign.state();
    this.emit("campaign", state);
    return state;
  }

  /**
   * The report's data: the findings, the campaign's state, the run's facts.
   *
   * @param run More facts (how the run ended, the settings worth showing).
   * @returns The data, for `renderReport`.
   */
  report(run: RunInfo = {}): ReportData {
    this.flush();
    const state = this.campaign?.state();
    const unreached = this.campaign && !state?.over ? this.campaign.unreached() : undefined;
    return {
      run: {
        tool: this.#tool,
        startedAt: this.startedAt,
        endedAt: isoTime(Date.now()),
        ...(unreached ? { unreached } : {}),
        ...run,
      },
      findings: this.diagnosis.findings(),
      ...(state ? { campaign: state } : {}),
    };
  }

  /**
   * Runs the time-based checks now.
   *
   * @param now The time, in milliseconds since the epoch.
   */
  tick(now: number): void {
    this.flush();
    this.#changed(this.diagnosis.tick(now));
  }

  /**
   * Folds what is queued now. A new finding's `finding` event is sent at once; the
   * changes of a finding already known are sent together, at most
   * {@linkcode FINDING_UPDATE_MS} later, with the finding as it is then (a POS that
   * repeats a defect at every payment does not make an event per payment).
   */
  flush(): void {
    this.#scheduled = false;
    const queue = this.#queue;
    if (queue.length === 0) return;
    this.#follow();
    this.#queue = [];
    const changes = this.#changes;
    const campaign = this.campaign;
    let campaignMoved = false;
    for (const item of queue) {
      // A transaction as decided is folded without its journal record (the hot path),
      // which only a campaign needs.
      const input = campaign || item.kind !== "transaction" ? this.#input(item) : undefined;
      if (campaign && input) {
        campaign.add(input);
        campaignMoved ||= input.type === "end" || input.type === "transaction";
      }
      if (item.kind === "transaction") this.diagnosis.foldDecided(item.transaction, changes);
      else this.diagnosis.fold(input!, changes);
      // The campaign sees each input's findings before the next input.
      if (campaign && changes.size > 0) this.#publish();
    }
    if (changes.size > 0) this.#publish();
    if (campaign && campaignMoved) {
      if (this.listened("campaign")) this.emit("campaign", campaign.state());
      if (!this.#over && campaign.over) {
        this.#over = true;
        this.emit("campaign-over", campaign.state());
      }
    }
  }

  /** The `finding` events of what the fold changed (see {@linkcode PosWatch.flush}). */
  #publish(): void {
    const changes = this.#changes;
    const campaign = this.campaign;
    const listened = this.listened("finding");
    if (!campaign && !listened) {
      changes.clear();
      return;
    }
    const now: DiagnosisFinding[] = [];
    const created = new Set<DiagnosisFinding>();
    for (const [key, isNew] of changes) {
      if (!isNew && !campaign) {
        this.#updated.add(key);
        continue;
      }
      const finding = this.diagnosis.findingOf(key);
      if (!finding) continue;
      this.#updated.delete(key);
      now.push(finding);
      if (isNew) created.add(finding);
    }
    changes.clear();
    if (now.length > 0) {
      campaign?.see(now);
      for (const finding of sortFindings(now)) {
        this.emit("finding", { new: created.has(finding), finding });
      }
    }
    if (this.#updated.size > 0 && this.#updateTimer === undefined) {
      const timer = setTimeout(() => {
        this.#updateTimer = undefined;
        try {
          this.#sendUpdates();
        } catch (error) {
          Emitter.reportListenerError(new ListenerError("finding", error));
        }
      }, FINDING_UPDATE_MS);
      Deno.unrefTimer(timer);
      this.#updateTimer = timer;
    }
  }

  /** Sends the `finding` events of the findings changed since the last ones. */
  #sendUpdates(): void {
    clearTimeout(this.#updateTimer);
    this.#updateTimer = undefined;
    if (this.#updated.size === 0) return;
    const keys = [...this.#updated];
    this.#updated.clear();
    const findings: DiagnosisFinding[] = [];
    for (const key of keys) {
      const finding = this.diagnosis.findingOf(key);
      if (finding) findings.push(finding);
    }
    for (const finding of sortFindings(findings)) {
      this.emit("finding", { new: false, finding });
    }
  }

  /** Stops the timer and detaches from the simulator (what is queued is folded). */
  close(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.flush();
    this.#sendUpdates();
    for (const detach of this.#detach) detach();
    this.#detach = [];
  }

  /**
   * The windows and limits of the simulator's settings (changed through the API or a
   * scenario), into the diagnosis: checked by identity, the settings being replaced
   * whole on each change.
   */
  #follow(): void {
    const settings = this.#simulator?.settings;
    if (!settings || settings === this.#settingsSeen) return;
    this.#settingsSeen = settings;
    this.diagnosis.configure(diagnosisSettings(settings, this.#simulator!.timeScale));
  }

  #ended(transaction: Transaction): void {
    this.#push({
      kind: "end",
      transaction,
      state: transaction.state,
      // An answer ends when it is written: its time is there already.
      endedAt: transaction.state === "answered" && transaction.answeredAt
        ? transaction.answeredAt
        : isoTime(Date.now()),
    });
  }

  #push(item: Queued): void {
    this.#queue.push(item);
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      try {
        this.flush();
      } catch (error) {
        Emitter.reportListenerError(new ListenerError("finding", error));
      }
    });
  }

  #input(item: Queued): DiagnosisInput {
    if (item.kind === "event") return item.input;
    if (item.kind === "end") {
      // As the journal's end record, without building the whole entry again.
      const t = item.transaction;
      const end: DiagnosisInput & { type: "end" } = {
        type: "end",
        run: this.#run,
        id: t.id,
        state: item.state,
        endedAt: item.endedAt,
      };
      if (t.answeredAt) end.answeredAt = t.answeredAt;
      if (t.peerClosedEarly) end.peerClosedEarly = true;
      if (t.error) end.error = t.error;
      if (t.sent !== undefined) end.sent = t.sent;
      if (t.note !== undefined) end.note = t.note;
      return end;
    }
    const t = item.transaction;
    const entry = toJournalEntry(t, this.#run);
    if (
      t.answeredAt === undefined && !t.peerClosedEarly && !t.error && t.sent === undefined &&
      t.note === undefined
    ) return Object.assign(entry, { type: "transaction" as const, state: "pending" as const });
    {
      // As the journal wrote it when decided: pending, without how it ended.
      const { answeredAt: _a, peerClosedEarly: _p, error: _e, sent: _s, note: _n, ...decided } =
        entry;
      return { type: "transaction", ...decided, state: "pending" };
    }
  }

  #changed(findings: DiagnosisFinding[]): void {
    if (findings.length === 0) return;
    this.campaign?.see(findings);
    for (const finding of findings) this.emit("finding", { new: finding.count === 1, finding });
  }
}

/** The watch of each control layer, for the control API (see {@linkcode watchOf}). */
const WATCHES = new WeakMap<object, PosWatch>();

/**
 * Binds a watch to the control layer of the same terminal, so that the control API
 * (`/api/findings`, `/api/campaign`, `/api/report`, the `findings` event) finds it.
 *
 * @param control The terminal's control layer.
 * @param watch Its watch on the POS.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bindWatch, PosWatch, watchOf } from "./watch.ts";
 * const control = {};
 * const watch = new PosWatch();
 * bindWatch(control, watch);
 * assert.equal(watchOf(control), watch);
 * watch.close();
 * ```
 */
export function bindWatch(control: object, watch: PosWatch): void {
  WATCHES.set(control, watch);
}

/**
 * The watch bound to a control layer.
 *
 * @param control The terminal's control layer.
 * @returns Its watch, or `undefined` when the diagnosis is off.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { watchOf } from "./watch.ts";
 * assert.equal(watchOf({}), undefined);
 * ```
 */
export function watchOf(control: object): PosWatch | undefined {
  return WATCHES.get(control);
}
