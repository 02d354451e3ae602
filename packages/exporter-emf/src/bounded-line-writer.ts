import { once } from 'node:events';
import type { Writable } from 'node:stream';

/**
 * Writes lines to a stream without letting its unwritten buffer grow past `maxBufferedBytes`:
 * when a slow reader leaves too much queued, the line is dropped and counted instead.
 */
export class BoundedLineWriter {
  private droppedLines = 0;

  constructor(
    private readonly stream: Writable,
    private readonly maxBufferedBytes: number,
  ) {}

  /** Lines dropped so far because the stream was not keeping up. */
  get dropped(): number {
    return this.droppedLines;
  }

  /** Queues one line (a newline is added); false when it was dropped. */
  write(line: string): boolean {
    const bytes = Buffer.byteLength(line) + 1;
    if (
      this.stream.writableLength > 0 &&
      this.stream.writableLength + bytes > this.maxBufferedBytes
    ) {
      this.droppedLines++;
      return false;
    }
    this.stream.write(`${line}\n`);
    return true;
  }

  /** Resolves when the stream has written what was queued, or when `signal` aborts. */
  async drain(signal: AbortSignal): Promise<void> {
    if (this.stream.writableLength === 0 || this.stream.destroyed) return;
    await once(this.stream, 'drain', { signal }).catch(() => undefined);
  }
}
