/**
 * The Worker's URL as a process on this machine reaches it: workerd listening on every address
 * (0.0.0.0, ::) or on `localhost` is reached on the loopback address of the same family.
 */
export function loopbackUrl(origin: string): string {
  const url = new URL(origin);
  if (url.hostname === "0.0.0.0" || url.hostname === "localhost") url.hostname = "127.0.0.1";
  if (url.hostname === "[::]") url.hostname = "[::1]";
  return url.origin;
}
