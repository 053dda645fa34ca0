/**
 * The dashboard's settings form, derived from the settings table ({@linkcode SETTINGS}):
 * each setting the form shows gets the control its type calls for (a checkbox for a flag,
 * a list of its words, a number within its limits), with the words of
 * {@linkcode SETTINGS_FORM}. `deno task dashboard` writes the form into `index.html`
 * from here, and `tests/dashboard_test.ts` fails when the two differ.
 *
 * @module
 */

import { type SettingRow, SETTINGS } from "../settings.ts";

/** How the form shows one setting: its words; the control comes from the setting's row. */
export interface SettingsFormField {
  /** The setting's key in {@linkcode SETTINGS}. */
  readonly key: string;
  /** The label (the legend of a pair of radio buttons). */
  readonly label: string;
  /** For a flag: the words after the label of its checkbox. */
  readonly note?: string;
  /**
   * For a word: the label of each word, in the setting's order. For a flag: two radio
   * buttons instead of a checkbox, their values and labels, off first then on.
   */
  readonly choices?: Readonly<Record<string, string>>;
  /** The form field's name, when it is not the key (the radio buttons' `mode`). */
  readonly name?: string;
}

/** The settings the dashboard's form shows, in its order, with their words. */
export const SETTINGS_FORM: readonly SettingsFormField[] = Object.freeze<SettingsFormField[]>([
  {
    key: "failure",
    label: "Mode",
    name: "mode",
    choices: { success: "Success", failure: "Failure" },
  },
  {
    key: "failure-type",
    label: "Failure type",
    choices: {
      abandon: "Abandon (AF=11)",
      timeout: "Time-out (AF=08)",
      refused: "Refused (AF=04)",
      forbidden: "Forbidden (AF=05)",
    },
  },
  { key: "duration", label: "Delay (seconds)" },
  {
    key: "payment-type",
    label: "Payment type",
    choices: {
      cbcontact: "CB contact",
      cbcontactless: "CB contactless",
      amexcontact: "Amex contact",
      amexcontactless: "Amex contactless",
    },
  },
  { key: "hold", label: "Hold mode", note: "each payment waits for a button" },
  { key: "magic-amounts", label: "Magic amounts", note: "the last two digits decide" },
]);

const INDENT = "          ";

/**
 * The HTML inside `<form id="settings">`: one control per field of `fields`, of the kind
 * its setting's type calls for.
 *
 * @param fields The settings shown and their words. Default {@linkcode SETTINGS_FORM}.
 * @param rows The settings table. Default {@linkcode SETTINGS}.
 * @returns The form's content, one element per line, indented as in `index.html`.
 * @throws {RangeError} A field that is not a setting, a word without its label (or a
 * label without its word), or a type the form cannot show (a tag, a fault).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderSettingsForm } from "./settings_form.ts";
 * const html = renderSettingsForm([{ key: "strict", label: "Strict", note: "warnings refuse" }]);
 * assert.match(html, /<input id="strict" name="strict" type="checkbox">/);
 * ```
 */
export function renderSettingsForm(
  fields: readonly SettingsFormField[] = SETTINGS_FORM,
  rows: readonly SettingRow[] = SETTINGS,
): string {
  const lines: string[] = [];
  for (const field of fields) {
    const row = rows.find((candidate) => candidate.key === field.key);
    if (!row) throw new RangeError(`The settings form shows "${field.key}", which is no setting`);
    lines.push(...renderField(field, row));
  }
  return lines.map((line) => INDENT + line).join("\n");
}

/** The lines of one field, by the type of its setting. */
function renderField(field: SettingsFormField, row: SettingRow): string[] {
  const { key, label } = field;
  const name = escapeHtml(field.name ?? key);
  const type = row.type;
  switch (type.kind) {
    case "flag": {
      if (field.choices) {
        const [off, on, ...more] = Object.entries(field.choices);
        if (!off || !on || more.length > 0) {
          throw new RangeError(`The flag "${key}" is shown by two radio buttons, off and on`);
        }
        return [
          `<fieldset class="mode">`,
          `  <legend>${escapeHtml(label)}</legend>`,
          ...[off, on].map(([value, text]) =>
            `  <label><input type="radio" name="${name}" value="${escapeHtml(value)}"> ${
              escapeHtml(text)
            }</label>`
          ),
          `</fieldset>`,
        ];
      }
      const note = field.note === undefined ? "" : `: ${escapeHtml(field.note)}`;
      return [
        `<label class="check">`,
        `  <input id="${name}" name="${name}" type="checkbox">`,
        `  <span><strong>${escapeHtml(label)}</strong>${note}</span>`,
        `</label>`,
      ];
    }
    case "word": {
      const choices = field.choices ?? {};
      const missing = type.words.filter((word) => !(word in choices));
      const extra = Object.keys(choices).filter((word) => !type.words.includes(word));
      if (missing.length > 0 || extra.length > 0) {
        throw new RangeError(
          `The labels of "${key}" do not match its words: ${
            [...missing.map((w) => `no label for "${w}"`), ...extra.map((w) => `no word "${w}"`)]
              .join(", ")
          }`,
        );
      }
      return [
        `<label for="${name}">${escapeHtml(label)}</label>`,
        `<select id="${name}" name="${name}">`,
        ...type.words.map((word) =>
          `  <option value="${escapeHtml(word)}">${escapeHtml(choices[word])}</option>`
        ),
        `</select>`,
      ];
    }
    case "seconds":
    case "integer": {
      const [min, max, step, mode] = type.kind === "seconds"
        ? [type.positive ? 0.1 : 0, type.max, 0.1, "decimal"]
        : [type.min, type.max, 1, "numeric"];
      return [
        `<label for="${name}">${escapeHtml(label)}</label>`,
        `<input`,
        `  id="${name}"`,
        `  name="${name}"`,
        `  type="number"`,
        `  min="${min}"`,
        `  max="${max}"`,
        `  step="${step}"`,
        `  inputmode="${mode}"`,
        `>`,
      ];
    }
    default:
      throw new RangeError(`The settings form cannot show "${key}" (a ${type.kind})`);
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}
