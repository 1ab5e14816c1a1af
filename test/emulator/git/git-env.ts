/**
 * The environment for running git isolated from the machine's and the user's configuration:
 * nothing inherited but PATH and HOME, no system or global config, stable (C) messages.
 */
export function isolatedGitEnv(): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/',
    LC_ALL: 'C',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
  }
}
