/**
 * The dashboard's settings form, derived from the settings table ({@linkcode SETTINGS}):
 * each setting the form shows gets the control its type calls for (a checkbox for a flag,
 * a list of its words, a number within its limits), with the words of
 * {@linkcode SETTINGS_FORM}. `deno task dashboard` writes the form into `index.html`
 * from here, and `tests/dashboard_test.ts` fails when the two differ.
 *
 * @module
 */

import { EN } from "../../i18n/en.ts";
import { type SettingRow, SETTINGS } from "../settings.ts";

/** A key of the catalogues. */
type MessageKey = keyof typeof EN;

/**
 * How the form shows one setting: the catalogue keys of its words (lib/i18n/en.ts and
 * fr.ts); the control comes from the setting's row. The page is written with the English
 * words, and the dashboard's script puts the reader's language in by the `data-i18n`
 * attributes.
 */
export interface SettingsFormField {
  /** The setting's key in {@linkcode SETTINGS}. */
  readonly key: string;
  /** The catalogue key of the label (the legend of a pair of radio buttons). */
  readonly label: MessageKey;
  /** For a flag: the catalogue key of the words after the label of its checkbox. */
  readonly note?: MessageKey;
  /**
   * For a word: the catalogue key of each word's label, in the setting's order. For a
   * flag: two radio buttons instead of a checkbox, their values and labels, off first
   * then on.
   */
  readonly choices?: Readonly<Record<string, MessageKey>>;
  /** The form field's name, when it is not the key (the radio buttons' `mode`). */
  readonly name?: string;
}

/** The settings the dashboard's form shows, in its order, with their words. */
export const SETTINGS_FORM: readonly SettingsFormField[] = Object.freeze<SettingsFormField[]>([
  {
    key: "failure",
    label: "dash.mode",
    name: "mode",
    choices: { success: "dash.success", failure: "dash.failure" },
  },
  {
    key: "failure-type",
    label: "dash.failure-type",
    choices: {
      abandon: "dash.failure.abandon",
      timeout: "dash.failure.timeout",
      refused: "dash.failure.refused",
      forbidden: "dash.failure.forbidden",
    },
  },
  { key: "duration", label: "dash.delay" },
  {
    key: "payment-type",
    label: "dash.payment-type",
    choices: {
      cbcontact: "dash.payment.cbcontact",
      cbcontactless: "dash.payment.cbcontactless",
      amexcontact: "dash.payment.amexcontact",
      amexcontactless: "dash.payment.amexcontactless",
    },
  },
  { key: "hold", label: "dash.hold", note: "dash.hold-help" },
  { key: "magic-amounts", label: "dash.magic", note: "dash.magic-help" },
]);

/** An element's text in English, marked with its catalogue key for the script. */
function words(key: MessageKey): string {
  return ` data-i18n="${escapeHtml(key)}">${escapeHtml(EN[key])}`;
}

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
 * const html = renderSettingsForm([{ key: "hold", label: "dash.hold", note: "dash.hold-help" }]);
 * assert.match(html, /<input id="hold" name="hold" type="checkbox">/);
 * assert.match(html, /<strong data-i18n="dash.hold">Hold mode<\/strong>/);
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
          `  <legend${words(label)}</legend>`,
          ...[off, on].map(([value, text]) =>
            `  <label><input type="radio" name="${name}" value="${escapeHtml(value)}"> <span${
              words(text)
            }</span></label>`
          ),
          `</fieldset>`,
        ];
      }
      const note = field.note === undefined ? "" : `<span${words(field.note)}</span>`;
      return [
        `<label class="check">`,
        `  <input id="${name}" name="${name}" type="checkbox">`,
        `  <span><strong${words(label)}</strong>${note}</span>`,
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
        `<label for="${name}"${words(label)}</label>`,
        `<select id="${name}" name="${name}">`,
        ...type.words.map((word) =>
          `  <option value="${escapeHtml(word)}"${words(choices[word])}</option>`
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
        `<label for="${name}"${words(label)}</label>`,
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
