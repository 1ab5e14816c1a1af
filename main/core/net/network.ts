/**
 * One network for every request Pail makes to Bitbucket — the REST API (api-client.ts), the
 * OAuth token endpoint (oauth-client.ts, through undici's fetch) and git's ref advertisement —
 * installed as undici's global dispatcher, which all of them use:
 *
 * - proxies: the CLI and `pail serve` take HTTPS_PROXY / HTTP_PROXY / NO_PROXY (lower case first,
 *   as curl does) through undici's EnvHttpProxyAgent, credentials in the proxy URL; the desktop
 *   app asks the system per origin (SystemProxyDispatcher);
 * - trust: Node's roots, the operating system's store and the admin's `caFile`, for direct
 *   connections, for TLS to an https proxy and for TLS tunnelled through a proxy (CONNECT).
 *
 * Git itself (clone, fetch, the credential helper's callers) keeps git's own proxy settings.
 */
import { EnvHttpProxyAgent, getGlobalDispatcher, setGlobalDispatcher, type Dispatcher } from 'undici'
import { ProvisioningError } from '../config/provisioning-error.js'
import type { Logger } from '../log/logger.js'
import { LazyDispatcher } from './lazy-dispatcher.js'
import { rememberProxy } from './proxy-endpoints.js'
import { environmentProxies, withoutCredentials } from './proxy-environment.js'
import { SystemProxyDispatcher } from './system-proxy-dispatcher.js'
import { readCaFile, trustedCertificates } from './trusted-certificates.js'

/** Where the proxy settings come from. */
export type ProxySource =
  { kind: 'environment'; env: NodeJS.ProcessEnv } | { kind: 'system'; resolveProxy(url: string): Promise<string> }

export interface NetworkOptions {
  proxy: ProxySource
  /** The admin's extra CA file (absolute), from the provisioning file. */
  caFile?: string | undefined
  logger?: Logger
  /** Told, in one sentence each, proxy settings Pail could not use (it goes on without them). */
  tell?: (message: string) => void
}

/** Builds the dispatcher for `proxy` trusting `ca`. */
export function createDispatcher(proxy: ProxySource, ca: string[], logger?: Logger): Dispatcher {
  const tls = { ca }
  if (proxy.kind === 'system')
    return new SystemProxyDispatcher({
      resolveProxy: (url) => proxy.resolveProxy(url),
      tls,
      onRoute: (origin, route) => {
        if (route.kind === 'proxy') rememberProxy(route.url)
        logger?.info('net.route', { origin, route: route.kind === 'proxy' ? route.url : 'direct' })
      },
    })
  const { httpProxy, httpsProxy, noProxy } = environmentProxies(proxy.env)
  for (const url of [httpProxy, httpsProxy]) if (url) rememberProxy(url)
  return new EnvHttpProxyAgent({ httpProxy, httpsProxy, noProxy, connect: tls, requestTls: tls, proxyTls: tls })
}

let installed: { key: string; dispatcher: Dispatcher } | null = null

/**
 * Makes `options` the network of this process (undici's global dispatcher). The same settings
 * again keep the dispatcher (and its open connections); new ones replace it, and the old one
 * closes once its requests end. Throws ProvisioningError when the CA file cannot be used.
 */
export async function installNetwork(options: NetworkOptions): Promise<void> {
  const extra = options.caFile ? await readCaFile(options.caFile) : []
  const proxies = options.proxy.kind === 'environment' ? environmentProxies(options.proxy.env) : null
  const key = JSON.stringify({ proxies: proxies ?? 'system', extra })
  if (installed?.key === key && getGlobalDispatcher() === installed.dispatcher) return
  for (const problem of proxies?.problems ?? []) options.tell?.(problem)
  const previous = installed?.dispatcher
  // Built on the first request: reading the system's certificate store is not free.
  const dispatcher = new LazyDispatcher(() =>
    createDispatcher(options.proxy, trustedCertificates(extra), options.logger),
  )
  setGlobalDispatcher(dispatcher)
  installed = { key, dispatcher }
  void previous?.close().catch(() => undefined)
  options.logger?.info('net.configured', {
    proxy: proxies
      ? {
          httpProxy: proxies.httpProxy && withoutCredentials(proxies.httpProxy),
          httpsProxy: proxies.httpsProxy && withoutCredentials(proxies.httpsProxy),
          noProxy: proxies.noProxy,
        }
      : 'system settings',
    extraCertificates: extra.length,
  })
}

/**
 * `installNetwork`, where a CA file or a proxy setting Pail cannot use must not stop Pail: the
 * problem is told to `problem` (one sentence) and Pail goes on without it (a CA file: with the
 * system's and Node's CAs only).
 */
export async function installNetworkOrTell(options: NetworkOptions, problem: (message: string) => void): Promise<void> {
  options = { ...options, tell: problem }
  try {
    await installNetwork(options)
  } catch (error) {
    if (!(error instanceof ProvisioningError) || !options.caFile) throw error
    problem(error.message)
    await installNetwork({ ...options, caFile: undefined })
  }
}
