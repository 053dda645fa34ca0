/**
 * The control API and the dashboard as one request handler: access rules first, then
 * each endpoint reads and checks its input, calls the control layer, and answers JSON.
 * It works on `Request` objects: tests call it without a socket; `serve.ts` puts it on
 * one. Nothing a request holds can throw past it: a bad request gets a 4xx saying what
 * was wrong, a bug a 500, and the simulator goes on.
 *
 * @module
 */

import { DASHBOARD_FILES } from "../dashboard/files.ts";
import { dashboardCatalogue } from "../../i18n/dashboard.ts";
import {
  findingsInLanguage,
  renderReport,
  REPORT_FORMATS,
  type ReportFormat,
} from "../../diagnosis/report.ts";
import { type Language, LANGUAGES, negotiateLanguage } from "../../i18n/language.ts";
import { watchOf } from "../watch.ts";
import type { TerminalControl } from "../control.ts";
import { scenarioProblems } from "../scenario.ts";
import { type AccessPolicy, checkAccess } from "./auth.ts";
import { EventHub, type EventHubOptions } from "./events.ts";
import {
  checkQuery,
  expectNothing,
  parseDecision,
  parseId,
  parseQueueRequest,
  parseRegister,
  parseSettingsChange,
  readJson,
} from "./input.ts";
import { ApiError, errorResponse, json, SECURITY_HEADERS, text } from "./responses.ts";
import {
  heldView,
  queueView,
  releaseView,
  settingsView,
  statusView,
  transactionView,
} from "./views.ts";

/** Most outcomes one queue may hold: more is refused (409). */
export const MAX_QUEUED = 1000;

/** Options of {@linkcode createControlHandler}. */
export interface ControlHandlerOptions {
  /** Who may use the API (see `makeAccessPolicy`). */
  access: AccessPolicy;
  /** Limits of the event streams. */
  events?: EventHubOptions;
  /** Told about an unexpected error (a bug), which was answered 500. */
  onError?: (error: unknown, request: Request) => void;
}

/** The handler of the control API and the dashboard, and its event streams. */
export interface ControlHandler {
  /**
   * Answers one request.
   *
   * @param request The request.
   * @returns The response; never rejects.
   */
  (request: Request): Promise<Response>;
  /** The event streams, to close them when stopping. */
  readonly events: EventHub;
}

/** One route: a method and a path pattern, and the handler of the requests they match. */
export interface Route {
  /** The HTTP method. */
  readonly method: string;
  /** The path (and nothing else) it serves. */
  readonly pattern: URLPattern;
  /**
   * Answers a request the route matched.
   *
   * @param request The request.
   * @param match The pattern's match (`pathname.groups` holds the path's parameters).
   * @returns The response.
   */
  readonly handler: (request: Request, match: URLPatternResult) => Response | Promise<Response>;
}

/**
 * Makes the request handler of the control API and the dashboard of one control.
 *
 * @param control The control layer of the terminal.
 * @param options The access rules, the event streams' limits.
 * @returns The handler, for `Deno.serve` or a direct call.
 *
 * @example Without a socket
 * ```ts
 * import assert from "node:assert/strict";
 * import { createControlHandler } from "./routes.ts";
 * import { makeAccessPolicy } from "./auth.ts";
 * import { startTerminal } from "../../fixture.ts";
 *
 * await using terminal = await startTerminal();
 * const handle = createControlHandler(terminal.control, {
 *   access: makeAccessPolicy(undefined, 8080),
 * });
 * const response = await handle(new Request("http://127.0.0.1:8080/api/settings"));
 * assert.equal(response.status, 200);
 * assert.equal((await response.json()).duration, 0);
 * ```
 */
export function createControlHandler(
  control: TerminalControl,
  options: ControlHandlerOptions,
): ControlHandler {
  const events = new EventHub(control, options.events);
  const routes = [...assetRoutes(), ...controlRoutes(control, events)];
  const handle = async (request: Request): Promise<Response> => {
    try {
      const access = checkAccess(request, options.access);
      if (access.login) {
        return new Response(null, {
          status: 303,
          headers: {
            ...SECURITY_HEADERS,
            location: access.login.location,
            "set-cookie": access.login.cookie,
          },
        });
      }
      if (access.error) throw access.error;
      return await route(routes, request);
    } catch (error) {
      if (error instanceof ApiError) return errorResponse(error);
      options.onError?.(error, request);
      return errorResponse(new ApiError(500, `Internal error: ${(error as Error)?.message}`));
    }
  };
  return Object.assign(handle, { events });
}

/**
 * Answers a request with the first route of its method and path; a path served with
 * other methods is refused (405, with `allow`), an unknown path is not found (404).
 *
 * @param routes The routes, in order.
 * @param request The request.
 * @returns The route's response.
 * @throws {ApiError} 404 or 405.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { route } from "./routes.ts";
 * const routes = [{
 *   method: "GET",
 *   pattern: new URLPattern({ pathname: "/api/ping" }),
 *   handler: () => new Response("pong"),
 * }];
 * const response = await route(routes, new Request("http://127.0.0.1/api/ping"));
 * assert.equal(await response.text(), "pong");
 * ```
 */
export async function route(routes: readonly Route[], request: Request): Promise<Response> {
  const allowed: string[] = [];
  for (const candidate of routes) {
    const match = candidate.pattern.exec(request.url);
    if (!match) continue;
    if (candidate.method === request.method) return await candidate.handler(request, match);
    allowed.push(candidate.method);
  }
  if (allowed.length > 0) {
    throw new ApiError(
      405,
      `Method ${request.method} is not allowed here: use ${allowed.join(", ")}`,
      { headers: { allow: allowed.join(", ") } },
    );
  }
  const path = new URL(request.url).pathname;
  throw path.startsWith("/api/")
    ? new ApiError(
      404,
      `No endpoint "${path}": see GET /api/status and lib/terminal/http/README.md`,
    )
    : new ApiError(404, `Nothing at "${path}": the dashboard is at /`);
}

/** The dashboard's files, each at its path, loaded on the first request for one. */
function assetRoutes(): Route[] {
  return DASHBOARD_FILES.map(({ path }) => ({
    method: "GET",
    pattern: new URLPattern({ pathname: path.replace(/[:*?+(){}\\]/g, "\\$&") }),
    handler: async () => {
      const { DASHBOARD_ASSETS } = await import("../dashboard/assets.ts");
      const asset = DASHBOARD_ASSETS[path];
      return text(asset.body, asset.type);
    },
  }));
}

/** A route whose request has no query string. */
function plain(
  method: string,
  pathname: string,
  handler: (request: Request, match: URLPatternResult) => Response | Promise<Response>,
): Route {
  return {
    method,
    pattern: new URLPattern({ pathname }),
    handler: (request, match) => {
      checkQuery(new URL(request.url), []);
      return handler(request, match);
    },
  };
}

/** A route that reads the query parameters it names (and refuses any other). */
function query(
  method: string,
  pathname: string,
  names: readonly string[],
  handler: (request: Request, parameters: URLSearchParams) => Response | Promise<Response>,
): Route {
  return {
    method,
    pattern: new URLPattern({ pathname }),
    handler: (request) => {
      const url = new URL(request.url);
      checkQuery(url, names);
      return handler(request, url.searchParams);
    },
  };
}

/** The path parameter `id` as a transaction number. */
function idOf(match: URLPatternResult): number {
  return parseId(match.pathname.groups.id ?? "");
}

/** The endpoints of the control API, in the order a 405 lists their methods. */
function controlRoutes(control: TerminalControl, events: EventHub): Route[] {
  const notHeld = (id: number) =>
    new ApiError(404, `Transaction ${id} is not held: unknown, already decided or timed out`);
  return [
    plain("GET", "/api/status", () => json(statusView(control.status()))),
    plain("GET", "/api/settings", () => json(settingsView(control.settings))),
    plain("PATCH", "/api/settings", async (request) => {
      const change = parseSettingsChange(await readJson(request));
      return json(settingsView(control.update(change)));
    }),
    query("GET", "/api/journal", ["since"], (_request, parameters) => {
      const since = parameters.get("since");
      const entries = since === null
        ? control.journal.list()
        : control.journal.since(parseId(since, 0, "since"));
      return json({ transactions: entries.map(transactionView) });
    }),
    plain("DELETE", "/api/journal", () => json({ cleared: control.clearJournal() })),
    plain("GET", "/api/queue", () => json(queueView(control.queue))),
    plain("POST", "/api/queue", (request) => enqueue(control, request)),
    query("DELETE", "/api/queue", ["register"], (_request, parameters) => {
      const given = parameters.get("register");
      const removed = control.clearQueue(given === null ? undefined : parseRegister(given));
      return json({ removed, queue: queueView(control.queue) });
    }),
    plain("GET", "/api/held", () => {
      const now = Date.now();
      return json({ held: control.held.map((held) => heldView(held, now)) });
    }),
    plain("POST", "/api/reset", async (request) => {
      expectNothing(await readJson(request));
      return json(statusView(control.reset()));
    }),
    plain("POST", "/api/scenario/reload", (request) => reloadScenario(control, request)),
    plain("GET", "/api/events", () => events.open()),
    plain(
      "GET",
      "/api/i18n",
      (request) => json(dashboardCatalogue(request.headers.get("accept-language"))),
    ),
    plain("GET", "/api/journal/:id([^/]*)", (_request, match) => {
      const id = idOf(match);
      const entry = control.journal.get(id);
      if (!entry) throw new ApiError(404, `No transaction ${id} in the journal`);
      return json(transactionView(entry));
    }),
    ...diagnosisRoutes(control),
    plain("GET", "/api/held/:id([^/]*)", (_request, match) => {
      const id = idOf(match);
      const held = control.held.find((h) => h.id === id);
      if (!held) throw notHeld(id);
      return json(heldView(held));
    }),
    plain("POST", "/api/held/:id([^/]*)", async (request, match) => {
      const id = idOf(match);
      const { outcome, note } = parseDecision(await readJson(request), control.settings);
      if (!control.decideHeld(id, outcome, note)) throw notHeld(id);
      return json(releaseView({ id, outcome, note }));
    }),
  ];
}

/** The `lang` query parameter: `en`, `fr` or absent (`undefined`); anything else is a 400. */
function languageOf(given: string | null): Language | undefined {
  if (given === null) return undefined;
  if (!(LANGUAGES as readonly string[]).includes(given)) {
    throw new ApiError(400, `Invalid lang "${given}": expected one of ${LANGUAGES.join(", ")}`);
  }
  return given as Language;
}

/** The content types of the report's formats. */
const REPORT_TYPES: Readonly<Record<ReportFormat, string>> = {
  json: "application/json; charset=utf-8",
  xml: "application/xml; charset=utf-8",
  html: "text/html; charset=utf-8",
  md: "text/markdown; charset=utf-8",
};

/** The diagnosis's endpoints: findings, the campaign, the report. */
function diagnosisRoutes(control: TerminalControl): Route[] {
  const watch = () => {
    const found = watchOf(control);
    if (!found) {
      throw new ApiError(409, "The diagnosis is off: start the simulator without --no-diagnosis");
    }
    return found;
  };
  const campaign = () => {
    const found = watch();
    if (!found.campaign) {
      throw new ApiError(
        404,
        "No campaign: start the simulator with --campaign standard (or a campaign file)",
      );
    }
    return found;
  };
  return [
    // ?lang=fr: the findings' words in French (codes, kinds and facts as they are).
    query("GET", "/api/findings", ["lang"], (_request, parameters) => {
      const lang = languageOf(parameters.get("lang"));
      return json({ findings: findingsInLanguage(watch().findings(), lang ?? "en") });
    }),
    // Without a campaign: {"campaign": null} (the dashboard asks, and hides its panel).
    plain("GET", "/api/campaign", () => json(watch().campaignState() ?? { campaign: null })),
    plain("POST", "/api/campaign/restart", async (request) => {
      expectNothing(await readJson(request));
      return json(campaign().restartCampaign());
    }),
    query("GET", "/api/report", ["format", "lang"], (request, parameters) => {
      const format = parameters.get("format") ?? "json";
      if (!(REPORT_FORMATS as readonly string[]).includes(format)) {
        throw new ApiError(
          400,
          `Invalid format "${format}": expected one of ${REPORT_FORMATS.join(", ")}`,
        );
      }
      // HTML and Markdown in ?lang=, else Accept-Language's language; XML and JSON as they are.
      const lang = languageOf(parameters.get("lang")) ??
        negotiateLanguage(request.headers.get("accept-language"));
      const report = renderReport(watch().report(), format as ReportFormat, lang);
      return text(report, REPORT_TYPES[format as ReportFormat]);
    }),
  ];
}

/** `POST /api/queue`: queues outcomes, up to {@linkcode MAX_QUEUED} a queue. */
async function enqueue(control: TerminalControl, request: Request): Promise<Response> {
  const { outcomes, register } = parseQueueRequest(await readJson(request), control.settings);
  const queues = control.queue;
  const current = register === undefined
    ? queues.global.length
    : queues.registers[register]?.length ?? 0;
  if (current + outcomes.length > MAX_QUEUED) {
    throw new ApiError(
      409,
      `The queue ${
        register === undefined ? "for every register" : `of register ${register}`
      } would hold more than ${MAX_QUEUED} outcomes: clear it first`,
    );
  }
  return json(queueView(control.enqueue(outcomes, register)));
}

/** `POST /api/scenario/reload`: reads the scenario file again; the previous one stays on error. */
async function reloadScenario(control: TerminalControl, request: Request): Promise<Response> {
  expectNothing(await readJson(request));
  if (!control.status().reloadable) {
    throw new ApiError(409, "No scenario file to reload: start the simulator with --scenario FILE");
  }
  const { scenario, error } = await control.reloadScenario();
  if (error) {
    const problems = scenarioProblems(error);
    throw new ApiError(
      422,
      `The scenario was not reloaded, the previous one stays: ${problems[0]}`,
      { problems },
    );
  }
  return json({
    scenario: {
      ...(scenario.file !== undefined ? { file: scenario.file } : {}),
      ...(scenario.description !== undefined ? { description: scenario.description } : {}),
      rules: scenario.rules.length,
    },
  });
}
