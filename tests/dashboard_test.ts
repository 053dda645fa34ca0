// The dashboard's files: the module the simulator serves them from is up to date with the
// sources, and the sources keep to what the Content-Security-Policy and the "wire data is
// text" rule need (the browser test checks the page itself).
import assert from "node:assert/strict";
import { ASSET_FILES, DASHBOARD_FOLDER, renderAssetsModule } from "../.ci/dashboard.ts";
import { DASHBOARD_ASSETS } from "../lib/terminal/dashboard/assets.ts";
import { SETTINGS } from "../lib/terminal/settings.ts";
import { renderSettingsForm, SETTINGS_FORM } from "../lib/terminal/dashboard/settings_form.ts";
import { withSettingsForm } from "../.ci/dashboard.ts";
import { OPERATOR_KEYS } from "../lib/terminal/interactive.ts";
import { CATALOGUES, LANGUAGES } from "../lib/i18n/mod.ts";

const read = (file: string) => Deno.readTextFile(`${DASHBOARD_FOLDER}${file}`);

Deno.test("assets.ts holds the dashboard's sources as they are (run `deno task dashboard`)", async () => {
  assert.deepEqual(Object.keys(DASHBOARD_ASSETS), ASSET_FILES.map((a) => a.path));
  for (const { path, file, type } of ASSET_FILES) {
    assert.equal(DASHBOARD_ASSETS[path].type, type);
    assert.ok(
      DASHBOARD_ASSETS[path].body === await read(file),
      `lib/terminal/dashboard/assets.ts is older than ${file}: run deno task dashboard`,
    );
  }
  // The generator writes what is there (before formatting, which changes no text).
  const generated = await renderAssetsModule(read);
  for (const { path } of ASSET_FILES) {
    assert.ok(generated.includes(JSON.stringify(DASHBOARD_ASSETS[path].body)), path);
  }
});

Deno.test("the page has no inline script, style or event handler (the CSP forbids them)", async () => {
  const html = await read("index.html");
  const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
  assert.deepEqual(scripts.map((s) => [s[1].trim(), s[2].trim()]), [
    ['src="/dashboard.js" defer', ""],
    ['src="/diagnosis.js" defer', ""],
  ]);
  assert.doesNotMatch(html, /<style\b/);
  assert.doesNotMatch(html, /\sstyle=/);
  assert.doesNotMatch(html, /\son[a-z]+=/i);
  assert.doesNotMatch(html, /https?:\/\//, "no file from elsewhere: it works offline");
  assert.doesNotMatch(await read("dashboard.css"), /url\(|@import/);
});

Deno.test("the script writes values as text, never as markup", async () => {
  const script = await read("dashboard.js");
  for (const sink of ["innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("]) {
    assert.ok(!script.includes(sink), `dashboard.js uses ${sink}`);
  }
  const diagnosis = await read("diagnosis.js");
  for (const sink of ["innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("]) {
    assert.ok(!diagnosis.includes(sink), `diagnosis.js uses ${sink}`);
  }
  assert.doesNotMatch(script, /new Function|setTimeout\(["'`]/);
  assert.doesNotMatch(script, /https?:\/\//);
});

Deno.test("every button of the terminal has a label and a keyboard shortcut", async () => {
  const html = await read("index.html");
  const buttons = [...html.matchAll(/<button\b([^>]*)>([\s\S]*?)<\/button>/g)];
  assert.ok(buttons.length >= 9);
  for (const [, attributes, content] of buttons) {
    assert.match(attributes, /type="button"/);
    const label = content.replace(/<[^>]+>/g, " ").trim();
    assert.ok(label.length > 0 || /aria-label=/.test(attributes), attributes);
  }
  const decisions = buttons.filter(([, attributes]) => attributes.includes("data-decision"));
  // One button per decision the API and the README list, with the key of interactive mode.
  const shown = decisions.map(([, attributes]) => {
    const name = /data-decision="([a-z]+)"/.exec(attributes)![1];
    const key = /aria-keyshortcuts="([a-z])"/.exec(attributes)?.[1];
    return [name, key];
  });
  assert.deepEqual(
    shown.toSorted(),
    OPERATOR_KEYS.map((k) => [k.name, k.key]).toSorted(),
  );
  const script = await read("dashboard.js");
  for (const { name, key } of OPERATOR_KEYS) {
    assert.match(script, new RegExp(`\\b${key}: "${name}"`), `the key ${key} of dashboard.js`);
    for (const lang of LANGUAGES) {
      const messages: Readonly<Record<string, string>> = CATALOGUES[lang];
      assert.ok(messages[`dash.label.${name}`], `the label of ${name} in ${lang}`);
    }
  }
});

Deno.test("the settings form offers what the settings table accepts", async () => {
  const html = await read("index.html");
  const form = /<form id="settings"[\s\S]*?<\/form>/.exec(html)![0];
  const names = new Set([...form.matchAll(/\sname="([a-z-]+)"/g)].map((m) => m[1]));
  // "mode" is the failure setting, as two radio buttons.
  assert.ok(names.delete("mode"));
  for (const name of names) {
    assert.ok(SETTINGS.some((row) => row.key === name), `the form's "${name}" is not a setting`);
  }
  for (const row of SETTINGS) {
    if (!names.has(row.key)) continue;
    const type = row.type;
    if (type.kind === "word") {
      const select = new RegExp(`<select id="${row.key}"[\\s\\S]*?</select>`).exec(form)![0];
      const values = [...select.matchAll(/<option value="([a-z]+)"/g)].map((m) => m[1]);
      assert.deepEqual(values, [...type.words], row.key);
    } else if (type.kind === "seconds") {
      const input = new RegExp(`<input[^>]*name="${row.key}"[^>]*>`).exec(form)![0];
      assert.match(input, new RegExp(`max="${type.max}"`), row.key);
      assert.match(input, new RegExp(`min="${type.positive ? "0\\.1" : "0"}"`), row.key);
    } else {
      assert.equal(type.kind, "flag", row.key);
      assert.match(form, new RegExp(`name="${row.key}" type="checkbox"`), row.key);
    }
  }
});

Deno.test("the settings form is written from the settings table (run `deno task dashboard`)", async (t) => {
  const html = await read("index.html");
  const flat = (text: string) => text.replace(/\s+/g, " ");
  await t.step("index.html holds the form derived from SETTINGS", () => {
    assert.equal(flat(html), flat(withSettingsForm(html)));
  });
  await t.step("each control is the one its type calls for", () => {
    const form = renderSettingsForm();
    for (const field of SETTINGS_FORM) {
      const row = SETTINGS.find((candidate) => candidate.key === field.key)!;
      if (row.type.kind === "word") {
        assert.match(form, new RegExp(`<select id="${row.key}"`), row.key);
      }
      if (row.type.kind === "seconds") {
        assert.match(form, new RegExp(`id="${row.key}"\\s+name="${row.key}"\\s+type="number"`));
      }
    }
  });
  await t.step("a new word of a setting needs its label on the dashboard", () => {
    const rows = SETTINGS.map((row) =>
      row.key === "payment-type" && row.type.kind === "word"
        ? { ...row, type: { ...row.type, words: [...row.type.words, "visacontact"] } }
        : row
    );
    assert.throws(
      () => renderSettingsForm(SETTINGS_FORM, rows),
      /The labels of "payment-type" do not match its words: no label for "visacontact"/,
    );
  });
  await t.step("a field that is no setting, or a type the form cannot show, is refused", () => {
    assert.throws(() => renderSettingsForm([{ key: "colour", label: "dash.mode" }]), /no setting/);
    assert.throws(() => renderSettingsForm([{ key: "fault", label: "dash.mode" }]), /a fault/);
  });
});
