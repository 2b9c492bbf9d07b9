/**
 * Attribute names for error messages: generated code describes each attribute
 * set with an {@link AttributeMeta}, and the engine turns the numeric path of
 * an extended-ack offset into "IFLA_LINKINFO > IFLA_INFO_DATA(vxlan) > IFLA_VXLAN_PORT".
 *
 * @since 0.1.0
 */
import { NLA_HDRLEN, NlattrOffsets } from "../generated/netlink/index.ts"
import { align4, NLA_TYPE_MASK } from "./Wire.ts"

const NLA_TYPE = NlattrOffsets.type

/** How one attribute of a set is named, and how to name what is inside it. @since 0.1.0 */
export interface AttributeEntry {
  readonly name: string
  /** The set inside a nest (or inside each element of an indexed array). */
  readonly nested?: () => AttributeMeta
  /** An indexed array: the attributes inside are elements, named by their index. */
  readonly indexed?: boolean
  /** A sub-message: the type of the sibling attribute whose string value picks the payload's set. */
  readonly selector?: number
  /** A sub-message: the payload's set for each selector value. */
  readonly formats?: () => Readonly<Record<string, AttributeMeta>>
}

/** @since 0.1.0 */
export interface AttributeMeta {
  readonly set: string
  readonly attributes: Readonly<Record<number, AttributeEntry>>
}

/**
 * The request a path was found in: `containers[i]` is the byte range `[start, end)`
 * of the attribute list holding the path's i-th attribute. It lets a sub-message
 * read its selector (IFLA_INFO_KIND) beside it.
 *
 * @since 0.1.0
 */
export interface PathContext {
  readonly request: Uint8Array
  readonly containers: ReadonlyArray<readonly [number, number]>
}

// The string value of the attribute of type `type` in [start, end) of `buf`.
const siblingString = (buf: Uint8Array, start: number, end: number, type: number): string | undefined => {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  let p = start
  while (p + NLA_HDRLEN <= end) {
    const len = view.getUint16(p, true)
    if (len < NLA_HDRLEN || p + len > end) return undefined
    if ((view.getUint16(p + NLA_TYPE, true) & NLA_TYPE_MASK) === type) {
      let e = p + NLA_HDRLEN
      while (e < p + len && buf[e] !== 0) e++
      return new TextDecoder().decode(buf.subarray(p + NLA_HDRLEN, e))
    }
    p += align4(len)
  }
  return undefined
}

/**
 * Names a path of attribute types through nested sets. With the request's
 * context, a sub-message is followed into the set its selector names.
 *
 * @example
 * ```ts
 * import { describePath } from "nlink/runtime/Describe"
 * import { LinkAttrsMeta } from "nlink/generated/rt-link/index"
 * describePath(LinkAttrsMeta, [3]) // "IFLA_IFNAME"
 * describePath(LinkAttrsMeta, [18, 2, 15], context) // "IFLA_LINKINFO > IFLA_INFO_DATA(vxlan) > IFLA_VXLAN_PORT"
 * ```
 * @since 0.1.0
 */
export const describePath = (
  meta: AttributeMeta | undefined,
  types: ReadonlyArray<number>,
  context?: PathContext
): string => {
  const names: Array<string> = []
  let current = meta
  let elements: AttributeEntry | undefined
  types.forEach((raw, i) => {
    const t = raw & NLA_TYPE_MASK
    if (elements !== undefined) {
      names.push(`[${t}]`)
      current = elements.nested?.()
      elements = undefined
      return
    }
    const entry = current?.attributes[t]
    if (entry === undefined) {
      names.push(`attribute ${t}`)
      current = undefined
      return
    }
    if (entry.formats !== undefined && entry.selector !== undefined) {
      const c = context?.containers[i]
      const kind = c && siblingString(context!.request, c[0], c[1], entry.selector)
      names.push(kind ? `${entry.name}(${kind})` : entry.name)
      current = kind ? entry.formats()[kind] : undefined
      return
    }
    names.push(entry.name)
    if (entry.indexed) elements = entry
    else current = entry.nested?.()
  })
  return names.join(" > ")
}
