// ngomna admin console: plain JS, no build step. Served by auth_user at /admin/, it calls the
// admin API on the same origin with the session cookies that /login sets, and echoes the
// readable csrf_access_token cookie in X-CSRF-TOKEN on every write (csrf_refresh_token for
// /refresh and /logout). Every text from the server goes in with textContent.
"use strict";

const $ = (id) => document.getElementById(id);
const { t } = window.i18n; // French as written here; English from the server's catalogue
const state = { user: null, challenge: null, lastDryRun: null, job: null, agentsPage: 1,
                auditPage: 1, units: [] };
const ROLES = ["user", "moderator", "compliance", "admin"];
const COUNTS = ["created", "updated", "deactivated", "reactivated", "unchanged", "errorCount"];
const countLabel = (key) => ({ created: t("Créés"), updated: t("Mis à jour"),
                               deactivated: t("Désactivés"), reactivated: t("Réactivés"),
                               unchanged: t("Inchangés"), errorCount: t("Erreurs") })[key];

class ApiError extends Error {
  constructor(message, code) { super(message); this.code = code; }
}

function cookie(name) {
  const found = document.cookie.split("; ").find((part) => part.startsWith(name + "="));
  return found ? decodeURIComponent(found.slice(name.length + 1)) : "";
}

async function call(path, { method = "GET", json, form, csrf = "csrf_access_token", retry = true } = {}) {
  const headers = i18n.headers();
  if (method !== "GET") headers["X-CSRF-TOKEN"] = cookie(csrf);
  let body = form;
  if (json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(json);
  }
  const response = await fetch(path, { method, headers, body, credentials: "same-origin" });
  if (response.status === 401 && retry) {
    const answer = await response.clone().json().catch(() => ({}));
    if (answer.code === "TOKEN_EXPIRED" && (await refresh())) {
      return call(path, { method, json, form, csrf, retry: false });
    }
  }
  return response;
}

async function api(path, options) {
  const response = await call(path, options);
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(body.message || t("Erreur %(status)s", { status: response.status }), body.code);
  return body;
}

async function refresh() {
  const response = await call("/refresh", { method: "POST", csrf: "csrf_refresh_token", retry: false });
  return response.ok;
}

// -- signing in -------------------------------------------------------------------------

async function login(event) {
  event.preventDefault();
  $("login-error").textContent = "";
  const response = await call("/login", {
    method: "POST", retry: false,
    json: { matricule: $("matricule").value.trim(), password: $("password").value },
  });
  const body = await response.json().catch(() => ({}));
  $("password").value = "";
  if (response.ok) return enter(body.user);
  if (body.code !== "MFA_REQUIRED") {
    $("login-error").textContent = body.message || t("Connexion refusée");
    return;
  }
  state.challenge = body.mfaToken;
  $("login-form").hidden = true;
  $("mfa-form").hidden = false;
  $("mfa-enrol").hidden = body.mfaEnrolled;
  if (!body.mfaEnrolled) {
    try {
      const enrolment = await api("/login/mfa/setup", { method: "POST", json: { mfaToken: state.challenge }, retry: false });
      $("mfa-secret").textContent = enrolment.secret;
      $("mfa-uri").textContent = enrolment.otpauthUri;
    } catch (error) {
      $("mfa-error").textContent = error.message;
    }
  }
  $("mfa-code").focus();
}

async function verify(event) {
  event.preventDefault();
  $("mfa-error").textContent = "";
  try {
    const body = await api("/login/mfa", {
      method: "POST", retry: false,
      json: { mfaToken: state.challenge, code: $("mfa-code").value.trim() },
    });
    $("mfa-code").value = "";
    $("mfa-form").hidden = true;
    if (body.recoveryCodes) return showRecoveryCodes(body);
    enter(body.user);
  } catch (error) {
    $("mfa-error").textContent = error.message;
    if (error.code === "MFA_CHALLENGE_EXPIRED") restartLogin();
  }
}

function showRecoveryCodes(body) {
  const list = $("recovery-codes");
  list.replaceChildren(...body.recoveryCodes.map((code) => element("li", code)));
  $("recovery-view").hidden = false;
  $("recovery-done").onclick = () => { $("recovery-view").hidden = true; enter(body.user); };
}

function restartLogin() {
  state.challenge = null;
  $("mfa-form").hidden = true;
  $("login-form").hidden = false;
}

function enter(user) {
  if (!user || user.role !== "admin") {
    $("login-error").textContent = t("Réservé aux administrateurs");
    restartLogin();
    return;
  }
  state.user = user;
  $("me").textContent = `${user.prenom || ""} ${user.nom || ""} (${user.matricule})`;
  $("login-view").hidden = true;
  $("console-view").hidden = false;
  $("logout-button").hidden = false;
  show("import-page");
}

async function logout() {
  await call("/logout", { method: "POST", csrf: "csrf_refresh_token", retry: false });
  state.user = null;
  $("console-view").hidden = true;
  $("logout-button").hidden = true;
  $("login-view").hidden = false;
  restartLogin();
}

function show(page) {
  for (const section of document.querySelectorAll(".page")) section.hidden = section.id !== page;
  for (const tab of document.querySelectorAll(".tab")) tab.classList.toggle("active", tab.dataset.page === page);
  if (page === "import-page") loadImports();
  if (page === "agents-page") loadUnits().then(searchAgents);
  if (page === "audit-page") loadAudit();
}

// -- import -----------------------------------------------------------------------------

function importForm(dryRun) {
  const form = new FormData();
  form.append("file", $("import-file").files[0]);
  form.append("mode", $("import-mode").value);
  form.append("force", $("import-force").checked ? "true" : "false");
  form.append("dryRun", dryRun ? "true" : "false");
  return form;
}

async function startImport(dryRun) {
  $("import-error").textContent = "";
  $("export-result").textContent = "";
  if (!$("import-file").files.length) {
    $("import-error").textContent = t("Choisissez un fichier");
    return;
  }
  $("apply-button").disabled = true;
  try {
    const job = await api("/admin/directory/imports", { method: "POST", form: importForm(dryRun) });
    await follow(job);
  } catch (error) {
    $("import-error").textContent = error.message;
  }
}

async function follow(job) {
  state.job = job;
  renderJob(job);
  while (job.status === "running") {
    await new Promise((resolve) => setTimeout(resolve, 400));
    job = await api(`/admin/directory/imports/${job.id}`);
    state.job = job;
    renderJob(job);
  }
  state.lastDryRun = job.dryRun && job.status === "succeeded" ? job : null;
  $("apply-button").disabled = !state.lastDryRun;
  loadImports();
}

function renderJob(job) {
  $("import-job").hidden = false;
  $("job-id").textContent = job.id;
  $("job-status").textContent = job.status + (job.dryRun ? ` (${t("simulation")})` : "");
  $("job-phase").textContent = job.phase;
  const { done, total } = job.progress;
  $("job-progress").max = total || 1;
  $("job-progress").value = job.status === "running" ? done : total || 1;
  const counts = $("job-counts").tBodies[0];
  counts.replaceChildren(...(job.result ? COUNTS.map((key) => row([countLabel(key), String(job.result[key])])) : []));
  $("job-message").textContent = job.error ? `${job.error.code} — ${job.error.message}` : "";
  const errors = job.result ? job.result.errors : [];
  $("job-errors").hidden = !errors.length;
  $("job-errors").tBodies[0].replaceChildren(...errors.slice(0, 200).map((e) => row([String(e.line), e.field || "—", e.code])));
  const applied = !job.dryRun && job.status === "succeeded" && job.result && job.result.created > 0;
  $("export-codes-button").hidden = !applied;
}

async function exportCodes() {
  const job = state.job;
  const response = await call(`/admin/directory/imports/${job.id}/activation-codes`, { method: "POST" });
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    $("export-result").textContent = body.message || t("Erreur %(status)s", { status: response.status });
    return;
  }
  const text = await response.text();
  const count = text.trim().split(/\r?\n/).length - 1;
  const link = document.createElement("a");
  link.href = URL.createObjectURL(new Blob([text], { type: "text/csv" }));
  link.download = `activation-${job.id}.csv`;
  document.body.append(link);
  link.click();
  link.remove();
  $("export-result").textContent = t("%(count)s codes exportés (%(file)s)", { count, file: `activation-${job.id}.csv` });
}

async function loadImports() {
  try {
    const page = await api("/admin/directory/imports?limit=10");
    $("imports").tBodies[0].replaceChildren(...page.imports.map((job) =>
      row([new Date(job.createdAt).toLocaleString(), job.mode + (job.dryRun ? ` (${t("simulation")})` : ""), job.status, job.source])));
  } catch (error) {
    $("import-error").textContent = error.message;
  }
}

// -- agents -----------------------------------------------------------------------------

async function loadUnits() {
  try {
    state.units = (await api("/org/units")).units;
  } catch (error) {
    $("agents-error").textContent = error.message;
    return;
  }
  fill($("filter-ministere"), state.units);
  fill($("filter-direction"), []);
  fill($("filter-service"), []);
}

function fill(select, units) {
  const keep = document.createElement("option");
  keep.value = "";
  keep.textContent = "—";
  select.replaceChildren(keep, ...units.map((unit) => {
    const option = document.createElement("option");
    option.value = unit.name;
    option.textContent = `${unit.name || t("(sans nom)")} (${unit.agents})`;
    return option;
  }));
}

function chosen(units, name) {
  return units.find((unit) => unit.name === name) || { directions: [], services: [] };
}

function onMinistere() {
  fill($("filter-direction"), chosen(state.units, $("filter-ministere").value).directions || []);
  fill($("filter-service"), []);
}

function onDirection() {
  const ministere = chosen(state.units, $("filter-ministere").value);
  fill($("filter-service"), chosen(ministere.directions || [], $("filter-direction").value).services || []);
}

async function searchAgents(event) {
  if (event) { event.preventDefault(); state.agentsPage = 1; }
  $("agents-error").textContent = "";
  const query = new URLSearchParams({ page: state.agentsPage, limit: 20 });
  for (const [key, id] of [["ministere", "filter-ministere"], ["direction", "filter-direction"], ["service", "filter-service"], ["q", "filter-q"]]) {
    if ($(id).value.trim()) query.set(key, $(id).value.trim());
  }
  try {
    const page = await api(`/all?${query}`);
    $("agents-total").textContent = `${page.pagination.total} agent(s)`;
    $("agents-page-number").textContent = `${page.pagination.page} / ${Math.max(page.pagination.pages, 1)}`;
    $("agents").tBodies[0].replaceChildren(...page.users.map(agentRow));
  } catch (error) {
    $("agents-error").textContent = error.message;
  }
}

function agentRow(user) {
  const tr = row([user.matricule, `${user.prenom} ${user.nom}`,
                  [user.ministere, user.direction, user.service].filter(Boolean).join(" / ")]);
  tr.dataset.matricule = user.matricule;
  const roleCell = document.createElement("td");
  const role = document.createElement("select");
  role.className = "role";
  role.replaceChildren(...ROLES.map((name) => {
    const option = document.createElement("option");
    option.value = name;
    option.textContent = name;
    option.selected = name === user.role;
    return option;
  }));
  role.addEventListener("change", () => act(() => api(`/${user.id}`, { method: "PUT", json: { role: role.value } })));
  roleCell.append(role);
  const stateCell = element("td", user.active ? (user.activated ? t("actif") : t("activation en attente")) : t("désactivé"));
  stateCell.className = user.active ? (user.activated ? "" : "pending") : "inactive";
  const actions = document.createElement("td");
  actions.className = "actions";
  const toggle = button(user.active ? t("Désactiver") : t("Réactiver"), user.active ? "deactivate" : "reactivate");
  toggle.addEventListener("click", () => act(() => api(`/${user.id}/${toggle.dataset.action}`, { method: "POST" })));
  const code = button(t("Code d'activation"), "activation-code");
  code.addEventListener("click", async () => {
    try {
      const issued = await api(`/${user.id}/activation-code`, { method: "POST" });
      $("agent-code").textContent = t("%(matricule)s : %(code)s (expire le %(date)s)", {
        matricule: issued.matricule, code: issued.code, date: new Date(issued.expiresAt).toLocaleDateString() });
    } catch (error) {
      $("agents-error").textContent = error.message;
    }
  });
  actions.append(toggle, code);
  tr.append(roleCell, stateCell, actions);
  return tr;
}

async function act(request) {
  $("agents-error").textContent = "";
  $("agents-status").textContent = "";
  let saved = true;
  try {
    await request();
  } catch (error) {
    saved = false;
    $("agents-error").textContent = error.message;
  }
  await searchAgents();
  if (saved) $("agents-status").textContent = t("Enregistré");
}

// -- audit ------------------------------------------------------------------------------

async function loadAudit(event) {
  if (event) { event.preventDefault(); state.auditPage = 1; }
  const query = new URLSearchParams({ page: state.auditPage, limit: 50 });
  if ($("audit-kind").value.trim()) query.set("kind", $("audit-kind").value.trim());
  if ($("audit-user").value.trim()) query.set("userId", $("audit-user").value.trim());
  try {
    const page = await api(`/audit?${query}`);
    $("audit-page-number").textContent = `${page.pagination.page} / ${Math.max(page.pagination.pages, 1)}`;
    $("audit").tBodies[0].replaceChildren(...page.events.map((e) =>
      row([new Date(e.at).toLocaleString(), e.kind, e.userId || "—", e.actorId || "—", e.ip || "", e.detail || ""])));
  } catch (error) {
    $("audit").tBodies[0].replaceChildren(row([error.message]));
  }
}

// -- DOM helpers ------------------------------------------------------------------------

function element(tag, text) {
  const node = document.createElement(tag);
  node.textContent = text;
  return node;
}

function row(cells) {
  const tr = document.createElement("tr");
  tr.append(...cells.map((text) => element("td", text)));
  return tr;
}

function button(text, action) {
  const node = element("button", text);
  node.type = "button";
  node.dataset.action = action;
  return node;
}

function page(delta, key, load) {
  state[key] = Math.max(1, state[key] + delta);
  load();
}

// -- wiring -----------------------------------------------------------------------------

// i18n.js redraws the page's own texts; the tables drawn here are drawn again.
document.addEventListener("languagechange", () => {
  if (!state.user) return;
  const open = [...document.querySelectorAll(".page")].find((section) => !section.hidden);
  if (open) show(open.id);
  if (state.job) renderJob(state.job);
});

$("login-form").addEventListener("submit", login);
$("mfa-form").addEventListener("submit", verify);
$("logout-button").addEventListener("click", logout);
for (const tab of document.querySelectorAll(".tab")) tab.addEventListener("click", () => show(tab.dataset.page));
$("import-form").addEventListener("submit", (event) => { event.preventDefault(); startImport(true); });
$("apply-button").addEventListener("click", () => startImport(false));
$("export-codes-button").addEventListener("click", exportCodes);
$("filter-ministere").addEventListener("change", onMinistere);
$("filter-direction").addEventListener("change", onDirection);
$("agents-form").addEventListener("submit", searchAgents);
$("agents-prev").addEventListener("click", () => page(-1, "agentsPage", searchAgents));
$("agents-next").addEventListener("click", () => page(1, "agentsPage", searchAgents));
$("audit-form").addEventListener("submit", loadAudit);
$("audit-prev").addEventListener("click", () => page(-1, "auditPage", loadAudit));
$("audit-next").addEventListener("click", () => page(1, "auditPage", loadAudit));

// A session left open (the httpOnly cookie) goes straight to the console.
call("/me").then(async (response) => {
  if (response.ok) enter(await response.json());
});
