import assert from 'node:assert/strict'
import { test } from 'node:test'
import { commands, runCli, usage } from '../../../../main/cli/pail.js'

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = ''
  let err = ''
  const code = await runCli(
    argv,
    { out: (t) => (out += t), err: (t) => (err += t) },
    { PAIL_HOME: '/nonexistent/pail-help' },
  )
  return { code, out, err }
}

test('pail help lists every command', async () => {
  const help = await run('help')
  assert.equal(help.code, 0)
  assert.equal(help.out, usage())
  for (const command of commands) assert.match(help.out, new RegExp(`^  ${command.name} +\\S`, 'm'), command.name)
  assert.match(help.out, /^ {2}version +/m)
  assert.equal((await run()).out, help.out, 'no command is help')
})

test("each command's help names every option its parser accepts", () => {
  const missing = commands.flatMap((command) =>
    Object.keys(command.options)
      .filter((option) => !new RegExp(`--${option}\\b`).test(command.help))
      .map((option) => `${command.name} --${option}`),
  )
  assert.deepEqual(missing, [])
})

test('pail <command> --help and pail help <command> print that help without touching anything', async () => {
  for (const command of commands) {
    for (const argv of [
      [command.name, '--help'],
      [command.name, '-h'],
      ['help', command.name],
    ]) {
      const shown = await run(...argv)
      assert.equal(shown.code, 0, argv.join(' '))
      assert.equal(shown.out, `${command.help}\n`, argv.join(' '))
      assert.equal(shown.err, '')
    }
  }
  assert.equal((await run('pair', 'add', '--help')).out, `${commands.find((c) => c.name === 'pair')!.help}\n`)
  const unknown = await run('help', 'frobnicate')
  assert.equal(unknown.code, 2)
})
