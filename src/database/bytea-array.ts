/** PostgreSQL's type oid of bytea, the element type written into the array header. */
const BYTEA_OID = 17;
const HEADER_BYTES = 20;

/**
 * A one-dimensional `bytea[]` in PostgreSQL's binary send format (array_send): ndim, a has-nulls
 * flag, the element type, the length and lower bound of the one dimension, then each element as
 * its length and bytes. node-postgres sends a Buffer parameter in binary format, so a statement
 * that casts the parameter (`$1::bytea[]`) receives the array as is: no hex or escape text on the
 * wire and no text parsing on the server, whatever the element count (one prepared statement for
 * any batch size). Elements are copied once, into the single buffer returned.
 */
export function byteaArraySend(elements: readonly Buffer[]): Buffer {
  let total = HEADER_BYTES;
  for (const e of elements) total += 4 + e.length;
  const out = Buffer.allocUnsafe(total);
  out.writeInt32BE(1, 0); // dimensions
  out.writeInt32BE(0, 4); // no nulls
  out.writeInt32BE(BYTEA_OID, 8);
  out.writeInt32BE(elements.length, 12);
  out.writeInt32BE(1, 16); // lower bound
  let at = HEADER_BYTES;
  for (const e of elements) {
    out.writeInt32BE(e.length, at);
    e.copy(out, at + 4);
    at += 4 + e.length;
  }
  return out;
}
