/**
 * Where Pail keeps its settings, accounts and secrets: `PAIL_HOME` when set, else the platform's
 * config directory (XDG on Linux, Application Support on macOS, AppData on Windows).
 */
import envPaths from 'env-paths'

/** The configuration directory for this process's environment. */
export function pailHome(env: NodeJS.ProcessEnv = process.env): string {
  const override = env.PAIL_HOME?.trim()
  if (override) return override
  return envPaths('pail', { suffix: '' }).config
}
