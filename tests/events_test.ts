// The event base class: typed listeners that unsubscribe, events nobody listens to skipped,
// a listener's error caught and reported in one place; and the three emitters built on it.
import assert from "node:assert/strict";
import { Emitter, ListenerError } from "../lib/events.ts";
import { HoldDesk } from "../lib/terminal/hold.ts";

interface BellEvents {
  ring: CustomEvent<number>;
  other: CustomEvent<string>;
}

class Bell extends Emitter<BellEvents> {
  dispatched = 0;
  failures: ListenerError[] = [];
  ring(times: number): void {
    this.emit("ring", times);
  }
  override dispatchEvent(event: Event): boolean {
    this.dispatched++;
    return super.dispatchEvent(event);
  }
  protected override listenerFailed(error: ListenerError): void {
    this.failures.push(error);
  }
}

Deno.test("Emitter.on: typed, and returns the function that removes the listener", () => {
  const bell = new Bell();
  const heard: number[] = [];
  const stop = bell.on("ring", (e) => heard.push(e.detail));
  bell.ring(1);
  stop();
  bell.ring(2);
  assert.deepEqual(heard, [1]);
});

Deno.test("Emitter.on: once and signal, as addEventListener", () => {
  const bell = new Bell();
  const once: number[] = [];
  const until: number[] = [];
  const controller = new AbortController();
  bell.on("ring", (e) => once.push(e.detail), { once: true });
  bell.on("ring", (e) => until.push(e.detail), { signal: controller.signal });
  bell.ring(1);
  controller.abort();
  bell.ring(2);
  assert.deepEqual(once, [1]);
  assert.deepEqual(until, [1]);
});

Deno.test("Emitter.emit: an event type nobody listens to is not even dispatched", () => {
  const bell = new Bell();
  bell.ring(1);
  assert.equal(bell.dispatched, 0);
  bell.on("other", () => {});
  bell.ring(2);
  assert.equal(bell.dispatched, 0, "a listener of another type changes nothing");
  bell.on("ring", () => {});
  bell.ring(3);
  assert.equal(bell.dispatched, 1);
});

Deno.test("a listener's error is caught, reported once, and the others still run", () => {
  const bell = new Bell();
  const heard: number[] = [];
  bell.on("ring", () => {
    throw new TypeError("a bug");
  });
  bell.on("ring", (e) => heard.push(e.detail));
  bell.ring(7);
  assert.deepEqual(heard, [7]);
  assert.equal(bell.failures.length, 1);
  const [failure] = bell.failures;
  assert.ok(failure instanceof ListenerError);
  assert.equal(failure.type, "ring");
  assert.equal(failure.message, 'A listener of the "ring" event failed: a bug');
  assert.ok(failure.cause instanceof TypeError);
});

Deno.test("by default a listener's error goes to Emitter.reportListenerError", () => {
  const reported: ListenerError[] = [];
  const before = Emitter.reportListenerError;
  Emitter.reportListenerError = (error) => reported.push(error);
  try {
    const desk = new HoldDesk();
    desk.on("hold", () => {
      throw new Error("a bug in a listener");
    });
    desk.setOn(true);
    assert.equal(desk.active, true, "the desk went on");
    assert.deepEqual(reported.map((e) => e.message), [
      'A listener of the "hold" event failed: a bug in a listener',
    ]);
  } finally {
    Emitter.reportListenerError = before;
  }
});

Deno.test("HoldDesk.listen is the old name of on", () => {
  const desk = new HoldDesk();
  const modes: boolean[] = [];
  const stop = desk.listen("hold", (e) => modes.push(e.detail));
  desk.setOn(true);
  stop();
  desk.setOn(false);
  assert.deepEqual(modes, [true]);
});
