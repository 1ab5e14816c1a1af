import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  adminInstructionsText,
  adminSteps,
  requiredPermissionLabels,
} from '../../../renderer/lib/admin-instructions.js'

const info = { callbackUrl: 'http://127.0.0.1:31842/pail/callback', webUrl: 'https://bitbucket.org' }

test('the consumer needs exactly Account: Read and Repositories: Write', () => {
  assert.deepEqual(requiredPermissionLabels(), ['Account: Read', 'Repositories: Write'])
})

test("the steps carry Pail's exact callback URL as a value to copy, and both permissions", () => {
  const steps = adminSteps(info)
  assert.ok(steps.some((s) => s.value === info.callbackUrl))
  const permissions = steps.find((s) => s.text.startsWith('Permissions'))
  assert.ok(permissions)
  assert.match(permissions.text, /Account: Read and Repositories: Write/)
})

test('the copied text is numbered, has the callback URL and the provisioning format, and nothing doubled', () => {
  const text = adminInstructionsText(info)
  assert.match(text, /^To let people sign in to Pail/)
  assert.match(text, /\n1\. On Bitbucket \(https:\/\/bitbucket\.org\)/)
  assert.ok(text.includes(`: ${info.callbackUrl}\n`))
  assert.ok(text.includes('{ "consumer": { "key": "KEY", "secret": "SECRET" } }'))
  assert.doesNotMatch(text, /::/)
  assert.ok(text.endsWith('\n'))
})
