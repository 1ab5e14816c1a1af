/**
 * Secrets never need to be typed on the command line, where other people on the computer see
 * them (`ps`) and the shell keeps them in its history (issue #7, point 8). A secret flag given
 * without a value — `--access-token`, `--api-token`, `--secret` — is read from a prompt that does
 * not echo when standard input is a terminal, and from standard input when it is not
 * (`echo "$TOKEN" | pail login --access-token --repo ws/slug`). Given a value it still works, with
 * a warning saying why not and what to do instead.
 *
 * Node's parseArgs cannot take an optional value, so the flags are pre-processed: `--flag`
 * followed by nothing, or by another option (a word starting with "-"), has no value; `--flag X`
 * and `--flag=X` have the value X (write `--flag=X` for a value that starts with "-").
 */
import { read } from 'read'
import { CliError, type CliContext } from './cli-context.js'

/** The arguments with the secret flags that have no value taken out, and which those were. */
export interface SecretFlags {
  argv: string[]
  /** Names (without "--") of the secret flags given without a value: read them with readSecret. */
  asked: Set<string>
}

/** Takes the secret flags `names` that were given without a value out of `argv`. */
export function takeSecretFlags(argv: readonly string[], names: readonly string[]): SecretFlags {
  const out: string[] = []
  const asked = new Set<string>()
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--') {
      out.push(...argv.slice(i))
      break
    }
    const name = arg.startsWith('--') ? arg.slice(2) : ''
    if (names.includes(name)) {
      const next = argv[i + 1]
      if (next === undefined || next.startsWith('-')) {
        asked.add(name)
        continue
      }
    } else if (names.some((n) => arg === `--${n}=`)) {
      asked.add(arg.slice(2, -1))
      continue
    }
    out.push(arg)
  }
  return { argv: out, asked }
}

/**
 * The warning for a secret given on the command line: what the risk is and how to avoid it.
 * `example` is the command without the value, e.g. `pail login --access-token --repo ws/slug`.
 */
export function commandLineSecretWarning(flag: string, what: string, example: string): string {
  return (
    `pail: warning: the ${what} was typed on the command line after --${flag}, where other people on this computer can see it (in "ps") and your shell keeps it in its history. ` +
    `It works this time. Next time leave the value out: Pail asks for it without showing it, or reads it from standard input, for example: ` +
    `echo "$SECRET" | ${example}\n`
  )
}

/**
 * Reads a secret: from a prompt that does not echo when standard input is a terminal, else the
 * first line of standard input. Throws a CliError saying how to give it when nothing comes.
 */
export async function readSecret(ctx: CliContext, what: string, example: string): Promise<string> {
  if (ctx.promptSecret) {
    const typed = (await ctx.promptSecret(`${what[0]!.toUpperCase()}${what.slice(1)} (not shown as you type): `)).trim()
    if (!typed) throw new CliError(`Nothing was typed for the ${what}; nothing changed.`, 2)
    return typed
  }
  const first = ((await ctx.readStdin()).split(/\r?\n/)[0] ?? '').trim()
  if (!first)
    throw new CliError(
      `Pail needs the ${what}. Run the command in a terminal and type it when asked, or give it on standard input: echo "$SECRET" | ${example}`,
      2,
    )
  return first
}

/**
 * A prompt on a terminal that does not echo what is typed (the `read` package, `silent: true`).
 * Ctrl+C cancels it.
 */
export async function promptHidden(
  question: string,
  input: NodeJS.ReadableStream & { isTTY?: boolean } = process.stdin,
  output: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr,
): Promise<string> {
  try {
    return await read({ prompt: question, silent: true, replace: '', input, output })
  } catch (error) {
    if ((error as Error).message === 'canceled') throw new CliError('Cancelled; nothing changed.', 130)
    throw error
  } finally {
    // The Enter that ended the answer was not echoed either.
    output.write('\n')
  }
}
