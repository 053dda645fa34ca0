// Journal records and connection events for the diagnosis tests, made by hand: a POS's
// transactions as the simulator would journal them, with times in seconds from T0.
import type { DiagnosisInput } from "../lib/diagnosis/input.ts";
import { checkRequest } from "../lib/message.ts";
import { decodePartial, encode } from "../lib/tlv.ts";
import type { Outcome } from "../lib/terminal/behaviour.ts";
import type { FaultSpec } from "../lib/terminal/fault.ts";
import type { JournalEntry } from "../lib/terminal/journal.ts";
import type { TransactionState } from "../lib/terminal/simulator.ts";

/** The start of every test session. */
export const T0 = Date.parse("2026-12-03T10:00:00.000Z");

/** The time `seconds` after T0, ISO 8601. */
export function at(seconds: number): string {
  return new Date(T0 + Math.round(seconds * 1000)).toISOString();
}

/** A conforming request. */
export function request(
  options: { amount?: string; cd?: string; ca?: string; ce?: string; more?: string } = {},
): string {
  const { amount = "1250", cd = "0", ca = "01", ce = "978", more = "" } = options;
  const cb = cd === "I" ? "" : `CB${String(amount.length).padStart(3, "0")}${amount}`;
  const ceRecord = cd === "I" ? "" : `CE003${ce}`;
  return `CZ0040300CJ012012345678901CA002${ca}${ceRecord}BA0010CD001${cd}${cb}${more}`;
}

/** How a transaction goes, for {@linkcode Session.pay}. */
export interface Pay {
  /** The request, raw. Default: a conforming debit of 12.50. */
  raw?: string;
  /** When the request arrives, seconds after T0. */
  at: number;
  /** The delay waited, in seconds. Default 3. */
  delay?: number;
  /** The outcome. Default approved. */
  outcome?: Outcome;
  /** The fault. */
  fault?: FaultSpec;
  /** The answer's CB, for a partial approval. */
  approvedAmount?: string;
  /** How it ends: default answered just after the delay; `null` leaves it pending. */
  end?: {
    state: TransactionState;
    after: number;
    peerClosedEarly?: boolean;
    sent?: string;
  } | null;
  /** The POS's address and port. Default 10.0.0.5 on a new port. */
  peer?: string;
}

/** A POS's session, as records: `pay` adds a transaction (and its end), `event` an event. */
export class Session {
  readonly records: DiagnosisInput[] = [{
    type: "start",
    run: "test",
    at: at(0),
    version: "test",
  }];
  #id = 0;
  #connection = 0;

  /** Adds a connection, a transaction and its end; returns the transaction's id and connection. */
  pay(pay: Pay): { id: number; connectionId: number } {
    const id = ++this.#id;
    const connectionId = ++this.#connection;
    const raw = pay.raw ?? request();
    const decoded = decodePartial(raw);
    const fields = Object.fromEntries(decoded.fields.map((f) => [f.tag, f.value]));
    const outcome = pay.outcome ?? "approved";
    const answer = decoded.fields.map((f) => ({ ...f }));
    if (pay.approvedAmount) {
      answer.find((f) => f.tag === "CB")!.value = pay.approvedAmount;
    }
    answer.push({ tag: "AE", value: outcome === "approved" ? "10" : "01" });
    if (outcome === "approved") answer.push({ tag: "AC", value: "123456" });
    else answer.push({ tag: "AF", value: "04" });
    const delay = pay.delay ?? 3;
    const peer = pay.peer ?? `10.0.0.5:${50000 + connectionId}`;
    this.records.push({ type: "connection", connectionId, peer, at: at(pay.at) });
    const entry: JournalEntry = {
      run: "test",
      id,
      connectionId,
      peer,
      receivedAt: at(pay.at),
      decidedAt: at(pay.at),
      request: { raw, end: "complete", fields },
      findings: checkRequest(decoded.fields, decoded.error),
      decision: { outcome, reason: "test" },
      answer: {
        raw: encode(answer),
        fields: Object.fromEntries(answer.map((f) => [f.tag, f.value])),
      },
      ...(pay.fault
        ? { fault: { spec: pay.fault, origin: "outcome" as const, delivery: "test" } }
        : {}),
      delay: { plannedMs: delay * 1000, waitedMs: delay * 1000 },
      state: "pending",
    };
    this.records.push({ type: "transaction", ...entry });
    const end = pay.end === undefined
      ? { state: "answered" as const, after: delay + 0.01 }
      : pay.end;
    if (end) {
      this.records.push({
        type: "end",
        run: "test",
        id,
        state: end.state,
        endedAt: at(pay.at + end.after),
        ...(end.state === "answered" ? { answeredAt: at(pay.at + end.after) } : {}),
        ...(end.peerClosedEarly ? { peerClosedEarly: true } : {}),
        ...(end.sent !== undefined ? { sent: end.sent } : {}),
      });
    }
    return { id, connectionId };
  }

  /** Adds a connection event. */
  event(event: DiagnosisInput): this {
    this.records.push(event);
    return this;
  }
}
