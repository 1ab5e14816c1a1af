import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import { test } from 'node:test'
import { Agent, request } from 'undici'
import { describeNetworkError, scrubCredentials } from '../../../../../main/core/net/network-errors.js'
import { rememberProxy } from '../../../../../main/core/net/proxy-endpoints.js'

const coded = (code: string, message = code, extra: object = {}): Error =>
  Object.assign(new Error(message), { code }, extra)

test('a proxy asking for credentials (407), forwarding or tunnelling, says to put them in the proxy address or ask IT', () => {
  for (const error of [
    coded('UND_ERR_INVALID_ARG', 'Proxy Authentication Required (407)'),
    coded('UND_ERR_ABORTED', 'Proxy response (407) !== 200 when HTTP Tunneling'),
    new TypeError('fetch failed', {
      cause: coded('UND_ERR_ABORTED', 'Proxy response (407) !== 200 when HTTP Tunneling'),
    }),
  ]) {
    const message = describeNetworkError(error, 'to sign in')
    assert.match(message, /^Pail could not reach Bitbucket to sign in through your network's proxy server/)
    assert.match(
      message,
      /asks for a user name and password \(HTTP 407\)\. Put them in the proxy address .* or ask your IT department\.$/,
    )
  }
})

test('a proxy refusing the tunnel says which status and what to ask IT', () => {
  assert.equal(
    describeNetworkError(coded('UND_ERR_ABORTED', 'Proxy response (403) !== 200 when HTTP Tunneling')),
    "Pail could not reach Bitbucket: your network's proxy server refused to connect to it (HTTP 403). Ask your IT department to allow bitbucket.org and api.bitbucket.org through the proxy.",
  )
})

test('an untrusted certificate (TLS inspection) names the company root certificate and caFile, with the code for IT', () => {
  for (const code of [
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  ]) {
    const message = describeNetworkError(new TypeError('fetch failed', { cause: coded(code, 'unable to verify') }))
    assert.match(
      message,
      /^Pail could not reach Bitbucket securely: the network presents a certificate Pail does not trust/,
    )
    assert.match(message, /TLS inspection.*company's root certificate.*"caFile" \(/)
    assert.ok(message.endsWith(`(${code}).`))
  }
})

test('a refused connection to the proxy says the proxy cannot be reached; to Bitbucket, it says the connection was refused', async (t) => {
  // A port that refuses: listen, note it, close.
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  await new Promise((resolve) => server.close(resolve))
  const agent = new Agent()
  t.after(() => agent.close())
  const error = await request(`http://127.0.0.1:${port}/`, { dispatcher: agent }).then(
    () => null,
    (e: unknown) => e,
  )
  assert.equal(
    describeNetworkError(error),
    'Pail could not reach Bitbucket (the connection was refused, ECONNREFUSED).',
  )
  rememberProxy(`http://user:pw@127.0.0.1:${port}`)
  const message = describeNetworkError(error)
  assert.match(
    message,
    /^Pail could not reach Bitbucket: the proxy server could not be reached \(the connection was refused, ECONNREFUSED\)\. Check the proxy address/,
  )
  assert.ok(!message.includes('pw'))
})

test('other failures keep their code in plain words; a message without a code loses any URL credentials', () => {
  assert.equal(
    describeNetworkError(coded('ECONNRESET')),
    'Pail could not reach Bitbucket (the connection was cut, ECONNRESET).',
  )
  assert.equal(describeNetworkError(coded('EWHATEVER')), 'Pail could not reach Bitbucket (EWHATEVER).')
  assert.equal(
    describeNetworkError(new Error('cannot use http://alice:hunter2@proxy.corp:8080')),
    'Pail could not reach Bitbucket (cannot use http://proxy.corp:8080).',
  )
  assert.equal(scrubCredentials('a https://u:p@h/x b socks5://u@h'), 'a https://h/x b socks5://h')
})
