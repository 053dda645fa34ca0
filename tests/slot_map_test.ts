// SlotMap behaves as a Map<number, V> does, for what the simulator and the diagnosis use of
// it: order, replacing, deleting while iterating, slots reused. What it is for (letting go
// of a value for V8's young collections) is measured by `deno task bench:gc`, not here: a
// test's full collection frees an outgrown Map table too.
import assert from "node:assert/strict";
import { SlotMap } from "../lib/slot_map.ts";

/** The same operations on a SlotMap and a Map, then their contents compared. */
function same(ops: [op: "set" | "delete", key: number][]): void {
  const slots = new SlotMap<{ key: number; n: number }>();
  const map = new Map<number, { key: number; n: number }>();
  ops.forEach(([op, key], n) => {
    if (op === "set") {
      slots.set(key, { key, n });
      map.set(key, { key, n });
    } else assert.equal(slots.delete(key), map.delete(key), `delete ${key}`);
  });
  assert.equal(slots.size, map.size);
  assert.deepEqual([...slots.keys()], [...map.keys()]);
  assert.deepEqual([...slots.values()], [...map.values()]);
  assert.deepEqual([...slots.entries()], [...map.entries()]);
  assert.deepEqual([...slots], [...map]);
  for (const key of [0, 1, 2, 3, 4, 5, 99]) {
    assert.deepEqual(slots.get(key), map.get(key), `get ${key}`);
    assert.equal(slots.has(key), map.has(key), `has ${key}`);
  }
}

Deno.test("SlotMap keeps a Map's order: a new key last, a key set again in its place", () => {
  same([["set", 3], ["set", 1], ["set", 2], ["set", 3]]);
});

Deno.test("SlotMap: deleted keys are gone, a key added again goes last, in a reused slot", () => {
  same([
    ["set", 1],
    ["set", 2],
    ["set", 3],
    ["delete", 2],
    ["delete", 9],
    ["set", 4],
    ["set", 2],
    ["delete", 1],
    ["set", 5],
    ["set", 1],
  ]);
});

Deno.test("SlotMap: many connections come and go", () => {
  const ops: [op: "set" | "delete", key: number][] = [];
  for (let id = 0; id < 200; id++) {
    ops.push(["set", id]);
    if (id >= 5) ops.push(["delete", id - 5 + (id % 3)]);
  }
  same(ops);
});

Deno.test("SlotMap: entries deleted while iterating, as the simulator's sweep does", () => {
  const slots = new SlotMap<string>();
  for (let id = 1; id <= 6; id++) slots.set(id, `connection ${id}`);
  const seen: string[] = [];
  for (const [id, value] of slots) {
    seen.push(value);
    if (id % 2 === 1) slots.delete(id);
    if (id === 4) break;
  }
  assert.deepEqual(seen, ["connection 1", "connection 2", "connection 3", "connection 4"]);
  assert.deepEqual([...slots.keys()], [2, 4, 5, 6]);
  assert.equal(slots.values().next().value, "connection 2");
});

Deno.test("SlotMap: clear empties it, and it is usable again", () => {
  const slots = new SlotMap<number[]>();
  slots.set(1, [1]).set(2, [2]);
  slots.clear();
  assert.equal(slots.size, 0);
  assert.equal(slots.get(1), undefined);
  slots.set(2, [20]);
  assert.deepEqual([...slots], [[2, [20]]]);
});
