import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { realWorldFixture } from '@asset-sync/git-harness';
import { describeFinding, scanEntries, scanFiles, scanText } from './secrets.js';
import type { SecretRule } from './secrets.js';

const REAL = realWorldFixture('recordings');

// Fake values with the real shapes: deterministic bytes from a seed, so a failure reproduces.
const bytes = (length: number, seed: string): Buffer => createHash('shake256', { outputLength: length }).update(seed).digest();
const base64 = (length: number, seed: string): string => bytes(length, seed).toString('base64');
const base64url = (length: number, seed: string): string => bytes(length, seed).toString('base64url');
const alnum = (length: number, seed: string): string => base64(length * 2, seed).replace(/[^A-Za-z0-9]/g, '').slice(0, length);
const hex = (length: number, seed: string): string => bytes(length, seed).toString('hex');
/** Puts a `+` and a `/` near the front, where a scan of the raw text would stop at the escape. */
const withPlusAndSlash = (key: string): string => `${key.slice(0, 2)}+${key.slice(3, 5)}/${key.slice(6)}`;
/** What the test-proxy's JSON writer (System.Text.Json) does to a string value. */
const asProxyWrites = (value: string): string => value.replace(/\+/g, '\\u002B').replace(/&/g, '\\u0026').replace(/"/g, '\\u0022').replace(/</g, '\\u003C').replace(/>/g, '\\u003E').replace(/'/g, '\\u0027');
const jwtOf = (payload: object, seed: string): string =>
  [{ typ: 'JWT', alg: 'RS256', x5t: alnum(27, `${seed}x5t`), kid: alnum(27, `${seed}kid`) }, payload].map((part) => Buffer.from(JSON.stringify(part)).toString('base64url')).join('.') +
  `.${base64url(256, `${seed}signature`)}`;

const ACCOUNT_KEY = withPlusAndSlash(base64(64, 'storage account key'));
const SB_KEY = withPlusAndSlash(base64(32, 'service bus key'));
const SAS_SIG = withPlusAndSlash(base64(32, 'sas signature'));
const AAD_JWT = jwtOf({ aud: 'https://storage.azure.com', iss: 'https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/', iat: 1713039921, exp: 1713043821, appid: '0d4c3a5e-8b1f-4e5f-9c7a-1b2c3d4e5f60', tid: '72f988bf-86f1-41af-91ab-2d7cd011db47' }, 'aad');
const REFRESH_TOKEN = `0.AXEA${base64url(600, 'refresh token')}`;
const CLIENT_SECRET = `${alnum(3, 'cs')}8Q~${base64url(26, 'client secret').slice(0, 34)}`;
const AWS_KEY_ID = `AKIA${hex(8, 'aws key id').toUpperCase()}`;
const AWS_SECRET = base64(30, 'aws secret');
const GH_TOKEN = `ghp_${alnum(36, 'github classic')}`;
const GH_PAT = `github_pat_${alnum(22, 'pat id')}_${alnum(59, 'pat secret')}`;
const PASSWORD = `${alnum(14, 'password')}!9`;
const PKCS8_BODY = `MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQ${base64(9, 'pem').slice(0, 14)}`;
const PEM_LINES = [PKCS8_BODY, ...Array.from({ length: 4 }, (_, i) => base64(48, `pem line ${i}`))];
const AZURITE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
const COSMOS_EMULATOR_KEY = 'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==';

interface Positive {
  name: string;
  text: string;
  rule: SecretRule;
  /** The secret, which no output may show in full. */
  secret: string;
  /** 1-based; 1 unless the sample has several lines. */
  line?: number;
}

const POSITIVES: Positive[] = [
  // Storage, Cosmos DB and Communication Services keys (64 bytes) in connection strings.
  { name: 'storage connection string, key escaped by the test-proxy', rule: 'connection-string-secret', secret: ACCOUNT_KEY, text: `"STORAGE_CONNECTION_STRING": "DefaultEndpointsProtocol=https;AccountName=sdkteststore;AccountKey=${asProxyWrites(ACCOUNT_KEY)};EndpointSuffix=core.windows.net",` },
  { name: 'storage connection string, as plain text', rule: 'connection-string-secret', secret: ACCOUNT_KEY, text: `DefaultEndpointsProtocol=https;AccountName=sdkteststore;AccountKey=${ACCOUNT_KEY};EndpointSuffix=core.windows.net` },
  { name: 'Cosmos DB connection string', rule: 'connection-string-secret', secret: ACCOUNT_KEY, text: `"COSMOS_CONNECTION_STRING": "AccountEndpoint=https://sdktest.documents.azure.com:443/;AccountKey=${asProxyWrites(ACCOUNT_KEY)};",` },
  { name: 'Communication Services connection string', rule: 'connection-string-secret', secret: ACCOUNT_KEY, text: `"COMMUNICATION_CONNECTION_STRING": "endpoint=https://sdktest.communication.azure.com/;accesskey=${asProxyWrites(ACCOUNT_KEY)}",` },
  {
    name: 'URL-encoded connection string in a query',
    rule: 'connection-string-secret',
    secret: ACCOUNT_KEY,
    text: `"RequestUri": "https://sdktest.azurewebsites.net/api/setup?connectionString=${encodeURIComponent(`DefaultEndpointsProtocol=https;AccountName=sdkteststore;AccountKey=${ACCOUNT_KEY}`)}",`,
  },
  // Service Bus and Event Hubs (32-byte keys, SharedAccessSignature tokens).
  { name: 'Service Bus connection string', rule: 'connection-string-secret', secret: SB_KEY, text: `"SERVICEBUS_CONNECTION_STRING": "Endpoint=sb://sdk-test.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=${asProxyWrites(SB_KEY)}",` },
  { name: 'Event Hubs connection string with EntityPath', rule: 'connection-string-secret', secret: SB_KEY, text: `Endpoint=sb://sdk-test.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=${SB_KEY};EntityPath=telemetry` },
  {
    name: 'Service Bus SharedAccessSignature header',
    rule: 'sas-signature',
    secret: SAS_SIG,
    text: `"ServiceBusSupplementaryAuthorization": "SharedAccessSignature sr=https%3A%2F%2Fsdk-test.servicebus.windows.net%2Forders\\u0026sig=${encodeURIComponent(SAS_SIG)}\\u0026se=1713043821\\u0026skn=RootManageSharedAccessKey",`,
  },
  { name: 'SharedAccessSignature token with sig first', rule: 'sas-signature', secret: SAS_SIG, text: `"Authorization": "SharedAccessSignature sig=${encodeURIComponent(SAS_SIG)}&se=1713043821&skn=send&sr=sdk-test.servicebus.windows.net%2Ftelemetry",` },
  { name: 'Service Bus listKeys response', rule: 'storage-account-key', secret: SB_KEY, text: `"ResponseBody": {"keyName": "RootManageSharedAccessKey", "primaryKey": "${asProxyWrites(SB_KEY)}", "secondaryKey": "Sanitized"}` },
  // Storage SAS as the test-proxy writes it.
  {
    name: 'SAS URL with \\u0026 separators',
    rule: 'sas-signature',
    secret: SAS_SIG,
    text: `"RequestUri": "https://sdkteststore.blob.core.windows.net/container/blob?sv=2021-08-06\\u0026ss=b\\u0026srt=sco\\u0026sp=rwdlac\\u0026se=2030-01-01T00%3A00%3A00Z\\u0026spr=https\\u0026sig=${encodeURIComponent(SAS_SIG)}",`,
  },
  { name: 'SAS URL in a copy-source header', rule: 'sas-signature', secret: SAS_SIG, text: `"x-ms-copy-source": "https://source.blob.core.windows.net/c/b?sv=2021-08-06&sr=b&sp=r&se=2030-01-01&sig=${encodeURIComponent(SAS_SIG)}",` },
  { name: 'SAS connection string', rule: 'sas-signature', secret: SAS_SIG, text: `"SAS_CONNECTION_STRING": "BlobEndpoint=https://sdkteststore.blob.core.windows.net/;SharedAccessSignature=sv=2021-08-06\\u0026ss=b\\u0026srt=o\\u0026sp=r\\u0026sig=${asProxyWrites(SAS_SIG)}",` },
  // Keys in key-named fields.
  { name: 'storage listKeys response on one line', rule: 'storage-account-key', secret: ACCOUNT_KEY, text: `"ResponseBody": {"keys":[{"creationTime":"2024-04-13T20:25:21.0000000Z","keyName":"key1","value":"${asProxyWrites(ACCOUNT_KEY)}","permissions":"FULL"}]}` },
  {
    name: 'storage listKeys response, pretty-printed',
    rule: 'storage-account-key',
    secret: ACCOUNT_KEY,
    line: 5,
    text: ['"keys": [', '  {', '    "creationTime": "2024-04-13T20:25:21.0000000Z",', '    "keyName": "key1",', `    "value": "${asProxyWrites(ACCOUNT_KEY)}",`, '    "permissions": "FULL"', '  }', ']'].join('\n'),
  },
  { name: 'Cosmos DB listKeys response', rule: 'storage-account-key', secret: ACCOUNT_KEY, text: `"ResponseBody": {"primaryMasterKey": "${asProxyWrites(ACCOUNT_KEY)}", "secondaryMasterKey": "Sanitized"}` },
  { name: 'account key in the recording variables', rule: 'storage-account-key', secret: ACCOUNT_KEY, text: `"TABLES_PRIMARY_STORAGE_ACCOUNT_KEY": "${asProxyWrites(ACCOUNT_KEY)}",` },
  { name: 'Event Grid key header', rule: 'api-key', secret: SB_KEY, text: `"aeg-sas-key": "${asProxyWrites(SB_KEY)}",` },
  { name: 'Cognitive Services subscription key header', rule: 'api-key', secret: hex(16, 'cognitive'), text: `"Ocp-Apim-Subscription-Key": "${hex(16, 'cognitive')}",` },
  { name: 'Azure OpenAI api-key header', rule: 'api-key', secret: hex(16, 'openai'), text: `"api-key": "${hex(16, 'openai')}",` },
  // AAD token requests (form bodies) and responses.
  {
    name: 'client credentials token request',
    rule: 'client-secret',
    secret: CLIENT_SECRET,
    text: `"RequestBody": "client_id=0d4c3a5e-8b1f-4e5f-9c7a-1b2c3d4e5f60\\u0026grant_type=client_credentials\\u0026client_info=1\\u0026client_secret=${CLIENT_SECRET}\\u0026scope=https%3A%2F%2Fstorage.azure.com%2F.default",`,
  },
  {
    name: 'token request with a claims challenge',
    rule: 'client-secret',
    secret: `-6s8Q~.${CLIENT_SECRET.slice(7)}`,
    text: `"RequestBody": "client_id=0d4c3a5e-8b1f-4e5f-9c7a-1b2c3d4e5f60\\u0026grant_type=client_credentials\\u0026client_info=1\\u0026client_secret=-6s8Q~.${CLIENT_SECRET.slice(7)}\\u0026claims=%7B%22access_token%22%3A\\u002B%7B%22xms_cc%22%3A\\u002B%7B%22values%22%3A\\u002B%5B%22CP1%22%5D%7D%7D%7D\\u0026scope=https%3A%2F%2Fvault.azure.net%2F.default",`,
  },
  { name: 'client secret URL-encoded in a token request', rule: 'client-secret', secret: CLIENT_SECRET, text: `"RequestBody": "grant_type=client_credentials\\u0026client_secret=${encodeURIComponent(CLIENT_SECRET)}\\u0026client_id=0d4c3a5e-8b1f-4e5f-9c7a-1b2c3d4e5f60",` },
  { name: 'client secret in the recording variables', rule: 'client-secret', secret: CLIENT_SECRET, text: `"AZURE_CLIENT_SECRET": "${CLIENT_SECRET}",` },
  { name: 'token response with a JWT access token', rule: 'jwt', secret: AAD_JWT, text: `"ResponseBody": {"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599, "access_token": "${AAD_JWT}"}` },
  { name: 'token response, access token field', rule: 'oauth-token', secret: AAD_JWT, text: `"ResponseBody": {"token_type": "Bearer", "expires_in": 3599, "access_token": "${AAD_JWT}"}` },
  { name: 'token response with a refresh token', rule: 'oauth-token', secret: REFRESH_TOKEN, text: `"ResponseBody": {"token_type": "Bearer", "scope": "https://vault.azure.net/.default", "refresh_token": "${REFRESH_TOKEN}"}` },
  { name: 'refresh token grant request', rule: 'oauth-token', secret: REFRESH_TOKEN, text: `"RequestBody": "client_id=04b07795-8ddb-461a-bbee-02f9e1bf7b46\\u0026grant_type=refresh_token\\u0026refresh_token=${REFRESH_TOKEN}\\u0026scope=openid",` },
  // Authorization headers and JWTs.
  { name: 'bearer token header', rule: 'bearer-token', secret: AAD_JWT, text: `"Authorization": "Bearer ${AAD_JWT}",` },
  { name: 'opaque bearer token in a header array', rule: 'bearer-token', secret: REFRESH_TOKEN, text: `"Authorization": [ "Bearer ${REFRESH_TOKEN}" ],` },
  { name: 'basic credentials header', rule: 'basic-auth', secret: Buffer.from(`sdkuser:${PASSWORD}`).toString('base64'), text: `"Authorization": "Basic ${Buffer.from(`sdkuser:${PASSWORD}`).toString('base64')}",` },
  { name: 'JWT in a token field', rule: 'jwt', secret: AAD_JWT, text: `"ResponseBody": {"identity": {"id": "8:acs:1b2c"}, "accessToken": {"token": "${AAD_JWT}", "expiresOn": "2024-04-14T20:25:21Z"}}` },
  // Private keys.
  { name: 'PKCS#8 key in a JSON string', rule: 'private-key', secret: PKCS8_BODY, text: `"value": "-----BEGIN PRIVATE KEY-----\\n${PEM_LINES.join('\\n')}\\n-----END PRIVATE KEY-----\\n",` },
  { name: 'RSA key in a PEM file', rule: 'private-key', secret: PKCS8_BODY, text: ['-----BEGIN RSA PRIVATE KEY-----', ...PEM_LINES, '-----END RSA PRIVATE KEY-----'].join('\n') },
  { name: 'EC key with \\r\\n escapes', rule: 'private-key', secret: `MHcCAQEEI${base64(40, 'ec').slice(0, 40)}`, text: `"pem": "-----BEGIN EC PRIVATE KEY-----\\r\\nMHcCAQEEI${base64(40, 'ec').slice(0, 40)}\\r\\n-----END EC PRIVATE KEY-----",` },
  { name: 'OpenSSH key as a JSON array of lines', rule: 'private-key', secret: `b3BlbnNzaC1rZXktdjEAAAAA${base64(30, 'ssh')}`, text: ['"key": [', '  "-----BEGIN OPENSSH PRIVATE KEY-----",', `  "b3BlbnNzaC1rZXktdjEAAAAA${base64(30, 'ssh')}",`, '  "-----END OPENSSH PRIVATE KEY-----"', ']'].join('\n'), line: 2 },
  // AWS and GitHub.
  { name: 'AWS access key id', rule: 'aws-access-key', secret: AWS_KEY_ID, text: `"AWS_ACCESS_KEY_ID": "${AWS_KEY_ID}",` },
  { name: 'AWS credentials file', rule: 'aws-secret-key', secret: AWS_SECRET, line: 3, text: ['[default]', `aws_access_key_id = ${AWS_KEY_ID}`, `aws_secret_access_key = ${AWS_SECRET}`].join('\n') },
  { name: 'AWS STS response', rule: 'aws-secret-key', secret: AWS_SECRET, text: `"ResponseBody": {"Credentials": {"AccessKeyId": "${AWS_KEY_ID}", "SecretAccessKey": "${asProxyWrites(AWS_SECRET)}", "Expiration": "2024-04-14T20:25:21Z"}}` },
  { name: 'GitHub classic token', rule: 'github-token', secret: GH_TOKEN, text: `"GITHUB_TOKEN": "${GH_TOKEN}",` },
  { name: 'GitHub fine-grained token', rule: 'github-token', secret: GH_PAT, text: `"Authorization": "token ${GH_PAT}",` },
  { name: 'GitHub app token in a clone URL', rule: 'github-token', secret: `ghs_${alnum(36, 'app')}`, text: `"RequestUri": "https://x-access-token:ghs_${alnum(36, 'app')}@github.com/Azure/azure-sdk-assets.git/info/refs",` },
  // Passwords.
  { name: 'ARM adminPassword', rule: 'password-field', secret: PASSWORD, text: `"adminPassword": "${asProxyWrites(PASSWORD)}",` },
  { name: 'SQL administratorLoginPassword', rule: 'password-field', secret: PASSWORD, text: `"RequestBody": {"properties": {"administratorLogin": "sdkadmin", "administratorLoginPassword": "${PASSWORD}"}}` },
  { name: 'password inside an escaped JSON body', rule: 'password-field', secret: PASSWORD, text: `"RequestBody": "${asProxyWrites(`{"username":"sdkuser","password":"${PASSWORD}"}`)}",` },
  { name: 'SQL connection string', rule: 'connection-string-secret', secret: PASSWORD, text: `"SQL_CONNECTION_STRING": "Server=tcp:sdktest.database.windows.net,1433;Database=db;User ID=sdkadmin;Password=${PASSWORD};Encrypt=true",` },
  { name: 'Redis connection string', rule: 'connection-string-secret', secret: SB_KEY, text: `"REDIS_CONNECTION_STRING": "sdktest.redis.cache.windows.net:6380,password=${asProxyWrites(SB_KEY)},ssl=True,abortConnect=False",` },
  { name: 'App Configuration connection string', rule: 'connection-string-secret', secret: SB_KEY, text: `"APPCONFIGURATION_CONNECTION_STRING": "Endpoint=https://sdktest.azconfig.io;Id=0-l0-s0:${alnum(20, 'id')};Secret=${asProxyWrites(SB_KEY)}",` },
];

const NEGATIVES: { name: string; text: string }[] = [
  // What the test-proxy's sanitizers write.
  { name: 'sanitized Authorization header', text: '"Authorization": "Sanitized",' },
  { name: 'sanitized bearer token', text: '"Authorization": "Bearer Sanitized",' },
  { name: 'sanitized basic credentials', text: '"Authorization": "Basic Sanitized",' },
  { name: 'sanitized SAS, as written with \\u0026', text: '"RequestUri": "https://fakeaccount.blob.core.windows.net/c/b?sv=2021-08-06\\u0026ss=b\\u0026sp=Sanitized\\u0026sig=Sanitized",' },
  { name: 'sanitized SAS from the .NET fixture', text: '"RequestUri": "https://t71f792aaca8f076dprim.table.cosmos.azure.com/testtablecy25udzz()?tn=testtablecy25udzz&sv=2019-07-07&se=2040-01-01T01%3A01%3A00Z&sp=Sanitized&sig=Sanitized&$format=application%2Fjson",' },
  { name: 'SAS signature REDACTED', text: '"x-ms-copy-source": "https://source.blob.core.windows.net/c/b?sv=2021-08-06&sr=b&sp=r&sig=REDACTED_SIGNATURE_VALUE",' },
  { name: 'sanitized storage connection string', text: '"STORAGE_CONNECTION_STRING": "DefaultEndpointsProtocol=https;AccountName=fakeaccount;AccountKey=Sanitized;EndpointSuffix=core.windows.net",' },
  { name: 'Kg== account key', text: '"TABLES_PRIMARY_COSMOS_ACCOUNT_KEY": "Kg==",' },
  { name: 'Kg== in a connection string', text: 'DefaultEndpointsProtocol=https;AccountName=fakeaccount;AccountKey=Kg==;EndpointSuffix=core.windows.net' },
  { name: 'fakekey in a Service Bus connection string', text: '"SERVICEBUS_CONNECTION_STRING": "Endpoint=sb://fakens.servicebus.windows.net/;SharedAccessKeyName=fakeKeyName;SharedAccessKey=fakekeyvalue=",' },
  { name: 'sanitized Service Bus listKeys response', text: '"ResponseBody": {"primaryConnectionString": "Endpoint=sb://fakens.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=Sanitized", "primaryKey": "Sanitized"}' },
  { name: 'sanitized client secret in a token request', text: '"RequestBody": "client_id=00000000-0000-0000-0000-000000000000\\u0026grant_type=client_credentials\\u0026client_secret=Sanitized\\u0026scope=https%3A%2F%2Fvault.azure.net%2F.default",' },
  { name: 'recorder-replaced token request and response', text: '"RequestBody": "response_type=token\\u0026grant_type=client_credentials\\u0026client_id=azure_client_id\\u0026client_secret=azure_client_secret\\u0026scope=https%3A%2F%2Fvault.azure.net%2F.default", "ResponseBody": {"token_type":"Bearer","expires_in":86399,"access_token":"access_token"}' },
  { name: 'zero GUID client secret', text: '"client_secret": "00000000-0000-0000-0000-000000000000"' },
  { name: 'sanitized token response', text: '"ResponseBody": {"token_type": "Bearer", "expires_in": 86399, "ext_expires_in": 86399, "access_token": "Sanitized", "refresh_token": "Sanitized"}' },
  { name: 'sanitized password field', text: '"password": "Sanitized",' },
  { name: 'masked adminPassword', text: '"adminPassword": "********",' },
  { name: 'templated password field', text: '"administratorLoginPassword": "$(SQL_ADMIN_PASSWORD)",' },
  { name: 'Password=${VAR}', text: '"SQL_CONNECTION_STRING": "Server=tcp:fake.database.windows.net;User ID=admin;Password=${SQL_PASSWORD};",' },
  { name: 'Password=<placeholder>', text: 'Server=tcp:fake.database.windows.net;User ID=admin;Password=<your-password-here>;Encrypt=true' },
  { name: 'PEM body REDACTED', text: '"value": "-----BEGIN PRIVATE KEY-----\\nREDACTED\\n-----END PRIVATE KEY-----\\n",' },
  { name: 'PEM file with a sanitized body', text: ['-----BEGIN RSA PRIVATE KEY-----', 'Sanitized', '-----END RSA PRIVATE KEY-----'].join('\n') },
  { name: 'PEM with an elided body', text: '"pem": "-----BEGIN EC PRIVATE KEY-----\\n...\\n-----END EC PRIVATE KEY-----",' },
  { name: 'PEM header in an error message', text: '"message": "The certificate must contain a -----BEGIN PRIVATE KEY----- block in PEM format.",' },
  // Public values.
  { name: 'Azurite connection string', text: `"STORAGE_CONNECTION_STRING": "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${AZURITE_KEY};BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;",` },
  { name: 'Azurite key escaped by the test-proxy', text: `"accountKey": "${asProxyWrites(AZURITE_KEY)}",` },
  { name: 'Cosmos DB emulator key', text: `"COSMOS_CONNECTION_STRING": "AccountEndpoint=https://localhost:8081/;AccountKey=${asProxyWrites(COSMOS_EMULATOR_KEY)}",` },
  { name: 'AWS documentation keys', text: '[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
  { name: 'placeholder GitHub token', text: '"GITHUB_TOKEN": "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",' },
  // Random values without a key's context.
  { name: '64-byte base64 in a response body', text: `"ResponseBody": "${base64(64, 'body')}",` },
  { name: '64-byte base64 in a metadata header', text: `"x-ms-meta-checksum": "${base64(64, 'meta')}",` },
  { name: 'SHA-256 of a customer-provided key', text: `"x-ms-encryption-key-sha256": "${base64(32, 'cpk sha')}",` },
  { name: 'Content-MD5 and CRC64 headers', text: `"Content-MD5": "${base64(16, 'md5')}", "x-ms-content-crc64": "${base64(8, 'crc')}",` },
  { name: 'base64 JSON continuation token', text: `"x-ms-continuation": "${Buffer.from('{"token":"+RID:~abc==#RT:1#TRC:10","range":{"min":"","max":"FF"}}').toString('base64')}",` },
  { name: 'challenge with an authorization URI', text: '"WWW-Authenticate": "Bearer authorization=\\u0022https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47\\u0022, resource=\\u0022https://vault.azure.net\\u0022",' },
  { name: 'traceparent and request ids', text: '"traceparent": "00-d36ee8670ea37164681ca95fe96dcfa2-8f15c0471be1c63b-00", "x-ms-client-request-id": "12393a81f2917fb5327ba63843d68428",' },
  { name: 'jwt.io sample token', text: '"token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",' },
  { name: 'key name without a key value', text: '"keyName": "key1", "value": "Sanitized", "permissions": "FULL"' },
];

describe('secret scan', () => {
  it('has at least 40 samples, positive and negative', () => {
    expect(POSITIVES.length).toBeGreaterThanOrEqual(40);
    expect(NEGATIVES.length).toBeGreaterThanOrEqual(30);
  });

  it.each(POSITIVES)('finds $rule: $name', ({ text, rule, secret, line }) => {
    const findings = scanText('r.json', text);
    expect(findings).toContainEqual(expect.objectContaining({ file: 'r.json', line: line ?? 1, rule }));
    // Output shows at most the first four characters of a secret.
    const output = findings.map(describeFinding).join('\n');
    expect(output).not.toContain(secret.slice(0, 8));
    expect(output).not.toContain(encodeURIComponent(secret).slice(0, 8));
  });

  it.each(NEGATIVES)('passes $name', ({ text }) => {
    expect(scanText('r.json', text)).toEqual([]);
  });

  it('passes the real, sanitized recordings', () => {
    const files = new Map<string, Buffer>();
    for (const language of readdirSync(REAL, { withFileTypes: true }).filter((d) => d.isDirectory())) {
      for (const name of readdirSync(join(REAL, language.name))) files.set(`${language.name}/${name}`, readFileSync(join(REAL, language.name, name)));
    }
    expect(files.size).toBe(3);
    expect(scanFiles(files)).toEqual([]);
  });

  it('finds a leak planted in a real recording on its line, found only once decoded', () => {
    const recording = readFileSync(join(REAL, 'net', 'TableClientRemovesTableNameFromEndpointUri.json'), 'utf8');
    const planted = recording.replace('sp=Sanitized&sig=Sanitized', `sp=r\\u0026sig=${asProxyWrites(SAS_SIG)}`);
    const line = planted.split('\n').findIndex((l) => l.includes('\\u0026sig=')) + 1;
    expect(scanText('net/t.json', planted)).toEqual([{ file: 'net/t.json', line, rule: 'sas-signature', excerpt: `&sig=${SAS_SIG.slice(0, 4)}...(44 chars)` }]);
  });

  it('describes a finding as file:line: rule: masked excerpt', () => {
    const [finding] = scanText('sdk/x/recording.json', `{\n  "cs": "AccountName=a;AccountKey=${ACCOUNT_KEY};EndpointSuffix=core.windows.net"\n}`);
    expect(describeFinding(finding!)).toBe(`sdk/x/recording.json:2: connection-string-secret: AccountKey=${ACCOUNT_KEY.slice(0, 4)}...(88 chars)`);
    const [password] = scanText('r.json', `"adminPassword": "${PASSWORD}"`);
    expect(password!.excerpt).toBe(`"adminPassword": "${PASSWORD.slice(0, 2)}...(16 chars)`);
  });

  it('reports each rule once per line', () => {
    const findings = scanText('r.json', `"a": "AccountKey=${ACCOUNT_KEY}", "b": "AccountKey=${SB_KEY}"`);
    expect(findings.map((f) => f.rule)).toEqual(['connection-string-secret']);
  });
});

describe('secret scan of published entries', () => {
  const leak = `{\n  "Variables": {\n    "SAS": "https://a.blob.core.windows.net/c?sv=2021-08-06\\u0026sig=${asProxyWrites(SAS_SIG)}"\n  }\n}\n`;
  const scanOne = (content: Buffer): string[] => scanEntries([{ path: 'r.json', kind: 'file', content }]).map((f) => `${f.line}:${f.rule}`);
  const utf16be = (text: string): Buffer => Buffer.from(text, 'utf16le').swap16();

  it('reads UTF-16, little- and big-endian, with or without a byte-order mark', () => {
    expect(scanOne(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(leak, 'utf16le')]))).toEqual(['3:sas-signature']);
    expect(scanOne(Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(leak)]))).toEqual(['3:sas-signature']);
    expect(scanOne(Buffer.from(leak, 'utf16le'))).toEqual(['3:sas-signature']);
    expect(scanOne(utf16be(leak))).toEqual(['3:sas-signature']);
  });

  it('reads the printable runs of binary content, single-byte and UTF-16', () => {
    const noise = bytes(4096, 'binary noise');
    const ascii = Buffer.concat([noise, Buffer.from(`\0AccountKey=${ACCOUNT_KEY};\0`), noise]);
    // Lines are counted in the bytes as they are: the noise has line feeds too.
    expect(scanOne(ascii)).toEqual([`${noise.filter((b) => b === 0x0a).length + 1}:connection-string-secret`]);
    const wide = Buffer.concat([noise, Buffer.from(`\0-----BEGIN PRIVATE KEY-----\n${PKCS8_BODY}\n`, 'utf16le'), noise]);
    expect(scanOne(wide)).toEqual([expect.stringMatching(/^\d+:private-key$/)]);
    // The old scan skipped any file with a NUL byte.
    expect(scanOne(Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from(`"GITHUB_TOKEN": "${GH_TOKEN}"`)]))).toEqual(['1:github-token']);
  });

  it('passes random binary content', () => {
    expect(scanOne(randomBytes(1 << 20))).toEqual([]);
  });

  it('scans a symlink as the link text git publishes, not the bytes of its target', () => {
    const target = Buffer.from('../../shared/keys/storage.pem');
    expect(scanEntries([{ path: 'tests/key.pem', kind: 'symlink', content: target }])).toEqual([]);
    const leakingLink = Buffer.from(`../../clones/https:/x-access-token:${GH_TOKEN}@github.com/repo`);
    expect(scanEntries([{ path: 'tests/clone', kind: 'symlink', content: leakingLink }])).toEqual([
      { file: 'tests/clone', line: 1, rule: 'github-token', excerpt: 'ghp_...(40 chars)' },
    ]);
  });

  it('scanFiles is scanEntries over files', () => {
    const content = Buffer.from(leak);
    expect(scanFiles(new Map([['r.json', content]]))).toEqual(scanEntries([{ path: 'r.json', kind: 'file', content }]));
  });
});

describe('secret scan speed', () => {
  const timed = (text: string): number => {
    const start = performance.now();
    expect(scanFiles(new Map([['big.json', Buffer.from(text)]]))).toEqual([]);
    return performance.now() - start;
  };
  const body = randomBytes(3_750_000).toString('base64'); // 5 MB

  it('scans a 5 MB random base64 body in well under a second, on one line or in lines', () => {
    expect(timed(`{\n  "ResponseBody": "${body}"\n}\n`)).toBeLessThan(1000);
    expect(timed(body.replace(/.{76}/g, '$&\n'))).toBeLessThan(1000);
  });

  it('stays linear on input built to make regular expressions backtrack', () => {
    for (const text of [`"Authorization": ${' '.repeat(5_000_000)}x`, 'eyJ'.repeat(1_700_000), ' sig='.repeat(1_000_000), `"${'a'.repeat(5_000_000)}`, `AccountKey=${'A'.repeat(5_000_000)}`]) {
      expect(timed(text)).toBeLessThan(1000);
    }
  });
});
