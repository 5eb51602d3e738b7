/** What the flood needs of one response: its status, and who refused it and why. */
export interface ParsedResponse {
  readonly status: number;
  /** The error catalogue's code when the body is Tribune's JSON error; undefined otherwise. */
  readonly code: string | undefined;
  /** nginx's own error page (a refusal made at the edge, not passed on from the origin). */
  readonly fromEdge: boolean;
  readonly close: boolean;
}

const HEADER_END = Buffer.from('\r\n\r\n');
const CODE = /"code"\s*:\s*"([A-Z_]{2,64})"/;

/**
 * An incremental HTTP/1.1 response parser for pipelined connections: enough of RFC 9112 for
 * Content-Length and chunked bodies. Only the first few hundred bytes of a body are kept (to find
 * a catalogue code or nginx's signature); the rest is skipped.
 */
export class ResponseParser {
  #buf: Buffer = Buffer.alloc(0);
  #head: { status: number; close: boolean; length: number; chunked: boolean } | undefined;
  #body: Buffer[] = [];
  #kept = 0;
  #remaining = 0;
  /** Chunked: inside a chunk's data (remaining bytes + its CRLF) or reading a size line. */
  #inChunk = false;
  readonly #noBody: () => boolean;

  constructor(noBody: () => boolean = () => false) {
    this.#noBody = noBody;
  }

  /** Feeds bytes; returns the responses they completed, in order. */
  push(data: Buffer): ParsedResponse[] {
    this.#buf = this.#buf.length ? Buffer.concat([this.#buf, data]) : data;
    const out: ParsedResponse[] = [];
    for (;;) {
      if (!this.#head) {
        const end = this.#buf.indexOf(HEADER_END);
        if (end < 0) {
          if (this.#buf.length > 64 * 1024) throw new Error('response headers too large');
          return out;
        }
        const head = this.#buf.subarray(0, end).toString('latin1');
        this.#buf = this.#buf.subarray(end + 4);
        const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0);
        const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? -1);
        const chunked = /\r\ntransfer-encoding:[^\r]*chunked/i.test(head);
        const close = /\r\nconnection:\s*close/i.test(head);
        const empty = status === 204 || status === 304 || (status >= 100 && status < 200) || this.#noBody();
        this.#head = { status, close, length: empty ? 0 : length, chunked: !empty && chunked };
        this.#remaining = this.#head.chunked ? 0 : Math.max(0, this.#head.length);
        this.#inChunk = false;
        this.#body = [];
        this.#kept = 0;
        if (!this.#head.chunked && this.#head.length < 0) {
          // No length and not chunked: the body runs to the end of the connection. Treat the
          // response as complete now (nginx and Node always send a length or chunks).
          out.push(this.#finish());
          continue;
        }
      }
      if (!this.#head.chunked) {
        const take = Math.min(this.#remaining, this.#buf.length);
        this.#keep(this.#buf.subarray(0, take));
        this.#buf = this.#buf.subarray(take);
        this.#remaining -= take;
        if (this.#remaining > 0) return out;
        out.push(this.#finish());
        continue;
      }
      // Chunked.
      if (this.#inChunk) {
        const take = Math.min(this.#remaining, this.#buf.length);
        this.#keep(this.#buf.subarray(0, Math.max(0, Math.min(take, this.#remaining - 2))));
        this.#buf = this.#buf.subarray(take);
        this.#remaining -= take;
        if (this.#remaining > 0) return out;
        this.#inChunk = false;
        continue;
      }
      const lineEnd = this.#buf.indexOf('\r\n');
      if (lineEnd < 0) return out;
      const size = parseInt(this.#buf.subarray(0, lineEnd).toString('latin1'), 16);
      this.#buf = this.#buf.subarray(lineEnd + 2);
      if (!(size > 0)) {
        // Last chunk: skip trailers up to the empty line.
        const end = this.#buf.indexOf('\r\n');
        if (end < 0) { this.#buf = Buffer.concat([Buffer.from('0\r\n'), this.#buf]); return out; }
        this.#buf = this.#buf.subarray(end + 2);
        out.push(this.#finish());
        continue;
      }
      this.#inChunk = true;
      this.#remaining = size + 2;
    }
  }

  #keep(bytes: Buffer): void {
    if (this.#kept >= 512 || bytes.length === 0) return;
    const slice = bytes.subarray(0, 512 - this.#kept);
    this.#body.push(slice);
    this.#kept += slice.length;
  }

  #finish(): ParsedResponse {
    const head = this.#head!;
    this.#head = undefined;
    const body = Buffer.concat(this.#body).toString('utf8');
    this.#body = [];
    return { status: head.status, code: CODE.exec(body)?.[1], fromEdge: /<center>nginx/.test(body), close: head.close };
  }
}
