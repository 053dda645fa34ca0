// Who may use the control API: the rules as pure functions of a request, without sockets.
import assert from "node:assert/strict";
import {
  checkAccess,
  checkToken,
  constantTimeEqual,
  isLoopback,
  makeAccessPolicy,
  parseListenAddress,
} from "../lib/terminal/http/auth.ts";

const TOKEN = "0123456789abcdef0123456789abcdef";

Deno.test("--http addresses: PORT, HOST:PORT, [IPv6]:PORT", () => {
  assert.deepEqual(parseListenAddress("8080"), { hostname: "127.0.0.1", port: 8080 });
  assert.deepEqual(parseListenAddress("0"), { hostname: "127.0.0.1", port: 0 });
  assert.deepEqual(parseListenAddress("0.0.0.0:80"), { hostname: "0.0.0.0", port: 80 });
  assert.deepEqual(parseListenAddress("localhost:9000"), { hostname: "localhost", port: 9000 });
  assert.deepEqual(parseListenAddress("[::1]:9000"), { hostname: "::1", port: 9000 });
  for (const bad of ["", "x", "70000", "::1:80", "host:", ":80", "1.2.3.4:-1", "a b:80"]) {
    assert.throws(() => parseListenAddress(bad), RangeError, bad);
  }
});

Deno.test("loopback addresses, and only them", () => {
  for (const host of ["127.0.0.1", "127.1.2.3", "localhost", "LOCALHOST", "::1", "[::1]"]) {
    assert.equal(isLoopback(host), true, host);
  }
  for (const host of ["0.0.0.0", "::", "[::]", "10.0.0.1", "128.0.0.1", "localhost.evil.example"]) {
    assert.equal(isLoopback(host), false, host);
  }
});

Deno.test("tokens: long enough, and characters that travel everywhere", () => {
  assert.equal(checkToken(TOKEN), undefined);
  assert.equal(checkToken("a".repeat(16)), undefined);
  assert.equal(checkToken("short"), "The token must be 16 to 256 characters, not 5");
  assert.equal(checkToken("a".repeat(257)), "The token must be 16 to 256 characters, not 257");
  assert.match(checkToken("with space 0123456789")!, /letters, digits/);
  assert.match(checkToken("plus+slash/0123456789")!, /letters, digits/);
  assert.equal(constantTimeEqual(TOKEN, TOKEN), true);
  assert.equal(constantTimeEqual(TOKEN, TOKEN.slice(1)), false);
  assert.equal(constantTimeEqual(TOKEN, `${TOKEN.slice(0, -1)}0`), false);
});

Deno.test("without a token: this machine's names only, and no request from another site", () => {
  const policy = makeAccessPolicy(undefined, 8080);
  const allow = (url: string, init?: RequestInit) =>
    checkAccess(new Request(url, init), policy).allow;
  assert.equal(allow("http://127.0.0.1:8080/api/status"), true);
  assert.equal(allow("http://localhost:8080/"), true);
  assert.equal(allow("http://[::1]:8080/api/status"), true);
  // A page of evil.example whose name now points to 127.0.0.1 (DNS rebinding).
  const rebound = checkAccess(new Request("http://evil.example:8080/api/status"), policy);
  assert.equal(rebound.error?.status, 403);
  assert.match(rebound.error!.message, /Host "evil\.example:8080" is not a name of this machine/);
  // A form or a script of another site posting to the API.
  const post = (headers: Record<string, string>) =>
    checkAccess(
      new Request("http://127.0.0.1:8080/api/reset", { method: "POST", headers }),
      policy,
    );
  assert.equal(post({ origin: "http://evil.example" }).error?.status, 403);
  assert.equal(post({ "sec-fetch-site": "cross-site" }).error?.status, 403);
  assert.equal(post({ "sec-fetch-site": "same-site" }).error?.status, 403);
  assert.equal(
    post({ origin: "http://127.0.0.1:8080", "sec-fetch-site": "same-origin" }).allow,
    true,
  );
  assert.equal(post({}).allow, true, "curl sends neither");
  // Reading is harmless: a cross-site GET cannot read the answer.
  assert.equal(
    allow("http://127.0.0.1:8080/", { headers: { "sec-fetch-site": "cross-site" } }),
    true,
  );
});

Deno.test("with a token: every request carries it, or the session cookie", async (t) => {
  const policy = makeAccessPolicy(TOKEN, 8080);
  const at = (path: string, headers: Record<string, string> = {}, method = "GET") =>
    checkAccess(new Request(`http://10.1.2.3:8080${path}`, { method, headers }), policy);
  await t.step("no token, or a wrong one: 401 saying how", () => {
    for (const path of ["/api/status", "/api/events", "/", "/dashboard.js", "/nothing"]) {
      const access = at(path);
      assert.equal(access.error?.status, 401, path);
      assert.equal(access.error?.headers?.["www-authenticate"], 'Bearer realm="caisse-ap"');
    }
    assert.match(at("/").error!.message, /Authorization: Bearer TOKEN.*\/\?token=TOKEN/);
    assert.equal(at("/api/status", { authorization: `Bearer ${TOKEN}x` }).error?.status, 401);
    assert.equal(at("/api/status", { authorization: `Basic ${TOKEN}` }).error?.status, 401);
    assert.equal(at("/api/status", { authorization: "Bearer" }).error?.status, 401);
  });
  await t.step("the bearer token: every request, any host name", () => {
    assert.equal(at("/api/status", { authorization: `Bearer ${TOKEN}` }).allow, true);
    assert.equal(at("/dashboard.css", { authorization: `bearer  ${TOKEN}` }).allow, true);
    assert.equal(
      at("/api/reset", { authorization: `Bearer ${TOKEN}` }, "POST").allow,
      true,
    );
  });
  await t.step("a browser logs in once with ?token=, then carries the cookie", () => {
    const login = at(`/?token=${TOKEN}`);
    assert.equal(login.allow, false);
    assert.equal(login.login?.location, "/", "the token leaves the address");
    assert.equal(
      login.login?.cookie,
      `caisse-ap-8080=${policy.session}; Path=/; HttpOnly; SameSite=Strict`,
    );
    assert.notEqual(policy.session, TOKEN, "the cookie is not the token");
    assert.match(policy.session, /^[0-9a-f]{64}$/);
    assert.equal(at("/?token=wrong-token-0123456789").error?.status, 401);
    assert.equal(at(`/api/status?token=${TOKEN}`).error?.status, 401, "the page only");
    const cookie = { cookie: `other=1; caisse-ap-8080=${policy.session}` };
    for (const path of ["/", "/api/status", "/api/events", "/dashboard.js"]) {
      assert.equal(at(path, cookie).allow, true, path);
    }
    assert.equal(at("/", { cookie: "caisse-ap-8080=forged" }).error?.status, 401);
    assert.equal(at("/", { cookie: `caisse-ap-9090=${policy.session}` }).error?.status, 401);
    // Another simulator's session (another process) is not this one's.
    assert.notEqual(makeAccessPolicy(TOKEN, 8080).session, policy.session);
  });
  await t.step("another site cannot post with the cookie", () => {
    const access = at("/api/reset", {
      cookie: `caisse-ap-8080=${policy.session}`,
      origin: "http://evil.example",
    }, "POST");
    assert.equal(access.error?.status, 403);
  });
});
