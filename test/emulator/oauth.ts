/**
 * The OAuth 2.0 endpoints on the web listener (https://bitbucket.org), bitbucket-api.md §1:
 * the consent page and decision at `/site/oauth2/authorize`, the token endpoint at
 * `/site/oauth2/access_token` and the (UNCONFIRMED) revoke endpoint at `/site/oauth2/revoke`.
 * The pieces live in ./oauth/.
 */
import { authorizeRoutes } from './oauth/authorize.js'
import { revokeRoutes } from './oauth/revoke.js'
import { tokenRoutes } from './oauth/token-endpoint.js'
import type { Route } from './router.js'

/** Every OAuth route, registered on the web listener by server.ts. */
export const oauthRoutes: Route[] = [...authorizeRoutes, ...tokenRoutes, ...revokeRoutes]
