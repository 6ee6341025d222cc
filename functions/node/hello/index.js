'use strict';
// The no-op function in Node.js: reads and discards any request body, then answers
// "hello". With ?echo=1 it describes the request it received instead, as JSON.
// Instance contract: listen on $HOST:$PORT (HOST defaults to 0.0.0.0), then GET $EDGEFAAS_CALLBACK_URL (or the
// URL of a --callback=URL argument), serve HTTP/1.1 with keep-alive, exit 0 on SIGTERM.
// Built-in modules only; Node 18 or later.

const http = require('http');

const CALLBACK_ATTEMPTS = 5;
const CALLBACK_PAUSE_MS = 50;
const CALLBACK_TIMEOUT_MS = 5000;
const SHUTDOWN_GRACE_MS = 500;

function fail(message) {
  process.stderr.write(message + '\n');
  process.exit(1);
}

function portFromEnv() {
  const raw = process.env.PORT || '8080';
  const port = Number(raw);
  if (!/^[0-9]+$/.test(raw) || port > 65535) {
    fail(`PORT must be an integer between 0 and 65535, got "${raw}"`);
  }
  return port;
}

function callbackUrl() {
  let raw = process.env.EDGEFAAS_CALLBACK_URL || '';
  if (!raw) {
    for (const arg of process.argv.slice(2)) {
      if (arg.startsWith('--callback=')) {
        raw = arg.slice('--callback='.length);
      }
    }
  }
  if (!raw) {
    return null;
  }
  let url;
  try {
    url = new URL(raw);
  } catch (e) {
    url = null;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    fail(`callback URL "${raw}" is not an absolute http(s) URL`);
  }
  return url;
}

// Header names the way Go canonicalises them (content-type -> Content-Type), so that the
// Go and Node echoes agree.
function canonicalName(name) {
  if (!/^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/.test(name)) {
    return name;
  }
  return name.toLowerCase().replace(/(^|-)([a-z])/g, (_, dash, letter) => dash + letter.toUpperCase());
}

function describe(req, bodyBytes) {
  const target = req.url || '';
  const q = target.indexOf('?');
  const headers = {};
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = canonicalName(raw[i]);
    (headers[name] = headers[name] || []).push(raw[i + 1]);
  }
  return {
    method: req.method,
    path: q >= 0 ? target.slice(0, q) : target,
    query: q >= 0 ? target.slice(q + 1) : '',
    headers,
    bodyBytes,
  };
}

function wantsEcho(req) {
  const target = req.url || '';
  const q = target.indexOf('?');
  return q >= 0 && new URLSearchParams(target.slice(q + 1)).get('echo') === '1';
}

function handle(req, res) {
  let bodyBytes = 0;
  req.on('data', (chunk) => {
    bodyBytes += chunk.length;
  });
  req.on('error', () => {
    res.destroy();
  });
  req.on('end', () => {
    if (wantsEcho(req)) {
      const body = JSON.stringify(describe(req, bodyBytes)) + '\n';
      res.writeHead(200, {
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(body),
      });
      res.end(body);
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': 6 });
    res.end('hello\n');
  });
}

// GETs the callback URL, retrying while it cannot be reached. Any HTTP answer counts as
// delivered; one that is not 2xx is reported on stderr.
function signalReady(url, attempt) {
  const client = url.protocol === 'https:' ? require('https') : http;
  let settled = false;
  const retry = (err) => {
    if (settled) {
      return;
    }
    settled = true;
    if (attempt >= CALLBACK_ATTEMPTS) {
      fail(`ready callback to ${url.href} failed: ${CALLBACK_ATTEMPTS} attempts: ${err.message}`);
    }
    setTimeout(() => signalReady(url, attempt + 1), CALLBACK_PAUSE_MS);
  };
  const req = client.get(url, { agent: false }, (res) => {
    settled = true;
    if (res.statusCode < 200 || res.statusCode > 299) {
      process.stderr.write(`ready callback to ${url.href} answered ${res.statusCode} ${res.statusMessage}\n`);
    }
    res.resume();
  });
  req.setTimeout(CALLBACK_TIMEOUT_MS, () => req.destroy(new Error('timed out')));
  req.on('error', retry);
}

function main() {
  const port = portFromEnv();
  const callback = callbackUrl();
  const server = http.createServer(handle);
  // Keep connections from the gateway open; never time out a long upload.
  server.keepAliveTimeout = 65000;
  server.headersTimeout = 66000;
  server.requestTimeout = 0;

  const shutdown = () => {
    server.close(() => process.exit(0));
    if (typeof server.closeIdleConnections === 'function') {
      server.closeIdleConnections();
    }
    setTimeout(() => process.exit(0), SHUTDOWN_GRACE_MS).unref();
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);

  server.on('error', (err) => fail(`cannot listen on port ${port}: ${err.message}`));
  server.listen(port, process.env.HOST || '0.0.0.0', () => {
    process.stdout.write(`listening on :${server.address().port}\n`);
    if (callback) {
      signalReady(callback, 1);
    }
  });
}

main();
