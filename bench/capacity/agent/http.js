// HTTP for the simulated users: node:http with one keep-alive agent for the whole process.
//
// Idle pooled connections are closed by the client after `IDLE_MS`, before the server closes
// them (gunicorn keeps an idle connection 2 s, nginx 75 s). Otherwise a request written just
// as the server closes its idle connection dies with ECONNRESET: a race of the client's pool,
// which browsers hide by retrying, that is not the server failing.
"use strict";

const http = require("node:http");

const IDLE_MS = 1000;
const agent = new http.Agent({ keepAlive: true, timeout: IDLE_MS, maxSockets: Infinity });

class HttpTimeout extends Error {
  constructor() {
    super("no answer in time");
    this.code = "TIMEOUT";
  }
}

// {status, body (parsed JSON or {})}; rejects with an error whose `code` names the failure.
function request(url, { method, headers, body, timeoutMs }) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = http.request(url, {
      method,
      agent,
      headers: { ...headers, ...(payload ? { "Content-Length": payload.length } : {}) },
    });
    const timer = setTimeout(() => req.destroy(new HttpTimeout()), timeoutMs);
    req.on("response", (res) => {
      const chunks = [];
      res.on("data", (chunk) => chunks.push(chunk));
      res.on("end", () => {
        clearTimeout(timer);
        const text = Buffer.concat(chunks).toString("utf8");
        try {
          resolve({ status: res.statusCode, body: text ? JSON.parse(text) : {} });
        } catch (error) {
          reject(Object.assign(error, { code: "INVALID_JSON" }));
        }
      });
      res.on("error", (error) => { clearTimeout(timer); reject(error); });
    });
    req.on("error", (error) => { clearTimeout(timer); reject(error); });
    req.end(payload);
  });
}

module.exports = { request };
