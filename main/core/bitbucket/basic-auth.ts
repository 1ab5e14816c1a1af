/**
 * HTTP Basic credentials exactly as Bitbucket documents them: `user:password` in base64, with
 * neither half form-encoded first (`curl -u "client_id:secret"`, bitbucket-api.md §1.3, §2.3).
 */

/** The `Authorization` header value for `user` and `password`. */
export function basicAuthorization(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`
}
