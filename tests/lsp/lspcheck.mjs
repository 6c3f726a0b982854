// Headless yaml-language-server client: opens YAML files over LSP (stdio JSON-RPC) exactly as
// VS Code's YAML extension does and prints the diagnostics it publishes, as JSON.
// Usage: node lspcheck.mjs <yaml-language-server bin> <workspace dir> <yaml settings JSON> <file>...
// Output: {"<file>": [{"line": 1-based, "col": 1-based, "severity": 1..4, "message": "..."}]}
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [serverBin, root, settingsJson, ...files] = process.argv.slice(2);
const settings = JSON.parse(settingsJson);
const server = spawn(process.execPath, [serverBin, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
const pending = new Map();
const diagnostics = new Map();
let buffer = Buffer.alloc(0);
let nextId = 1;
let lastPublish = 0;

const send = (msg) => {
  const text = JSON.stringify({ jsonrpc: '2.0', ...msg });
  server.stdin.write(`Content-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
};
const request = (method, params) => new Promise((resolve) => {
  const id = nextId++;
  pending.set(id, resolve);
  send({ id, method, params });
});
const notify = (method, params) => send({ method, params });

function handle(msg) {
  if (msg.method && msg.id !== undefined) { // a request from the server: answer it
    let result = null;
    if (msg.method === 'workspace/configuration') {
      result = msg.params.items.map((item) => item.section === 'yaml' ? settings
        : item.section === 'http' ? { proxy: '', proxyStrictSSL: false } : {});
    }
    send({ id: msg.id, result });
  } else if (msg.id !== undefined) {
    pending.get(msg.id)?.(msg.result);
    pending.delete(msg.id);
  } else if (msg.method === 'textDocument/publishDiagnostics') {
    diagnostics.set(msg.params.uri, msg.params.diagnostics);
    lastPublish = Date.now();
  }
}

server.stdout.on('data', (chunk) => {
  buffer = Buffer.concat([buffer, chunk]);
  for (;;) {
    const end = buffer.indexOf('\r\n\r\n');
    if (end < 0) return;
    const length = Number(/content-length: *(\d+)/i.exec(buffer.subarray(0, end).toString())[1]);
    if (buffer.length < end + 4 + length) return;
    const body = buffer.subarray(end + 4, end + 4 + length).toString('utf8');
    buffer = buffer.subarray(end + 4 + length);
    handle(JSON.parse(body));
  }
});

const rootUri = pathToFileURL(root).href;
await request('initialize', {
  processId: process.pid, rootUri,
  workspaceFolders: [{ uri: rootUri, name: 'workspace' }],
  capabilities: { workspace: { configuration: true, workspaceFolders: true },
    textDocument: { publishDiagnostics: { relatedInformation: false } } },
});
notify('initialized', {});
notify('workspace/didChangeConfiguration', { settings: null });
const uris = files.map((f) => pathToFileURL(f).href);
files.forEach((f, i) => notify('textDocument/didOpen', {
  textDocument: { uri: uris[i], languageId: 'yaml', version: 1, text: readFileSync(f, 'utf8') },
}));

const started = Date.now();
while (!(uris.every((u) => diagnostics.has(u)) && Date.now() - lastPublish > 1500)) {
  if (Date.now() - started > 60000) {
    console.error(`timeout: no diagnostics for ${uris.filter((u) => !diagnostics.has(u)).join(', ')}`);
    process.exit(2);
  }
  await new Promise((r) => setTimeout(r, 100));
}
const out = {};
files.forEach((f, i) => {
  out[f] = diagnostics.get(uris[i]).map((d) => ({
    line: d.range.start.line + 1, col: d.range.start.character + 1, severity: d.severity, message: d.message,
  }));
});
await request('shutdown', null);
notify('exit', null);
console.log(JSON.stringify(out));
process.exit(0);
