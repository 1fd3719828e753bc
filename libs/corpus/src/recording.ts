import { createCipheriv } from 'node:crypto';
import type { Prng } from './prng.js';
import { pascal, type CatalogEntry } from './catalog.js';

/**
 * Test-proxy recordings: `{ Entries: [{ RequestUri, RequestMethod, RequestHeaders, RequestBody,
 * StatusCode, ResponseHeaders, ResponseBody }], Variables }`, 2-space JSON, ASCII, LF, final
 * newline, like the samples in fixtures/real-world/recordings. Sized to an exact byte count.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface Entry {
  RequestUri: string;
  RequestMethod: string;
  RequestHeaders: JsonObject;
  RequestBody: Json;
  StatusCode: number;
  ResponseHeaders: JsonObject;
  ResponseBody: Json;
}

const WORDS = [
  'lorem', 'ipsum', 'dolor', 'sit', 'amet', 'consectetur', 'adipiscing', 'elit', 'sed', 'do', 'eiusmod', 'tempor',
  'incididunt', 'ut', 'labore', 'et', 'dolore', 'magna', 'aliqua', 'enim', 'ad', 'minim', 'veniam', 'quis',
  'nostrud', 'exercitation', 'ullamco', 'laboris', 'nisi', 'aliquip', 'ex', 'ea', 'commodo', 'consequat',
];

const USER_AGENTS: Record<CatalogEntry['language'], (name: string) => string> = {
  python: (name) => `azsdk-python-${name.replace(/^azure-/, '')}/1.2.0 Python/3.11.9 (Linux-6.5.0-1025-azure-x86_64-with-glibc2.35)`,
  js: (name) => `azsdk-js-${name}/1.0.0-beta.3 core-rest-pipeline/1.16.0 Node/v20.12.2 OS/(x64-Linux-6.5.0-1025-azure)`,
  net: (name) => `azsdk-net-${name.replace(/^Azure\./, '')}/12.9.0-alpha.20240413.1 (.NET 8.0.4; Microsoft Windows 10.0.22631)`,
  java: (name) => `azsdk-java-${name}/1.0.0-beta.1 (17.0.10; Windows 11; 10.0)`,
  go: (name) => `azsdk-go-${name}/v1.1.1 (go1.22.2; Windows_NT)`,
  cpp: (name) => `azsdk-cpp-${name.replace(/^azure-/, '')}/12.9.0 (Linux 6.5.0-1025-azure x86_64 #26~22.04.1-Ubuntu)`,
  rust: (name) => `azsdk-rust-${name}/0.1.0 (1.80.0; linux; x86_64)`,
};

// Formatting dates is a surprising share of generation time; a fixed pool of instants is enough.
const DATE_BASE = Date.UTC(2024, 0, 1);
const INSTANTS = Array.from({ length: 4096 }, (_, i) => new Date(DATE_BASE + ((i * 7_919_993) % (400 * 86_400)) * 1000));
const HTTP_DATES = INSTANTS.map((d) => d.toUTCString());
const ISO_DATES = INSTANTS.map((d) => d.toISOString().replace('.000Z', 'Z'));

function httpDate(rng: Prng): string {
  return HTTP_DATES[rng.nextUint32() & 4095] as string;
}

function isoDate(rng: Prng): string {
  return ISO_DATES[rng.nextUint32() & 4095] as string;
}

function words(rng: Prng, count: number): string {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(rng.pick(WORDS));
  return out.join(' ');
}

/** Exactly `length` characters of lowercase words and spaces: nothing JSON or the proxy escapes. */
function filler(rng: Prng, length: number): string {
  let out = '';
  while (out.length < length) out += `${rng.pick(WORDS)} `;
  return out.slice(0, length);
}

/**
 * The test proxy writes with System.Text.Json's default encoder: HTML-sensitive characters and
 * anything outside ASCII come out as \u00XX (see the go sample). Generated strings contain no
 * backslashes, so `\"` in the serialized text is always an escaped quote.
 */
function proxyEscape(text: string): string {
  return text.replace(/\\"|[<>&'+`\u007f-\uffff]/g, (c) =>
    c === '\\"' ? '\\u0022' : `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`,
  );
}

/** The .NET samples keep HTML characters raw; only non-ASCII is escaped, so files stay ASCII. */
function asciiEscape(text: string): string {
  return text.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
}

export interface RecordingStyle {
  entry: CatalogEntry;
  /** Package name used in the user agent. */
  packageName: string;
  host: string;
  apiVersion: string;
}

export function recordingStyle(entry: CatalogEntry, rng: Prng): RecordingStyle {
  const packageName = entry.packagePath.split('/').pop() as string;
  const account = `fake${entry.service.replace(/[^a-z0-9]/gi, '').toLowerCase()}`.slice(0, 20);
  const host = entry.mgmt
    ? 'management.azure.com'
    : rng.pick([
        `${account}.${entry.service.replace(/[^a-z]/gi, '').toLowerCase()}.azure.net`,
        `fakeaccount.table.core.windows.net`,
        `${account}.blob.core.windows.net`,
        `${account}.cognitiveservices.azure.com`,
        `${account}.vault.azure.net`,
      ]);
  const apiVersion = rng.pick(['2019-02-02', '2020-12-06', '2022-11-01-preview', '2023-05-01', '2024-02-15-preview', '7.5']);
  return { entry, packageName, host, apiVersion };
}

function requestId(style: RecordingStyle, rng: Prng): string {
  return style.entry.language === 'net' ? rng.hex(32) : rng.uuid();
}

function resourceBody(style: RecordingStyle, rng: Prng, name: string): JsonObject {
  if (style.entry.mgmt) {
    return {
      id: `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rgpy${rng.hex(6)}/providers/Microsoft.${pascal(style.entry.service)}/${rng.pick(['accounts', 'services', 'workspaces', 'servers'])}/${name}`,
      name,
      type: `Microsoft.${pascal(style.entry.service)}/${rng.pick(['accounts', 'services', 'workspaces'])}`,
      location: rng.pick(['eastus', 'westus2', 'westeurope', 'eastus2euap']),
      tags: rng.bool(0.5) ? { tag1: 'value1', env: 'test' } : {},
      properties: {
        provisioningState: rng.pick(['Succeeded', 'Creating', 'Updating']),
        createdAt: isoDate(rng),
        sku: { name: rng.pick(['Standard', 'Basic', 'Premium']), tier: rng.pick(['Standard', 'Free']) },
        publicNetworkAccess: rng.pick(['Enabled', 'Disabled']),
      },
      systemData: {
        createdBy: '00000000-0000-0000-0000-000000000000',
        createdByType: 'Application',
        createdAt: isoDate(rng),
        lastModifiedBy: '00000000-0000-0000-0000-000000000000',
        lastModifiedByType: 'Application',
        lastModifiedAt: isoDate(rng),
      },
    };
  }
  const body: JsonObject = {
    id: name,
    eTag: `${rng.hex(8)}-0000-0600-0000-${rng.hex(12)}`,
    status: rng.pick(['Active', 'Succeeded', 'Running', 'Completed']),
    createdDateTime: isoDate(rng),
    modifiedDateTime: isoDate(rng),
    name: `${pascal(rng.pick(WORDS))} ${rng.pick(WORDS)}`,
    description: words(rng, rng.int(3, 9)),
  };
  if (rng.bool(0.4)) body['properties'] = { foo: 'bar', 'numeric one': rng.int(1, 100), enabled: rng.bool() };
  return body;
}

function xmlBody(rng: Prng): string {
  // Storage services answer in XML, with a byte-order mark, as one string (see the go sample).
  const items = Array.from({ length: rng.int(1, 3) }, () => `<Name>${rng.pick(WORDS)}${rng.int(1, 999)}</Name>`).join('');
  return `\uFEFF<?xml version="1.0" encoding="utf-8"?><EnumerationResults ServiceEndpoint="https://fakeaccount.blob.core.windows.net/"><Items>${items}</Items><NextMarker /></EnumerationResults>`;
}

function makeEntry(style: RecordingStyle, rng: Prng, list: boolean): Entry {
  const { entry, host, apiVersion } = style;
  const method = list ? 'GET' : rng.pick(['GET', 'GET', 'PUT', 'POST', 'DELETE', 'PATCH']);
  const resource = `${rng.pick(WORDS)}${rng.hex(8)}`;
  const path = entry.mgmt
    ? `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rgpy${rng.hex(6)}/providers/Microsoft.${pascal(entry.service)}/accounts${list ? '' : `/${resource}`}`
    : `/${rng.pick(['tables', 'secrets', 'keys', 'containers', 'items', 'documents', 'parties', 'threads'])}${list ? '' : `/${resource}`}`;
  const query = rng.bool(0.3) ? `&$top=${rng.int(1, 50)}&$filter=name%20eq%20%27${rng.pick(WORDS)}%27` : '';
  const requestHeaders: JsonObject = {
    Accept: rng.pick(['application/json', 'application/json;odata=minimalmetadata', 'application/xml', '*/*']),
    'Accept-Encoding': 'gzip,deflate',
    Authorization: 'Sanitized',
    Connection: 'keep-alive',
    'User-Agent': USER_AGENTS[entry.language](style.packageName),
    'x-ms-client-request-id': requestId(style, rng),
  };
  if (entry.language === 'net') requestHeaders['traceparent'] = `00-${rng.hex(32)}-${rng.hex(16)}-00`;
  if (!entry.mgmt) {
    requestHeaders['x-ms-date'] = httpDate(rng);
    requestHeaders['x-ms-version'] = apiVersion;
  }
  let requestBody: Json = null;
  if (method === 'PUT' || method === 'POST' || method === 'PATCH') {
    requestBody = entry.mgmt
      ? { location: 'eastus', properties: { displayName: words(rng, 2) }, tags: { tag1: 'value1' } }
      : { name: resource, value: words(rng, rng.int(2, 6)), contentType: 'text/plain', tags: {} };
    requestHeaders['Content-Type'] = 'application/json';
    requestHeaders['Content-Length'] = String(JSON.stringify(requestBody).length);
  }
  const statusCode = method === 'DELETE' ? rng.pick([200, 202, 204]) : method === 'PUT' || method === 'POST' ? rng.pick([200, 201]) : rng.pick([200, 200, 200, 404]);
  const date = httpDate(rng);
  const responseHeaders: JsonObject = {
    'Cache-Control': 'no-cache',
    'Content-Type': 'application/json; charset=utf-8',
    Date: date,
    'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
    'Transfer-Encoding': 'chunked',
    'X-Content-Type-Options': 'nosniff',
    'x-ms-request-id': requestId(style, rng),
  };
  if (entry.mgmt) {
    responseHeaders['Expires'] = '-1';
    responseHeaders['Pragma'] = 'no-cache';
    responseHeaders['x-ms-correlation-request-id'] = rng.uuid();
    responseHeaders['x-ms-ratelimit-remaining-subscription-reads'] = String(rng.int(11000, 11999));
    responseHeaders['x-ms-routing-request-id'] = `WESTUS2:${date.replace(/[^0-9]/g, '').slice(0, 14)}Z:${rng.uuid()}`;
  } else {
    responseHeaders['Server'] = ['Windows-Azure-Table/1.0', 'Microsoft-HTTPAPI/2.0'];
    responseHeaders['x-ms-version'] = apiVersion;
    if (rng.bool(0.5)) responseHeaders['ETag'] = `W/"datetime'${isoDate(rng).replace(/:/g, '%3A')}'"`;
  }
  let responseBody: Json;
  if (list) {
    responseBody = { value: [], nextLink: null };
  } else if (statusCode === 204 || method === 'DELETE') {
    responseBody = null;
  } else if (statusCode === 404) {
    responseBody = { error: { code: 'ResourceNotFound', message: `The specified resource does not exist. RequestId:${rng.uuid()} Time:${isoDate(rng)}` } };
  } else if (!entry.mgmt && rng.bool(0.1)) {
    responseHeaders['Content-Type'] = 'application/xml';
    responseBody = xmlBody(rng);
  } else {
    responseBody = resourceBody(style, rng, resource);
  }
  return {
    RequestUri: `https://${host}${path}?api-version=${apiVersion}${query}`,
    RequestMethod: method,
    RequestHeaders: requestHeaders,
    RequestBody: requestBody,
    StatusCode: statusCode,
    ResponseHeaders: responseHeaders,
    ResponseBody: responseBody,
  };
}

function variables(style: RecordingStyle, rng: Prng): JsonObject {
  if (rng.bool(0.4)) return {};
  const out: JsonObject = { RandomSeed: String(rng.int(1, 2_000_000_000)) };
  out[`${style.entry.service.replace(/[^a-z]/gi, '').toUpperCase()}_ENDPOINT`] = `https://${style.host}/`;
  if (rng.bool(0.5)) out['AZURE_SUBSCRIPTION_ID'] = '00000000-0000-0000-0000-000000000000';
  return out;
}

/** The smallest well-formed recording, for sizes below what one request takes. */
const EMPTY_RECORDING = '{\n  "Entries": [],\n  "Variables": {}\n}\n';

/** Stands in for the padding string until its length is known; nothing generated contains it. */
const PAD_SENTINEL = 'zzpadzz';

function isListBody(body: Json): body is JsonObject {
  return typeof body === 'object' && body !== null && !Array.isArray(body) && Array.isArray(body['value']);
}

/**
 * A recording of exactly `targetBytes` bytes (or the smallest this style allows, when the target
 * is below it; 0 gives an empty file, which real assets repos contain too).
 *
 * One request is a list whose `value` grows with items until the target is nearly reached; a
 * `description` string then pads to the exact size. The document is serialized once and the items
 * are spliced in, because serializing is most of the cost of generating a corpus.
 */
export function renderRecording(style: RecordingStyle, targetBytes: number, rng: Prng): string {
  if (targetBytes <= 0) return '';
  const escape = style.entry.language === 'net' ? asciiEscape : proxyEscape;
  const serialize = (doc: { Entries: Entry[]; Variables: JsonObject }): string =>
    `${escape(JSON.stringify(doc, null, 2))}\n`;

  const wanted = Math.max(1, Math.min(30, Math.round(targetBytes / 3000)));
  const listAt = rng.int(0, wanted - 1);
  const entries = Array.from({ length: wanted }, (_, i) => makeEntry(style, rng, i === listAt));
  const list = entries[listAt]!.ResponseBody as JsonObject;
  list['description'] = PAD_SENTINEL;
  const doc = { Entries: entries, Variables: variables(style, rng) };
  let text = serialize(doc);
  const tooBig = (): boolean => text.length - PAD_SENTINEL.length > targetBytes;

  // Too big: drop the other requests, then the variables.
  while (tooBig() && doc.Entries.length > 1) {
    doc.Entries.splice(doc.Entries.findIndex((e) => !isListBody(e.ResponseBody)), 1);
    text = serialize(doc);
  }
  if (tooBig() && Object.keys(doc.Variables).length > 0) {
    doc.Variables = {};
    text = serialize(doc);
  }
  if (tooBig()) {
    const smallest = text.replace(PAD_SENTINEL, '');
    return targetBytes < EMPTY_RECORDING.length + 400 ? EMPTY_RECORDING : smallest;
  }

  // Items of the list, each costing exactly its indented text plus a separator.
  const marker = '"value": []';
  const at = text.indexOf(marker);
  const lineStart = text.lastIndexOf('\n', at) + 1;
  const indent = ' '.repeat(at - lineStart + 2);
  const closing = `\n${' '.repeat(at - lineStart)}]`;
  let remaining = targetBytes - (text.length - PAD_SENTINEL.length);
  const items: string[] = [];
  for (;;) {
    const item = escape(JSON.stringify(resourceBody(style, rng, `${rng.pick(WORDS)}${rng.hex(8)}`), null, 2));
    const indented = indent + item.replace(/\n/g, `\n${indent}`);
    const cost = items.length === 0 ? 1 + indented.length + closing.length - 1 : 2 + indented.length;
    if (cost > remaining - 16) break;
    items.push(indented);
    remaining -= cost;
  }
  if (items.length > 0) {
    text = `${text.slice(0, at)}"value": [\n${items.join(',\n')}${closing}${text.slice(at + marker.length)}`;
  }
  return text.replace(PAD_SENTINEL, filler(rng, remaining));
}

/** Pseudo-random bytes from the PRNG's stream (AES-CTR keyed by it): fast, and the same for the same seed. */
function randomBytes(rng: Prng, length: number): Buffer {
  const key = Buffer.from(rng.hex(64), 'hex');
  return createCipheriv('aes-128-ctr', key.subarray(0, 16), key.subarray(16, 32)).update(Buffer.alloc(length));
}

/**
 * A storage upload recording of exactly `targetBytes` bytes: one PUT whose request body is random
 * data, base64 as the test proxy stores binary bodies, so it barely compresses (like the real
 * Java storage recordings). Falls back to an ordinary recording when the target is too small.
 */
export function renderUploadRecording(style: RecordingStyle, targetBytes: number, rng: Prng): string {
  const escape = style.entry.language === 'net' ? asciiEscape : proxyEscape;
  const entry = makeEntry(style, rng, false);
  const room = (text: string): number => targetBytes - (text.length - PAD_SENTINEL.length);
  entry.RequestMethod = 'PUT';
  entry.RequestHeaders['Content-Type'] = 'application/octet-stream';
  entry.RequestHeaders['Content-Length'] = String(Math.floor((targetBytes * 3) / 4));
  entry.RequestBody = PAD_SENTINEL;
  entry.StatusCode = 201;
  entry.ResponseBody = null;
  const text = `${escape(JSON.stringify({ Entries: [entry], Variables: {} }, null, 2))}\n`;
  const length = room(text);
  if (length < 64) return renderRecording(style, targetBytes, rng);
  // Base64 holds no character the proxy escapes but `+`; a plain replace is much faster than the regex on MBs.
  const base64 = randomBytes(rng, Math.ceil((length * 3) / 4) + 3).toString('base64');
  let body = (escape === proxyEscape ? base64.replaceAll('+', '\\u002B') : base64).slice(0, length);
  // The cut must not split an escape such as \u002B: pad from its backslash instead.
  const cut = body.lastIndexOf('\\', body.length - 1);
  if (cut !== -1 && cut > body.length - 6) body = body.slice(0, cut).padEnd(length, 'A');
  return text.replace(PAD_SENTINEL, body);
}
