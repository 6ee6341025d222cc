// The node's dashboard: polls GET /api/overview, follows one function's log, and deploys,
// scales and removes functions through the same management API the CLI uses. The session
// cookie authenticates it; every change carries X-Edgefaas-Dashboard, which other sites cannot send.
'use strict';

const POLL_MILLIS = 2000;
const LOG_LINES_KEPT = 500;
const CHANGE_HEADERS = { 'Content-Type': 'application/json', 'X-Edgefaas-Dashboard': '1' };
const COLORS = ['#2457c5', '#c5452a', '#2a9d5b', '#8a3fc5', '#c59a24', '#247fa0', '#b0306a', '#5b6475'];
const $ = id => document.getElementById(id);

const state = { charts: {}, chartFunctions: '', log: null, logFunction: '', pollTimer: null };

/** An element with text, for tables: never innerHTML, so no name or log line can inject markup. */
function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

async function api(path, options = {}) {
  const response = await fetch(path, { credentials: 'same-origin', ...options });
  if (response.status === 401) {
    showLogin();
    throw new Error('logged out');
  }
  const text = await response.text();
  const body = text && (response.headers.get('Content-Type') || '').includes('json') ? JSON.parse(text) : text;
  if (!response.ok) {
    throw new Error(body && body.error ? body.error : response.status + ' ' + text);
  }
  return body;
}

function showLogin() {
  clearTimeout(state.pollTimer);
  stopLog();
  $('app').hidden = true;
  $('logout').hidden = true;
  $('login').hidden = false;
  $('status').textContent = '';
}

function showApp() {
  $('login').hidden = true;
  $('app').hidden = false;
  $('logout').hidden = false;
  poll();
}

async function logIn(event) {
  event.preventDefault();
  $('login-error').textContent = '';
  const response = await fetch('session', {
    method: 'POST', credentials: 'same-origin', headers: CHANGE_HEADERS,
    body: JSON.stringify({ token: $('token').value })
  });
  if (response.ok) {
    $('token').value = '';
    showApp();
  } else {
    const body = await response.json().catch(() => ({}));
    $('login-error').textContent = body.error || 'login failed: ' + response.status;
  }
}

async function logOut() {
  await fetch('session', { method: 'DELETE', credentials: 'same-origin', headers: CHANGE_HEADERS });
  showLogin();
}

async function poll() {
  clearTimeout(state.pollTimer);
  try {
    const overview = await api('/api/overview');
    render(overview);
    $('status').textContent = 'live · updated ' + new Date(overview.now).toLocaleTimeString();
  } catch (e) {
    if (e.message === 'logged out') return;
    $('status').textContent = 'cannot reach the node: ' + e.message;
  }
  state.pollTimer = setTimeout(poll, POLL_MILLIS);
}

function render(overview) {
  renderFunctions(overview.functions);
  renderInstances(overview.instances);
  renderCharts(overview.functions, overview['slot-seconds']);
  renderColdStarts(overview['cold-starts']);
  renderLogChoice(overview.functions);
}

function renderFunctions(functions) {
  const body = $('functions').tBodies[0];
  const editing = body.contains(document.activeElement);
  if (editing) return; // Do not replace a field the operator is typing in.
  body.replaceChildren(...functions.map(f => {
    const row = document.createElement('tr');
    row.dataset.function = f.name;
    const requests = f.traffic.reduce((sum, point) => sum + point.requests, 0);
    row.append(cell(f.name), cell(f.runtime), cell(f.sandbox), cell(f.version || ''),
      cell(f.source || f.artifact, 'source'));
    row.lastChild.title = f.source || f.artifact;
    for (const key of ['min-instances', 'max-instances']) {
      const input = document.createElement('input');
      input.type = 'number';
      input.min = '0';
      input.value = f[key];
      input.name = key;
      input.setAttribute('aria-label', key + ' of ' + f.name);
      const td = document.createElement('td');
      td.append(input);
      row.append(td);
    }
    row.append(cell(String(requests), 'requests'));
    const actions = document.createElement('td');
    actions.append(button('Scale', () => scale(f.name, row)), ' ', removeButton(f.name));
    row.append(actions);
    return row;
  }));
}

function button(text, onClick, className) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = text;
  if (className) b.className = className;
  b.addEventListener('click', onClick);
  return b;
}

/** Remove asks again on the button itself (no dialog, which phones and automation handle badly). */
function removeButton(name) {
  const b = button('Remove', async () => {
    if (!b.dataset.armed) {
      b.dataset.armed = 'yes';
      b.textContent = 'Really remove?';
      setTimeout(() => { delete b.dataset.armed; b.textContent = 'Remove'; }, 4000);
      return;
    }
    await change(() => api('/api/functions/' + encodeURIComponent(name), { method: 'DELETE', headers: CHANGE_HEADERS }));
  }, 'danger');
  b.dataset.remove = name;
  return b;
}

/** PATCH /api/functions/NAME: the node redeploys the function as it has it, with the new bounds. */
async function scale(name, row) {
  const bounds = {};
  for (const input of row.querySelectorAll('input[type=number]')) bounds[input.name] = Number(input.value);
  await change(() => api('/api/functions/' + encodeURIComponent(name),
    { method: 'PATCH', headers: CHANGE_HEADERS, body: JSON.stringify(bounds) }));
}

async function change(action) {
  $('functions-error').textContent = '';
  try {
    await action();
  } catch (e) {
    if (e.message !== 'logged out') $('functions-error').textContent = e.message;
  }
  document.activeElement.blur();
  poll();
}

function put(name, manifestJson) {
  return api('/api/functions/' + encodeURIComponent(name), { method: 'PUT', headers: CHANGE_HEADERS, body: manifestJson });
}

async function deploy(event) {
  event.preventDefault();
  $('deploy-error').textContent = '';
  try {
    await put($('deploy-name').value.trim(), $('deploy-manifest').value);
    $('deploy').open = false;
    poll();
  } catch (e) {
    if (e.message !== 'logged out') $('deploy-error').textContent = e.message;
  }
}

function renderInstances(instances) {
  $('instances').tBodies[0].replaceChildren(...instances.map(i => {
    const row = document.createElement('tr');
    row.dataset.instance = i.id;
    row.dataset.function = i.function;
    row.append(cell(i.id), cell(i.function), cell(i.sandbox), cell(i.state), cell(duration(i['age-s'])),
      cell(i['cold-start-ms'] == null ? '…' : i['cold-start-ms'].toFixed(0) + ' ms'),
      cell(i['cold-start-phases'].map(p => p.name + ' ' + p.ms.toFixed(0)).join(' · '), 'phases'), cell(i.start),
      cell(i['memory-mib'] == null ? '' : i['memory-mib'].toFixed(1) + ' MiB'),
      cell(i['cpu-ms'] == null ? '' : (i['cpu-ms'] / 1000).toFixed(2) + ' s'), cell(String(i['in-flight'])));
    row.title = Object.entries(i.details).map(([k, v]) => k + ': ' + v).join('\n');
    return row;
  }));
}

function duration(seconds) {
  if (seconds < 120) return seconds + ' s';
  if (seconds < 7200) return Math.floor(seconds / 60) + ' min';
  return Math.floor(seconds / 3600) + ' h';
}

const CHARTS = [
  ['chart-rate', (p, slot) => p.requests / slot],
  ['chart-failures', (p, slot) => p.failures / slot],
  ['chart-p50', p => (p.requests - p.failures > 0 ? p['p50-ms'] : null)],
  ['chart-p99', p => (p.requests - p.failures > 0 ? p['p99-ms'] : null)]
];

function renderCharts(functions, slotSeconds) {
  if (typeof uPlot === 'undefined' || functions.length === 0) return;
  const names = functions.map(f => f.name).join(',');
  const times = functions[0].traffic.map(p => p.t / 1000);
  for (const [id, value] of CHARTS) {
    const data = [times, ...functions.map(f => f.traffic.map(p => value(p, slotSeconds)))];
    if (state.chartFunctions !== names || !state.charts[id]) {
      if (state.charts[id]) state.charts[id].destroy();
      state.charts[id] = new uPlot(chartOptions(functions, $(id).clientWidth), data, $(id));
    } else {
      state.charts[id].setData(data);
    }
  }
  state.chartFunctions = names;
}

function chartOptions(functions, width) {
  return {
    width: Math.max(260, width), height: 170,
    legend: { live: true },
    scales: { y: { range: (u, min, max) => [0, Math.max(1, max * 1.1)] } },
    // Points shown: a slot with requests between idle ones is a point with no line to draw.
    series: [{}, ...functions.map((f, i) => ({
      label: f.name, stroke: COLORS[i % COLORS.length], width: 1.5, spanGaps: false, points: { show: true, size: 4 }
    }))],
    axes: [{}, { size: 50 }]
  };
}

function resizeCharts() {
  for (const [id] of CHARTS) {
    const chart = state.charts[id];
    if (chart) chart.setSize({ width: Math.max(260, $(id).clientWidth), height: 170 });
  }
}

function renderColdStarts(coldStarts) {
  const bounds = coldStarts['bounds-ms'];
  // Short enough for ten buckets across a phone: the upper bound in ms, 'k' for thousands.
  const short = ms => (ms >= 1000 ? ms / 1000 + 'k' : String(ms));
  const labels = [...bounds.map(short), '>' + short(bounds[bounds.length - 1])];
  const sandboxes = Object.entries(coldStarts.sandboxes);
  if (sandboxes.length === 0) {
    $('cold-starts').textContent = 'None yet.';
    return;
  }
  $('cold-starts').replaceChildren(...sandboxes.flatMap(([sandbox, counts]) => {
    const title = document.createElement('h3');
    title.textContent = sandbox + ' (' + counts.reduce((a, b) => a + b, 0) + ')';
    const histogram = document.createElement('div');
    histogram.className = 'histogram';
    histogram.dataset.sandbox = sandbox;
    const most = Math.max(...counts, 1);
    counts.forEach((count, i) => {
      const bucket = document.createElement('div');
      bucket.className = 'bucket';
      const number = document.createElement('span');
      number.className = 'count';
      number.textContent = count || '';
      const bar = document.createElement('div');
      bar.className = 'bar';
      bar.style.height = (count / most * 80) + '%';
      const label = document.createElement('span');
      label.className = 'label';
      label.textContent = labels[i];
      bucket.append(number, bar, label);
      histogram.append(bucket);
    });
    return [title, histogram];
  }));
}

function renderLogChoice(functions) {
  const select = $('log-function');
  const names = functions.map(f => f.name);
  const current = [...select.options].map(o => o.value);
  if (names.join() !== current.join()) {
    select.replaceChildren(...names.map(name => new Option(name, name)));
    if (names.includes(state.logFunction)) select.value = state.logFunction;
  }
  if (select.value !== state.logFunction) followLog(select.value);
}

function stopLog() {
  if (state.log) state.log.abort();
  state.log = null;
  state.logFunction = '';
}

/** Streams GET /api/functions/NAME/logs?follow=true into the page, line by line as they come. */
async function followLog(name) {
  stopLog();
  $('log').textContent = '';
  if (!name) return;
  const controller = new AbortController();
  state.log = controller;
  state.logFunction = name;
  try {
    const response = await fetch('/api/functions/' + encodeURIComponent(name) + '/logs?tail=50&follow=true',
      { credentials: 'same-origin', signal: controller.signal });
    if (!response.ok) return;
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      appendLog(value);
    }
  } catch (e) {
    if (e.name !== 'AbortError') $('log').append('\n(log ended: ' + e.message + ')');
  }
  if (state.log === controller) state.logFunction = ''; // Ended by the node: the next poll follows again.
}

function appendLog(text) {
  const log = $('log');
  const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 20;
  log.append(text);
  const lines = log.textContent.split('\n');
  if (lines.length > LOG_LINES_KEPT) log.textContent = lines.slice(-LOG_LINES_KEPT).join('\n');
  if (atBottom) log.scrollTop = log.scrollHeight;
}

async function start() {
  $('login-form').addEventListener('submit', logIn);
  $('logout').addEventListener('click', logOut);
  $('deploy-form').addEventListener('submit', deploy);
  $('log-function').addEventListener('change', e => followLog(e.target.value));
  window.addEventListener('resize', resizeCharts);
  $('deploy-manifest').value = JSON.stringify({ runtime: 'go', artifact: '/path/to/function', sandbox: 'process' }, null, 2);
  const session = await (await fetch('session', { credentials: 'same-origin' })).json();
  if (session['logged-in']) showApp(); else showLogin();
}

start();
