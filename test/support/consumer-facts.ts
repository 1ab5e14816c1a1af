/** What Bitbucket answered about a private consumer that has everything right (tests of the admin check). */
import type { ConsumerFacts } from '../../main/core/admin/consumer-facts.js'

export const GOOD_CALLBACK = 'http://127.0.0.1:31842/pail/callback'

/** A private consumer with everything right, changed by `patch`. */
export function goodConsumerFacts(patch: Partial<ConsumerFacts> = {}): ConsumerFacts {
  return {
    webUrl: 'https://bitbucket.org',
    consumerKey: 'KEY123',
    callbackUrl: GOOD_CALLBACK,
    credentials: 'accepted',
    credentialsDetail: null,
    privateConsumer: true,
    callback: { outcome: 'accepted', how: 'Bitbucket showed its consent page for it' },
    scopes: ['account', 'repository:write'],
    owner: 'Alex Admin',
    signIn: null,
    lookedAs: 'client-credentials',
    reach: [{ workspace: 'acme', repositories: ['handbook'] }],
    repository: null,
    ...patch,
  }
}
