/**
 * The browser app type-checks the server's contract files (src/control/schemas.ts, the bus events),
 * which reach a media type that names Node's Buffer. Only the name is needed, never the value.
 */
type Buffer = Uint8Array;
