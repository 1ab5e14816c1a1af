/**
 * Test helper: runs the real git CLI against the emulator with a credential, never letting the
 * credential reach argv or any text a test prints. The username/password pair goes through a
 * credential helper that reads environment variables (so a 401 makes git report "Authentication
 * failed", as with a real stored credential); a Bearer token through `http.extraHeader`, both
 * given as GIT_CONFIG_COUNT variables.
 */
import { spawn } from 'node:child_process'
import { isolatedGitEnv } from './git-env.js'

/** How git authenticates: a Basic pair via the credential helper, or a Bearer header. */
export type GitAuth = { username: string; password: string } | { bearer: string }

export interface GitResult {
  code: number | null
  /** Scrubbed of every secret given and of any `user:password@` in URLs. */
  stdout: string
  stderr: string
}

export interface GitRunOptions {
  cwd?: string
  auth?: GitAuth
  /** Extra secrets to scrub from the output (the auth secret is always scrubbed). */
  secrets?: readonly string[]
  /** Extra `git -c`-style settings, as key/value pairs. */
  config?: Record<string, string>
}

const HELPER = `!f() { test "$1" = get || exit 0; printf 'username=%s\\npassword=%s\\n' "$EMU_TEST_GIT_USERNAME" "$EMU_TEST_GIT_PASSWORD"; }; f`

/** Replaces secrets and URL credentials in `text` with `***`. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text
  for (const secret of secrets) if (secret.length >= 8) out = out.split(secret).join('***')
  return out.replace(/(\/\/)[^/@\s]+@/g, '$1***@')
}

/** Runs git with a clean, isolated configuration; never rejects on a non-zero exit. */
export function runGit(args: readonly string[], options: GitRunOptions = {}): Promise<GitResult> {
  const config: [string, string][] = [['credential.helper', '']]
  const env: Record<string, string> = {
    ...isolatedGitEnv(),
    GIT_TERMINAL_PROMPT: '0',
    GIT_AUTHOR_NAME: 'Test Author',
    GIT_AUTHOR_EMAIL: 'author@example.com',
    GIT_COMMITTER_NAME: 'Test Author',
    GIT_COMMITTER_EMAIL: 'author@example.com',
  }
  const secrets = [...(options.secrets ?? [])]
  if (options.auth && 'bearer' in options.auth) {
    config.push(['http.extraHeader', `Authorization: Bearer ${options.auth.bearer}`])
    secrets.push(options.auth.bearer)
  } else if (options.auth) {
    config.push(['credential.helper', HELPER])
    env.EMU_TEST_GIT_USERNAME = options.auth.username
    env.EMU_TEST_GIT_PASSWORD = options.auth.password
    secrets.push(options.auth.password)
  }
  config.push(['init.defaultBranch', 'main'], ...Object.entries(options.config ?? {}))
  env.GIT_CONFIG_COUNT = String(config.length)
  config.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key
    env[`GIT_CONFIG_VALUE_${i}`] = value
  })
  return new Promise((resolve, reject) => {
    const child = spawn('git', [...args], { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (c: Buffer) => out.push(c))
    child.stderr.on('data', (c: Buffer) => err.push(c))
    child.on('error', reject)
    child.on('close', (code) =>
      resolve({
        code,
        stdout: scrub(Buffer.concat(out).toString('utf8'), secrets),
        stderr: scrub(Buffer.concat(err).toString('utf8'), secrets),
      }),
    )
  })
}

/** Like runGit, but rejects (with scrubbed stderr) unless git exits 0. */
export async function git(args: readonly string[], options: GitRunOptions = {}): Promise<GitResult> {
  const result = await runGit(args, options)
  if (result.code !== 0) throw new Error(`git ${args[0]} exited ${result.code}: ${result.stderr.trim()}`)
  return result
}
