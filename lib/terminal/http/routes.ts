/**
 * The control API and the dashboard as one request handler: access rules first, then
 * each endpoint reads and checks its input, calls the control layer, and answers JSON.
 * It works on `Request` objects: tests call it without a socket; `serve.ts` puts it on
 * one. Nothing a request holds can throw past it: a bad request gets a 4xx saying what
 * was wrong, a bug a 500, and the simulator goes on.
 *
 * @module
 */

import { DASHBOARD_ASSETS } from "../dashboard/assets.ts";
import type { TerminalControl } from "../control.ts";
import { formatProblem, ScenarioError } from "../scenario.ts";
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

type Endpoint = () => Response | Promise<Response>;

/**
 * Makes the request handler of the control API and the dashboard of one control.
 *
 * @param control The control layer of the terminal.
 * @param options The access rules, the event streams' limits.
 * @returns The handler, for `Deno.serve` or a direct call.
 *
 * @example Without a socket
 * ```ts
 * import { createControlHandler } from "./routes.ts";
 * import { makeAccessPolicy } from "./auth.ts";
 * import { startTerminal } from "../../fixture.ts";
 *
 * await using terminal = await startTerminal();
 * const handle = createControlHandler(terminal.control, {
 *   access: makeAccessPolicy(undefined, 8080),
 * });
 * const response = await handle(new Request("http://127.0.0.1:8080/api/settings"));
 * (await response.json()).duration; // 0
 * ```
 */
export function createControlHandler(
  control: TerminalControl,
  options: ControlHandlerOptions,
): ControlHandler {
  const events = new EventHub(control, options.events);

  const route = (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    const path = url.pathname;
    if (!path.startsWith("/api/")) {
      const asset = Object.hasOwn(DASHBOARD_ASSETS, path) ? DASHBOARD_ASSETS[path] : undefined;
      if (!asset) throw new ApiError(404, `Nothing at "${path}": the dashboard is at /`);
      return on(request, { GET: () => text(asset.body, asset.type) });
    }
    const noQuery = () => checkQuery(url, []);
    switch (path) {
      case "/api/status":
        return on(request, {
          GET: () => (noQuery(), json(statusView(control.status()))),
        });
      case "/api/settings":
        return on(request, {
          GET: () => (noQuery(), json(settingsView(control.settings))),
          PATCH: async () => {
            noQuery();
            const change = parseSettingsChange(await readJson(request));
            return json(settingsView(control.update(change)));
          },
        });
      case "/api/journal":
        return on(request, {
          GET: () => {
            checkQuery(url, ["since"]);
            const since = url.searchParams.get("since");
            const entries = since === null
              ? control.journal.list()
              : control.journal.since(parseId(since, 0, "since"));
            return json({ transactions: entries.map(transactionView) });
          },
          DELETE: () => (noQuery(), json({ cleared: control.clearJournal() })),
        });
      case "/api/queue":
        return on(request, {
          GET: () => (noQuery(), json(queueView(control.queue))),
          POST: async () => {
            noQuery();
            const { outcomes, register } = parseQueueRequest(
              await readJson(request),
              control.settings,
            );
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
          },
          DELETE: () => {
            checkQuery(url, ["register"]);
            const given = url.searchParams.get("register");
            const register = given === null ? undefined : parseRegister(given);
            const removed = control.clearQueue(register);
            return json({ removed, queue: queueView(control.queue) });
          },
        });
      case "/api/held":
        return on(request, {
          GET: () => {
            noQuery();
            const now = Date.now();
            return json({ held: control.held.map((held) => heldView(held, now)) });
          },
        });
      case "/api/reset":
        return on(request, {
          POST: async () => {
            noQuery();
            expectNothing(await readJson(request));
            return json(statusView(control.reset()));
          },
        });
      case "/api/scenario/reload":
        return on(request, {
          POST: async () => {
            noQuery();
            expectNothing(await readJson(request));
            if (!control.status().reloadable) {
              throw new ApiError(
                409,
                "No scenario file to reload: start the simulator with --scenario FILE",
              );
            }
            const { scenario, error } = await control.reloadScenario();
            if (error) {
              const problems = error instanceof ScenarioError
                ? error.problems.map((problem) => formatProblem(error.file, problem))
                : [error.message];
              throw new ApiError(
                422,
                `The scenario was not reloaded, the previous one stays: ${problems[0]}`,
                { problems },
              );
            }
            return json({
              scenario: {
                ...(scenario.file !== undefined ? { file: scenario.file } : {}),
                ...(scenario.description !== undefined
                  ? { description: scenario.description }
                  : {}),
                rules: scenario.rules.length,
              },
            });
          },
        });
      case "/api/events":
        return on(request, { GET: () => (noQuery(), events.open()) });
    }
    const journalEntry = /^\/api\/journal\/([^/]*)$/.exec(path);
    if (journalEntry) {
      return on(request, {
        GET: () => {
          noQuery();
          const id = parseId(journalEntry[1]);
          const entry = control.journal.get(id);
          if (!entry) throw new ApiError(404, `No transaction ${id} in the journal`);
          return json(transactionView(entry));
        },
      });
    }
    const heldEntry = /^\/api\/held\/([^/]*)$/.exec(path);
    if (heldEntry) {
      const notHeld = (id: number) =>
        new ApiError(
          404,
          `Transaction ${id} is not held: unknown, already decided or timed out`,
        );
      return on(request, {
        GET: () => {
          noQuery();
          const id = parseId(heldEntry[1]);
          const held = control.held.find((h) => h.id === id);
          if (!held) throw notHeld(id);
          return json(heldView(held));
        },
        POST: async () => {
          noQuery();
          const id = parseId(heldEntry[1]);
          const { outcome, note } = parseDecision(await readJson(request), control.settings);
          if (!control.decideHeld(id, outcome, note)) throw notHeld(id);
          return json(releaseView({ id, outcome, note }));
        },
      });
    }
    throw new ApiError(404, `No endpoint "${path}": see GET /api/status and the README`);
  };

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
      return await route(request);
    } catch (error) {
      if (error instanceof ApiError) return errorResponse(error);
      options.onError?.(error, request);
      return errorResponse(new ApiError(500, `Internal error: ${(error as Error)?.message}`));
    }
  };
  return Object.assign(handle, { events });
}

/** Calls the endpoint of the request's method, or refuses the method (405). */
function on(request: Request, endpoints: Record<string, Endpoint>): Promise<Response> {
  const endpoint = endpoints[request.method];
  if (!endpoint) {
    const allowed = Object.keys(endpoints).join(", ");
    return Promise.reject(
      new ApiError(405, `Method ${request.method} is not allowed here: use ${allowed}`, {
        headers: { allow: allowed },
      }),
    );
  }
  return Promise.resolve(endpoint());
}
