/// The viewer: one self-contained HTML page (styles and script inline; no CDN, no build step, works offline).
///
/// Views, chosen by the URL fragment:
/// - `#/` the trace list: search, status, model, session and score filters (`#/?session=…&score=…` links to a
///   filtered list), paging, and each trace's latest score of each name;
/// - `#/trace/{id}` (or `#/trace/{id}?span={span id}`, that span selected) a trace: span tree with a waterfall timeline and a detail panel (attributes, events, errors,
///   LLM input and output, tokens and cost, scores); scores show on the span they evaluate and in the trace's
///   header; each span is marked with its service's colour, labelled with the service when the trace crosses
///   services, and an edge into another process is drawn dashed;
/// - `#/sessions` traces grouped by session id;
/// - `#/stats` calls, errors, latency percentiles, tokens and cost by model and operation, and score averages and
///   pass rates by model and operation.
///
/// With "Live" on, the current view is fetched again every 3 seconds. Every value from the API is escaped before it
/// is put into the page.
enum ViewerPage {
    static let html = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Noveum Trace — local</title>
<style>
:root { --bg:#0f1117; --panel:#171a23; --line:#262b38; --text:#e6e8ee; --dim:#8b93a7; --accent:#7c9cff;
  --ok:#3fb68b; --err:#ff5d5d; --warn:#f2b84b; --llm:#b48cff; --tool:#4cc9f0; --ret:#f2b84b; }
* { box-sizing:border-box; }
body { margin:0; font:13px/1.45 -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
  background:var(--bg); color:var(--text); }
header { display:flex; align-items:center; gap:18px; padding:10px 18px; border-bottom:1px solid var(--line);
  background:var(--panel); position:sticky; top:0; z-index:2; }
header h1 { font-size:15px; margin:0; font-weight:600; letter-spacing:.2px; }
header h1 span { color:var(--accent); }
nav a { color:var(--dim); text-decoration:none; margin-right:14px; padding:4px 0; }
nav a.on { color:var(--text); border-bottom:2px solid var(--accent); }
.grow { flex:1; }
label.live { color:var(--dim); display:flex; align-items:center; gap:6px; cursor:pointer; }
main { padding:14px 18px; }
.filters { display:flex; gap:8px; margin-bottom:12px; flex-wrap:wrap; }
input, select, button { background:#0c0e13; color:var(--text); border:1px solid var(--line); border-radius:6px;
  padding:6px 9px; font:inherit; }
input[type=search] { width:280px; }
button { cursor:pointer; } button:hover { border-color:var(--accent); }
table { width:100%; border-collapse:collapse; }
th { text-align:left; color:var(--dim); font-weight:500; padding:6px 8px; border-bottom:1px solid var(--line);
  white-space:nowrap; }
td { padding:7px 8px; border-bottom:1px solid var(--line); white-space:nowrap; }
tr.click { cursor:pointer; } tr.click:hover td { background:#1c2030; }
.num { text-align:right; font-variant-numeric:tabular-nums; }
.mono { font-family:ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size:12px; }
.badge { display:inline-block; padding:1px 7px; border-radius:10px; font-size:11px; font-weight:600; }
.badge.ok { background:rgba(63,182,139,.15); color:var(--ok); }
.badge.error, .badge.timeout { background:rgba(255,93,93,.15); color:var(--err); }
.badge.unset, .badge.cancelled { background:#232838; color:var(--dim); }
.dim { color:var(--dim); }
.pager { display:flex; gap:8px; align-items:center; margin-top:10px; color:var(--dim); }
.empty { color:var(--dim); padding:40px; text-align:center; }
.trace-head { display:flex; gap:18px; align-items:baseline; flex-wrap:wrap; margin-bottom:12px; }
.trace-head h2 { margin:0; font-size:17px; }
.facts span { margin-right:14px; color:var(--dim); } .facts b { color:var(--text); font-weight:500; }
.split { display:grid; grid-template-columns:minmax(0, 1.5fr) minmax(320px, 1fr); gap:14px; align-items:start; }
.card { background:var(--panel); border:1px solid var(--line); border-radius:8px; overflow:hidden; }
.card h3 { margin:0; padding:9px 12px; font-size:12px; color:var(--dim); font-weight:500; text-transform:uppercase;
  letter-spacing:.6px; border-bottom:1px solid var(--line); }
.span-row { display:grid; grid-template-columns:minmax(0, 44%) 1fr 74px; align-items:center; gap:8px;
  padding:5px 12px; cursor:pointer; border-bottom:1px solid #1d2130; }
.span-row:hover { background:#1c2030; } .span-row.sel { background:#222842; }
.span-name { overflow:hidden; text-overflow:ellipsis; white-space:nowrap; }
.span-name .twig { color:#454c60; }
.span-row.failed .span-name { color:var(--err); }
.lane { position:relative; height:16px; background:#11141c; border-radius:3px; }
.bar { position:absolute; top:3px; height:10px; border-radius:3px; background:var(--accent); min-width:2px; }
.bar.llm { background:var(--llm); } .bar.tool { background:var(--tool); } .bar.retrieval { background:var(--ret); }
.bar.failed { background:var(--err); }
.ticks { display:grid; grid-template-columns:minmax(0, 44%) 1fr 74px; gap:8px; padding:4px 12px; color:var(--dim);
  font-size:11px; border-bottom:1px solid var(--line); }
.ticks div:nth-child(2) { display:flex; justify-content:space-between; }
.detail { padding:12px; }
.detail h4 { margin:14px 0 6px; font-size:12px; color:var(--dim); font-weight:500; text-transform:uppercase; }
.detail h4:first-child { margin-top:0; }
.kv { display:grid; grid-template-columns:minmax(110px, 38%) 1fr; gap:3px 10px; }
.kv div:nth-child(odd) { color:var(--dim); overflow-wrap:anywhere; } .kv div:nth-child(even) { overflow-wrap:anywhere; }
pre { white-space:pre-wrap; overflow-wrap:anywhere; background:#0c0e13; border:1px solid var(--line);
  border-radius:6px; padding:8px; margin:0; max-height:260px; overflow:auto; font-size:12px; }
.error-box { border:1px solid rgba(255,93,93,.5); background:rgba(255,93,93,.08); color:#ffb3b3; border-radius:6px;
  padding:8px 10px; }
.pill { display:inline-block; background:#232838; border-radius:4px; padding:1px 6px; margin-right:6px; font-size:11px; }
a.link { color:var(--accent); text-decoration:none; }
.svc { display:inline-block; border-radius:4px; padding:0 6px; margin-left:6px; font-size:11px; color:#0f1117;
  font-weight:600; vertical-align:1px; }
.facts span.svc { color:#0f1117; margin-right:0; }
.dot { display:inline-block; width:7px; height:7px; border-radius:50%; margin-right:6px; vertical-align:1px; }
.twig.remote { color:var(--warn); }
.stats-grid { display:grid; gap:14px; }
.score { display:inline-block; border-radius:4px; padding:0 6px; margin:0 0 0 6px; font-size:11px; font-weight:600;
  background:rgba(180,140,255,.16); color:var(--llm); vertical-align:1px; white-space:nowrap; }
.score.pass { background:rgba(63,182,139,.15); color:var(--ok); } .score.fail { background:rgba(255,93,93,.15); color:var(--err); }
td .score:first-child, .score-line .score:first-child { margin-left:0; }
.score-line { margin-bottom:6px; }
.span-scores { margin:2px 0 1px 13px; } .span-scores .score:first-child { margin-left:0; }
</style>
</head>
<body>
<header>
  <h1>Noveum Trace <span>local</span></h1>
  <nav><a href="#/" id="nav-traces">Traces</a><a href="#/sessions" id="nav-sessions">Sessions</a><a href="#/stats" id="nav-stats">Stats</a></nav>
  <div class="grow"></div>
  <span id="updated" class="dim"></span>
  <label class="live"><input type="checkbox" id="live" checked> Live</label>
</header>
<main id="app"><div class="empty">Loading…</div></main>
<script>
"use strict";
const app = document.getElementById("app");
const state = { filters: { q: "", status: "", model: "", session: "", score: "", sort: "newest" }, offset: 0, limit: 50,
  selected: null, traceId: null };

function esc(value) {
  return String(value == null ? "" : value).replace(/[&<>"']/g, c =>
    ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}
function dur(ns) {
  ns = Number(ns);
  if (ns < 1e6) return Math.round(ns / 1e3) + "µs";
  if (ns < 1e9) return (ns < 1e7 ? (ns / 1e6).toFixed(2) : Math.round(ns / 1e6)) + "ms";
  if (ns < 6e10) return (ns / 1e9).toFixed(2) + "s";
  return Math.floor(ns / 6e10) + "m" + String(Math.floor(ns / 1e9) % 60).padStart(2, "0") + "s";
}
function cost(d) { d = Number(d || 0); return d === 0 ? "–" : "$" + (d < 0.01 ? d.toFixed(5) : d.toFixed(4)); }
function time(ns) { const d = new Date(Number(ns) / 1e6); return d.toLocaleString(); }
function tokens(i, o) { return (Number(i || 0) + Number(o || 0)) === 0 ? "–" : esc(i) + " → " + esc(o); }
function badge(status) { return '<span class="badge ' + esc(status) + '">' + esc(status) + "</span>"; }
async function api(path) {
  const response = await fetch(path, { headers: { "Accept": "application/json" } });
  const body = await response.json();
  if (!response.ok) throw new Error(body.error || ("HTTP " + response.status));
  return body;
}
function scoreText(s) {
  const n = s.value == null ? null : Number(s.value);
  const num = n == null ? null : (Number.isInteger(n) ? String(n) : n.toFixed(2));
  if (s.type === "boolean" || s.type === "categorical" || num == null) return s.label || "–";
  return s.label ? num + " " + s.label : num;
}
function scoreChip(s) {
  const cls = s.type === "boolean" ? (Number(s.value) === 1 ? " pass" : " fail") : "";
  return '<span class="score' + cls + '" title="' + esc([s.source, s.late ? "late" : "", s.span_recorded ? "" : "on a span not recorded here",
    s.explanation].filter(Boolean).join(" · ")) +
    '">' + esc(s.name) + " " + esc(scoreText(s)) + "</span>";
}
function latestScores(scores) { const m = new Map(); for (const s of scores || []) m.set(s.name, s); return [...m.values()]; }
function stamp() { document.getElementById("updated").textContent = "updated " + new Date().toLocaleTimeString(); }
function showError(error) { app.innerHTML = '<div class="error-box">' + esc(error.message) + "</div>"; }

function route() {
  const hash = location.hash || "#/";
  for (const id of ["traces", "sessions", "stats"]) document.getElementById("nav-" + id).className = "";
  if (hash.startsWith("#/trace/")) {
    document.getElementById("nav-traces").className = "on";
    const [path, query] = hash.slice(8).split("?");
    const id = decodeURIComponent(path), span = new URLSearchParams(query || "").get("span");
    if (state.traceId !== id) { state.traceId = id; state.selected = span; }
    return renderTrace(id);
  }
  state.traceId = null;
  if (hash.startsWith("#/sessions")) { document.getElementById("nav-sessions").className = "on"; return renderSessions(); }
  if (hash.startsWith("#/stats")) { document.getElementById("nav-stats").className = "on"; return renderStats(); }
  const linked = new URLSearchParams(hash.split("?")[1] || "");
  for (const key of ["session", "score"]) if (linked.get(key) !== null) state.filters[key] = linked.get(key);
  document.getElementById("nav-traces").className = "on";
  return renderList();
}

// ---- Trace list
function listControls() {
  const f = state.filters;
  return '<div class="filters">' +
    '<input type="search" id="f-q" placeholder="Search name, id, model, session, user" value="' + esc(f.q) + '">' +
    '<select id="f-status"><option value="">any status</option><option value="ok"' + (f.status === "ok" ? " selected" : "") +
    '>ok</option><option value="error"' + (f.status === "error" ? " selected" : "") + ">error</option></select>" +
    '<input id="f-model" placeholder="model" value="' + esc(f.model) + '">' +
    '<input id="f-session" placeholder="session id" value="' + esc(f.session) + '">' +
    '<input id="f-score" placeholder="score: relevance<0.5" value="' + esc(f.score) + '">' +
    '<select id="f-sort">' + ["newest", "oldest", "slowest", "cost", "tokens"].map(s =>
      '<option value="' + s + '"' + (f.sort === s ? " selected" : "") + ">" + s + "</option>").join("") + "</select>" +
    '<button id="f-clear">Clear</button></div><div id="list"></div>';
}
async function renderList() {
  if (!document.getElementById("list")) {
    app.innerHTML = listControls();
    const f = state.filters;
    let timer = null;
    const changed = () => { state.offset = 0; clearTimeout(timer); timer = setTimeout(loadList, 200); };
    for (const [id, key] of [["f-q", "q"], ["f-model", "model"], ["f-session", "session"], ["f-score", "score"]])
      document.getElementById(id).addEventListener("input", e => { f[key] = e.target.value; changed(); });
    for (const [id, key] of [["f-status", "status"], ["f-sort", "sort"]])
      document.getElementById(id).addEventListener("change", e => { f[key] = e.target.value; changed(); });
    document.getElementById("f-clear").addEventListener("click", () => {
      state.filters = { q: "", status: "", model: "", session: "", score: "", sort: "newest" }; state.offset = 0;
      app.innerHTML = ""; location.hash = "#/"; renderList(); });
  }
  return loadList();
}
async function loadList() {
  const f = state.filters;
  const params = new URLSearchParams({ q: f.q, status: f.status, model: f.model, session: f.session, score: f.score, sort: f.sort,
    limit: state.limit, offset: state.offset });
  let page;
  const target = document.getElementById("list");
  try { page = await api("/api/traces?" + params); } catch (e) {
    // A filter the API refuses (a score filter being typed) shows under the controls, which stay usable.
    if (target) target.innerHTML = '<div class="error-box">' + esc(e.message) + "</div>";
    return;
  }
  if (!target) return;
  stamp();
  if (page.traces.length === 0) {
    target.innerHTML = '<div class="empty">' + (page.total === 0 && !f.q && !f.status && !f.model && !f.session && !f.score
      ? "No traces yet. Run <span class=mono>noveum-trace demo</span>, or trace your app with no API key." : "No traces match.") + "</div>";
    return;
  }
  target.innerHTML = '<div class="card"><table><thead><tr><th>Trace</th><th>Started</th><th>Name</th><th>Status</th>' +
    '<th class="num">Duration</th><th class="num">Spans</th><th>Model</th><th class="num">Tokens</th>' +
    '<th class="num">Cost</th><th>Session</th><th>Scores</th></tr></thead><tbody>' +
    page.traces.map(t => '<tr class="click" data-id="' + esc(t.trace_id) + '"><td class="mono">' + esc(t.trace_id.slice(0, 12)) +
      "</td><td>" + esc(time(t.start_nanos)) + "</td><td>" + esc(t.name) + "</td><td>" + badge(t.status) +
      (t.error_count ? ' <span class="dim">' + esc(t.error_count) + " failed</span>" : "") +
      '</td><td class="num">' + dur(t.duration_nanos) + '</td><td class="num">' + esc(t.span_count) + "</td><td>" +
      esc(t.models || "–") + '</td><td class="num">' + tokens(t.input_tokens, t.output_tokens) + '</td><td class="num">' +
      cost(t.cost) + "</td><td>" + esc(t.session_id || "–") + "</td><td>" + (latestScores(t.scores).map(scoreChip).join("") || '<span class="dim">–</span>') +
      "</td></tr>").join("") + "</tbody></table></div>" +
    '<div class="pager"><button id="prev"' + (state.offset === 0 ? " disabled" : "") + '>Previous</button><button id="next"' +
    (state.offset + page.traces.length >= page.total ? " disabled" : "") + ">Next</button><span>" +
    (state.offset + 1) + "–" + (state.offset + page.traces.length) + " of " + page.total + "</span></div>";
  target.querySelectorAll("tr.click").forEach(row =>
    row.addEventListener("click", () => { location.hash = "#/trace/" + row.dataset.id; }));
  document.getElementById("prev").addEventListener("click", () => { state.offset = Math.max(0, state.offset - state.limit); loadList(); });
  document.getElementById("next").addEventListener("click", () => { state.offset += state.limit; loadList(); });
}

// ---- One trace
function serviceColor(name) {
  let h = 0;
  for (const c of String(name || "")) h = (h * 31 + c.charCodeAt(0)) % 360;
  return "hsl(" + h + ", 65%, 65%)";
}
function spanClass(span) {
  const op = span.operation || "";
  if (op === "llm" || op === "embedding") return "llm";
  if (op === "tool") return "tool";
  if (op === "retrieval" || op === "reranker") return "retrieval";
  const a = Object.fromEntries(span.attributes.map(x => [x.key, x.value]));
  const kind = (a["openinference.span.kind"] || "").toLowerCase();
  if (span.model || kind === "llm") return "llm";
  if (kind === "tool" || a["tool.name"]) return "tool";
  if (kind === "retriever" || span.name.indexOf("search") >= 0) return "retrieval";
  return "";
}
function ordered(spans) {
  const ids = new Set(spans.map(s => s.span_id)), children = {}, roots = [];
  for (const s of spans) {
    if (s.parent_span_id && ids.has(s.parent_span_id)) (children[s.parent_span_id] = children[s.parent_span_id] || []).push(s);
    else roots.push(s);
  }
  const out = [];
  const walk = (s, depth, twig) => { out.push({ span: s, depth: depth, twig: twig });
    (children[s.span_id] || []).forEach((c, i, all) => walk(c, depth + 1,
      c.parent_remote ? (i === all.length - 1 ? "└┄ " : "├┄ ") : (i === all.length - 1 ? "└ " : "├ "))); };
  roots.forEach(r => walk(r, 0, ""));
  return out;
}
async function renderTrace(id) {
  let trace;
  try { trace = await api("/api/traces/" + encodeURIComponent(id)); } catch (e) { return showError(e); }
  if (state.traceId !== id) return;
  stamp();
  const t = trace.summary, rows = ordered(trace.spans);
  if (!state.selected || !trace.spans.some(s => s.span_id === state.selected)) {
    // Start on the first failed span (errors first), else the first LLM call, else the root.
    const failed = trace.spans.find(s => s.status === "error" || s.status === "timeout");
    const llm = trace.spans.find(s => s.model);
    state.selected = (failed || llm || (rows[0] || {}).span || {}).span_id || null;
  }
  const total = Math.max(1, Number(t.duration_nanos)), start = Number(t.start_nanos);
  const tick = k => dur(total * k / 4);
  const services = (t.services && t.services.length) ? t.services : [t.service];
  const many = services.length > 1;
  const chip = name => '<span class="svc" style="background:' + serviceColor(name) + '">' + esc(name) + "</span>";
  const scoresOf = {};
  for (const sc of t.scores || []) if (sc.span_id) (scoresOf[sc.span_id] = scoresOf[sc.span_id] || []).push(sc);
  app.innerHTML = '<div class="trace-head"><a class="link" href="#/">← Traces</a><h2>' + esc(t.name) + "</h2>" + badge(t.status) +
    '<span class="mono dim">' + esc(t.trace_id) + '</span></div><div class="facts" style="margin-bottom:12px">' +
    "<span>started <b>" + esc(time(t.start_nanos)) + "</b></span><span>duration <b>" + dur(t.duration_nanos) + "</b></span>" +
    "<span>spans <b>" + esc(t.span_count) + "</b></span><span>errors <b>" + esc(t.error_count) + "</b></span>" +
    "<span>tokens <b>" + tokens(t.input_tokens, t.output_tokens) + "</b></span><span>cost <b>" + cost(t.cost) + "</b></span>" +
    (t.session_id ? '<span>session <b><a class="link" href="#/?session=' + encodeURIComponent(t.session_id) + '">' + esc(t.session_id) + "</a></b></span>" : "") +
    (t.user_id ? "<span>user <b>" + esc(t.user_id) + "</b></span>" : "") +
    (t.scores && t.scores.length ? "<span>scores " + latestScores(t.scores).map(scoreChip).join("") + "</span>" : "") + (many ? "<span>services " + services.map(chip).join("") + "</span>" : "<span>service <b>" + esc(t.service) + "</b></span>") + "</div>" +
    '<div class="split"><div class="card"><h3>Spans · waterfall</h3><div class="ticks"><div>name</div><div><span>0</span><span>' +
    tick(1) + "</span><span>" + tick(2) + "</span><span>" + tick(3) + "</span><span>" + tick(4) + '</span></div><div class="num">duration</div></div>' +
    rows.map(r => {
      const s = r.span, failed = s.status === "error" || s.status === "timeout";
      const left = (Number(s.start_nanos) - start) / total * 100, width = Math.max(0.3, Number(s.duration_nanos) / total * 100);
      return '<div class="span-row' + (failed ? " failed" : "") + (s.span_id === state.selected ? " sel" : "") + '" data-span="' + esc(s.span_id) + '">' +
        '<div class="span-name" style="padding-left:' + (r.depth * 14) + 'px" title="' + esc(s.name) + (s.service ? " · " + esc(s.service) : "") +
        (s.parent_remote ? " · parent in another process" : "") + '"><span class="dot" style="background:' + serviceColor(s.service || t.service) + '"></span>' +
        '<span class="twig' + (s.parent_remote ? " remote" : "") + '">' + r.twig + "</span>" +
        (failed ? "✗ " : "") + esc(s.name) + (many && s.service ? chip(s.service) : "") +
        (scoresOf[s.span_id] ? '<div class="span-scores">' + latestScores(scoresOf[s.span_id]).map(scoreChip).join("") + "</div>" : "") +
        '</div><div class="lane"><div class="bar ' + spanClass(s) + (failed ? " failed" : "") +
        '" style="left:' + left.toFixed(3) + "%;width:" + Math.min(width, 100 - left).toFixed(3) + '%"></div></div><div class="num">' +
        dur(s.duration_nanos) + "</div></div>";
    }).join("") + '</div><div class="card"><h3>Details</h3><div class="detail" id="detail"></div></div></div>';
  app.querySelectorAll(".span-row").forEach(row => row.addEventListener("click", () => {
    state.selected = row.dataset.span;
    app.querySelectorAll(".span-row").forEach(r => r.classList.toggle("sel", r === row));
    renderDetail(trace.spans.find(s => s.span_id === state.selected), scoresOf);
  }));
  renderDetail(trace.spans.find(s => s.span_id === state.selected), scoresOf);
}
const inputKeys = ["llm.input.messages", "llm.prompt", "gen_ai.prompt", "input.value", "gen_ai.tool.call.arguments"];
const outputKeys = ["llm.output.response", "llm.completion", "llm.response", "gen_ai.completion", "output.value", "gen_ai.tool.call.result"];
function renderDetail(span, scoresOf) {
  const target = document.getElementById("detail");
  if (!target || !span) return;
  const a = Object.fromEntries(span.attributes.map(x => [x.key, x.value]));
  const pick = keys => keys.map(k => a[k]).find(v => v != null && v !== "");
  const input = pick(inputKeys), output = pick(outputKeys);
  const failed = span.status === "error" || span.status === "timeout";
  let html = "<h4>" + esc(span.name) + "</h4><div class=\"kv\">" +
    "<div>status</div><div>" + badge(span.status) + "</div><div>duration</div><div>" + dur(span.duration_nanos) + "</div>" +
    "<div>kind</div><div>" + esc(span.kind) + "</div><div>span id</div><div class=\"mono\">" + esc(span.span_id) + "</div>" +
    (span.parent_span_id ? "<div>parent</div><div class=\"mono\">" + esc(span.parent_span_id) + (span.parent_remote ? " (another process)" : "") + "</div>" : "") +
    (span.service ? "<div>service</div><div>" + esc(span.service) + (span.sdk ? " <span class=\"dim\">" + esc(span.sdk) + "</span>" : "") + "</div>" : "") +
    (span.operation ? "<div>operation</div><div>" + esc(span.operation) + "</div>" : "") +
    (span.provider ? "<div>provider</div><div>" + esc(span.provider) + "</div>" : "") +
    (span.model ? "<div>model</div><div>" + esc(span.model) + "</div>" : "") +
    (span.input_tokens != null || span.output_tokens != null ? "<div>tokens</div><div>" + tokens(span.input_tokens || 0, span.output_tokens || 0) + "</div>" : "") +
    (span.cost ? "<div>cost</div><div>" + cost(span.cost) + "</div>" : "") + "</div>";
  if (failed) html += "<h4>Error</h4><div class=\"error-box\"><b>" + esc(span.exception_type || span.status) + "</b> " +
    esc(span.exception_message || span.status_message || "") + (span.exception_stack ? "<pre>" + esc(span.exception_stack) + "</pre>" : "") + "</div>";
  const scores = (scoresOf || {})[span.span_id] || [];
  if (scores.length) html += "<h4>Scores</h4>" + scores.map(sc => '<div class="score-line">' + scoreChip(sc) + ' <span class="dim">' +
    esc([sc.source, sc.late ? "late" : ""].filter(Boolean).join(" · ")) + "</span>" +
    (sc.explanation ? '<div class="dim">' + esc(sc.explanation) + "</div>" : "") + "</div>").join("");
  if (input) html += "<h4>Input</h4><pre>" + esc(input) + "</pre>";
  if (output) html += "<h4>Output</h4><pre>" + esc(output) + "</pre>";
  if (span.events.length) html += "<h4>Events</h4>" + span.events.map(e => "<div><span class=\"pill\">" + esc(dur(Number(e.time_nanos) - Number(span.start_nanos))) +
    "</span>" + esc(e.name) + (e.attributes.length ? " <span class=\"dim\">" + e.attributes.map(x => esc(x.key) + "=" + esc(x.value)).join(", ") + "</span>" : "") + "</div>").join("");
  if (span.links && span.links.length) html += "<h4>Links</h4>" + span.links.map(l => "<div class=\"mono\">" + esc(l.trace_id) + " / " + esc(l.span_id) +
    (l.attributes.length ? " <span class=\"dim\">" + l.attributes.map(x => esc(x.key) + "=" + esc(x.value)).join(", ") + "</span>" : "") + "</div>").join("");
  html += "<h4>Attributes</h4><div class=\"kv\">" + span.attributes.map(x => "<div>" + esc(x.key) + "</div><div>" + esc(x.value) + "</div>").join("") + "</div>";
  target.innerHTML = html;
}

// ---- Sessions
async function renderSessions() {
  let sessions;
  try { sessions = await api("/api/sessions"); } catch (e) { return showError(e); }
  stamp();
  if (!sessions.length) { app.innerHTML = '<div class="empty">No sessions yet: set the <span class="mono">session.id</span> attribute on your spans.</div>'; return; }
  app.innerHTML = '<div class="card"><table><thead><tr><th>Session</th><th>User</th><th class="num">Traces</th><th class="num">Errors</th>' +
    '<th>First</th><th>Last</th><th class="num">Tokens</th><th class="num">Cost</th></tr></thead><tbody>' +
    sessions.map(s => '<tr class="click" data-session="' + esc(s.session_id) + '"><td>' + esc(s.session_id) + "</td><td>" + esc(s.user_id || "–") +
      '</td><td class="num">' + esc(s.trace_count) + '</td><td class="num">' + esc(s.error_count) + "</td><td>" + esc(time(s.first_start_nanos)) +
      "</td><td>" + esc(time(s.last_end_nanos)) + '</td><td class="num">' + tokens(s.input_tokens, s.output_tokens) + '</td><td class="num">' +
      cost(s.cost) + "</td></tr>").join("") + "</tbody></table></div>";
  app.querySelectorAll("tr.click").forEach(row => row.addEventListener("click", () => {
    state.filters.session = row.dataset.session; location.hash = "#/?session=" + encodeURIComponent(row.dataset.session); }));
}

// ---- Stats
function statsTable(title, groups) {
  return '<div class="card"><h3>' + esc(title) + '</h3><table><thead><tr><th></th><th class="num">Calls</th><th class="num">Error rate</th>' +
    '<th class="num">p50</th><th class="num">p95</th><th class="num">p99</th><th class="num">Tokens in</th><th class="num">Tokens out</th>' +
    '<th class="num">Cost</th></tr></thead><tbody>' + groups.map(g => "<tr><td>" + esc(g.key) + '</td><td class="num">' + esc(g.calls) +
    '</td><td class="num">' + (g.error_rate * 100).toFixed(1) + '%</td><td class="num">' + dur(g.p50_nanos) + '</td><td class="num">' +
    dur(g.p95_nanos) + '</td><td class="num">' + dur(g.p99_nanos) + '</td><td class="num">' + esc(g.input_tokens) + '</td><td class="num">' +
    esc(g.output_tokens) + '</td><td class="num">' + cost(g.cost) + "</td></tr>").join("") + "</tbody></table></div>";
}
function scoresTable(title, summaries) {
  return '<div class="card"><h3>' + esc(title) + '</h3><table><thead><tr><th>Score</th><th></th><th class="num">Count</th>' +
    '<th class="num">Average</th><th class="num">Pass rate</th></tr></thead><tbody>' + summaries.map(g => "<tr><td>" + esc(g.name) +
    "</td><td>" + esc(g.group || "–") + '</td><td class="num">' + esc(g.count) + '</td><td class="num">' +
    (g.average == null ? "–" : Number(g.average).toFixed(3)) + '</td><td class="num">' +
    (g.booleans ? (g.passed / g.booleans * 100).toFixed(1) + "%" : "–") + "</td></tr>").join("") + "</tbody></table></div>";
}
async function renderStats() {
  let report;
  try { report = await api("/api/stats"); } catch (e) { return showError(e); }
  stamp();
  app.innerHTML = '<p class="dim">' + esc(report.trace_count) + ' traces</p><div class="stats-grid">' +
    statsTable("By model", report.by_model) + statsTable("By operation", report.by_operation) +
    (report.scores_by_model && report.scores_by_model.length ? scoresTable("Scores by model", report.scores_by_model) +
      scoresTable("Scores by operation", report.scores_by_operation) : "") + "</div>";
}

window.addEventListener("hashchange", () => { if (!location.hash.startsWith("#/trace/") && !location.hash.startsWith("#/?")) app.innerHTML = ""; route(); });
setInterval(() => {
  if (!document.getElementById("live").checked) return;
  const hash = location.hash || "#/";
  if (hash.startsWith("#/trace/")) renderTrace(state.traceId);
  else if (hash.startsWith("#/sessions")) renderSessions();
  else if (hash.startsWith("#/stats")) renderStats();
  else loadList();
}, 3000);
route();
</script>
</body>
</html>
"""#
}
