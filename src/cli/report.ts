/**
 * How `nlink` words a failure: one line on stderr. Its own module so that
 * every start can import it without loading any command.
 */

/**
 * The first non-blank line of an error's text.
 *
 * @example
 * ```ts
 * firstLine(new Error("\nno such device\nat ...")) // "no such device"
 * ```
 */
export const firstLine = (u: unknown): string => {
  const text = u instanceof Error ? u.message : typeof u === "string" ? u : String(u)
  return text.split("\n").find((l) => l.trim() !== "") ?? "unknown error"
}
