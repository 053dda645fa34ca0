// The codec's test vectors, a copy of the project's shared/vectors/frames.json.
import frames from "./fixtures/frames.json" with { type: "json" };

/** A frame that decodes, with its fields in wire order. */
export interface ValidVector {
  name: string;
  frame: string;
  fields: [string, string][];
}

/** A frame a strict decoder (or the request conformance check) must reject. */
export interface InvalidVector {
  name: string;
  frame: string;
  error: string;
  offset: number;
}

export const vectors = frames as unknown as { valid: ValidVector[]; invalid: InvalidVector[] };

/**
 * Vectors of shared/vectors/frames.json that contradict their own rules, with what a strict
 * decoder must report instead, and a frame that shows the defect the vector meant.
 */
export const errata: Record<
  string,
  { actual: { kind: string; offset: number }; intended: string; why: string }
> = {
  "duplicate tag": {
    // "CB002100": the length says 2, so the value is "10" and the byte at offset 16 ("0")
    // starts the next record, which is not a tag. The author meant values "10" and "12".
    actual: { kind: "tag", offset: 16 },
    intended: "CZ0040300CB00210CB00212",
    why: 'the first CB record ends at offset 16, where "0CB..." is not a tag',
  },
};
