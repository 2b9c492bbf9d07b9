/**
 * Attribute names for error messages: generated code describes each attribute
 * set with an {@link AttributeMeta}, and the engine turns the numeric path of
 * an extended-ack offset into "IFLA_LINKINFO > IFLA_INFO_DATA > IFLA_VXLAN_ID".
 *
 * @since 0.1.0
 */

/** @since 0.1.0 */
export interface AttributeMeta {
  readonly set: string
  readonly attributes: Readonly<
    Record<number, { readonly name: string; readonly nested?: () => AttributeMeta }>
  >
}

/**
 * Names a path of attribute types through nested sets.
 *
 * @example
 * ```ts
 * import { describePath } from "nlink/runtime/Describe"
 * import { LinkAttrsMeta } from "nlink/generated/rt-link/index"
 * describePath(LinkAttrsMeta, [3]) // "IFLA_IFNAME"
 * ```
 * @since 0.1.0
 */
export const describePath = (meta: AttributeMeta | undefined, types: ReadonlyArray<number>): string => {
  const names: Array<string> = []
  let current = meta
  for (const t of types) {
    const entry = current?.attributes[t & 0x3fff]
    names.push(entry ? entry.name : `attribute ${t & 0x3fff}`)
    current = entry?.nested?.()
  }
  return names.join(" > ")
}
