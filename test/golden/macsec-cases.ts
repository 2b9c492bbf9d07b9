/**
 * Golden cases for `ip macsec` (generic netlink family "macsec"): each is a macsec link
 * set up with `ip link add link d0 m0 type macsec ...` (d0 a dummy), a few `ip macsec`
 * setup steps, then one command captured by capture-macsec.ts in the VM lane (the host
 * kernel has no macsec) and the same change through the Macsec module.
 *
 * @since 0.3.0
 */

export interface MacsecCase {
  /** File name of the fixture under test/fixtures/golden/macsec (kebab-case). */
  readonly name: string
  readonly doc: string
  /** `ip link add link d0 m0 type macsec` followed by these arguments. */
  readonly link: ReadonlyArray<string>
  /** `ip macsec` argument lists run before the command. */
  readonly setup: ReadonlyArray<ReadonlyArray<string>>
  /** The `ip macsec` arguments under test. */
  readonly command: ReadonlyArray<string>
}

const split = (s: string): Array<string> => s.split(" ")
export const KEY128 = "81818181818181818181818181818181"
export const KEY256 = "8282828282828282828282828282828282828282828282828282828282828282"
export const PEER = "c6:19:52:8f:e6:a0"
export const PEER_SCI = "c619528fe6a00001"
export const SALT = "838383838383838383838383"

const rxsc = split(`add m0 rx port 1 address ${PEER} on`)
const txsa = split(`add m0 tx sa 0 pn 1 on key 01 ${KEY128}`)
const rxsa = split(`add m0 rx port 1 address ${PEER} sa 0 pn 1 on key 02 ${KEY128}`)

export const macsecCases: ReadonlyArray<MacsecCase> = [
  {
    name: "txsa-add",
    doc: "TX SA 0 with pn, key id and a 128-bit key, active",
    link: [],
    setup: [],
    command: txsa
  },
  {
    name: "txsa-add-256-inactive",
    doc: "TX SA 3 with a 256-bit key and a 16-byte key id, not active",
    link: split("cipher gcm-aes-256"),
    setup: [],
    command: split(`add m0 tx sa 3 pn 4294967295 off key 0102030405060708090a0b0c0d0e0f10 ${KEY256}`)
  },
  {
    name: "txsa-set",
    doc: "TX SA update: new pn, off",
    link: [],
    setup: [txsa],
    command: split("set m0 tx sa 0 pn 100 off")
  },
  {
    name: "txsa-del",
    doc: "TX SA delete",
    link: [],
    setup: [txsa],
    command: split("del m0 tx sa 0")
  },
  {
    name: "rxsc-add",
    doc: "RX SC by port and address, active",
    link: [],
    setup: [],
    command: rxsc
  },
  {
    name: "rxsc-set",
    doc: "RX SC by sci, off",
    link: [],
    setup: [rxsc],
    command: split(`set m0 rx sci ${PEER_SCI} off`)
  },
  {
    name: "rxsc-del",
    doc: "RX SC delete",
    link: [],
    setup: [rxsc],
    command: split(`del m0 rx port 1 address ${PEER}`)
  },
  {
    name: "rxsa-add",
    doc: "RX SA 0 of an RX SC, pn, key, active",
    link: [],
    setup: [rxsc],
    command: rxsa
  },
  {
    name: "rxsa-set",
    doc: "RX SA update: pn, off",
    link: [],
    setup: [rxsc, rxsa],
    command: split(`set m0 rx port 1 address ${PEER} sa 0 pn 5 off`)
  },
  {
    name: "rxsa-del",
    doc: "RX SA delete",
    link: [],
    setup: [rxsc, rxsa],
    command: split(`del m0 rx port 1 address ${PEER} sa 0`)
  },
  {
    name: "txsa-add-xpn",
    doc: "XPN TX SA: 64-bit pn, short SCI and salt",
    link: split("cipher gcm-aes-xpn-128"),
    setup: [],
    command: split(`add m0 tx sa 1 xpn 4294967297 ssci 7 salt ${SALT} on key 03 ${KEY128}`)
  },
  {
    name: "rxsa-add-xpn",
    doc: "XPN RX SA: 64-bit pn, short SCI and salt",
    link: split("cipher gcm-aes-xpn-128"),
    setup: [rxsc],
    command: split(
      `add m0 rx port 1 address ${PEER} sa 2 xpn 5000000000 ssci 9 salt ${SALT} on key 04 ${KEY128}`
    )
  },
  {
    name: "offload-off",
    doc: "offload mode off (MACSEC_CMD_UPD_OFFLOAD)",
    link: [],
    setup: [],
    command: split("offload m0 off")
  }
]
