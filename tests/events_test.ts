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

Deno.test("listeners added with on and addEventListener are called in the order added", () => {
  const bell = new Bell();
  const calls: string[] = [];
  bell.on("ring", () => calls.push("on 1"));
  bell.addEventListener("ring", () => calls.push("native 1"));
  bell.on("ring", () => calls.push("on 2"));
  bell.addEventListener("ring", { handleEvent: () => calls.push("object") });
  bell.ring(1);
  assert.deepEqual(calls, ["on 1", "native 1", "on 2", "object"]);
});

Deno.test("addEventListener as EventTarget: once, signal, no double, removeEventListener", () => {
  const bell = new Bell();
  const heard: string[] = [];
  const listener = (e: Event) => heard.push(`l${(e as CustomEvent<number>).detail}`);
  bell.addEventListener("ring", listener);
  bell.addEventListener("ring", listener); // the same listener is not added twice
  bell.addEventListener("ring", (e) => heard.push(`once${(e as CustomEvent).detail}`), {
    once: true,
  });
  const controller = new AbortController();
  bell.addEventListener("ring", () => heard.push("signal"), { signal: controller.signal });
  bell.ring(1);
  controller.abort();
  bell.ring(2);
  bell.removeEventListener("ring", listener);
  bell.ring(3);
  assert.deepEqual(heard, ["l1", "once1", "signal", "l2"]);
  assert.equal(bell.dispatched, 2, "no listener left: the third ring is not dispatched");
});

Deno.test("removeEventListener does not remove a listener added with on", () => {
  const bell = new Bell();
  const heard: number[] = [];
  const listener = (e: CustomEvent<number>) => heard.push(e.detail);
  bell.on("ring", listener);
  bell.removeEventListener("ring", listener as unknown as EventListener);
  bell.ring(1);
  assert.deepEqual(heard, [1]);
});

Deno.test("during a dispatch: a listener removed is not called, one added waits", () => {
  const bell = new Bell();
  const calls: string[] = [];
  let offSecond = () => {};
  bell.on("ring", () => {
    calls.push("first");
    offSecond();
    bell.on("ring", () => calls.push("added"));
  });
  offSecond = bell.on("ring", () => calls.push("second"));
  bell.ring(1);
  assert.deepEqual(calls, ["first"]);
  bell.ring(2);
  assert.deepEqual(calls, ["first", "first", "added"]);
});

Deno.test("an event type whose last listener left is not dispatched any more", () => {
  const bell = new Bell();
  const off = bell.on("ring", () => {});
  const once = new Promise((resolve) => bell.on("ring", resolve, { once: true }));
  bell.ring(1);
  assert.equal(bell.dispatched, 1);
  off();
  bell.ring(2);
  assert.equal(bell.dispatched, 1);
  return once.then(() => {});
});

Deno.test("the error of a listener added with addEventListener is caught and reported", () => {
  const bell = new Bell();
  const heard: number[] = [];
  bell.addEventListener("ring", () => {
    throw new Error("native bug");
  });
  bell.addEventListener("ring", (e) => heard.push((e as CustomEvent<number>).detail));
  bell.ring(5);
  assert.deepEqual(heard, [5]);
  assert.deepEqual(bell.failures.map((f) => f.message), [
    'A listener of the "ring" event failed: native bug',
  ]);
});

Deno.test("a function added with on and with addEventListener is called twice", () => {
  const bell = new Bell();
  let calls = 0;
  const listener = () => calls++;
  bell.on("ring", listener);
  bell.addEventListener("ring", listener);
  bell.ring(1);
  assert.equal(calls, 2);
});
