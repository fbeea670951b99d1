/**
 * Child process that analyses one uploaded capture with the same engine and analyzers as `api-radar analyze`, off
 * the service's main thread: it reports progress over IPC (`{ type: 'progress', bytesRead, totalBytes,
 * transactions }`), sends the call-log rows in batches (`{ type: 'calls', rows }`, when a source label is given),
 * writes the report JSON to the given path and ends with `{ type: 'done', calls }` or `{ type: 'failed', message }`.
 * Started by capture-runs.service.ts with the `advanced` IPC serialisation.
 *
 * Usage (by the service): node --import tsx capture-analysis.worker.ts <capture> <report.json> [<source label>]
 */
import { writeFileSync, renameSync } from 'node:fs';
import { analyzeCaptureFile } from '../analysis/offline-analysis.service.ts';
import { CaptureFormatError } from '../engine/source/capture-file.reader.ts';
import type { CallEvent } from '../store/events/call-event.types.ts';
import { CallBatcher } from './call-batcher.ts';

/** Messages the worker sends to its parent. */
export type WorkerMessage =
  | { type: 'progress'; bytesRead: number; totalBytes: number; transactions: number }
  | { type: 'calls'; rows: CallEvent[] }
  | { type: 'done'; calls: number }
  | { type: 'failed'; message: string };

function send(m: WorkerMessage): void {
  process.send?.(m);
}

async function main(): Promise<void> {
  const [capture, out, source] = process.argv.slice(2);
  let last = 0;
  const batcher = source ? new CallBatcher(source, (rows) => send({ type: 'calls', rows })) : null;
  try {
    const report = await analyzeCaptureFile(capture, {
      sinks: batcher === null ? [] : [batcher.sink],
      onProgress: (bytesRead, totalBytes, transactions) => {
        const now = Date.now();
        if (now - last < 250) return;
        last = now;
        send({ type: 'progress', bytesRead, totalBytes, transactions });
      },
    });
    batcher?.drain();
    writeFileSync(`${out}.tmp`, JSON.stringify(report));
    renameSync(`${out}.tmp`, out);
    send({ type: 'done', calls: batcher?.emitted ?? 0 });
  } catch (err) {
    send({ type: 'failed', message: err instanceof CaptureFormatError ? err.message : `analysis failed: ${(err as Error).message}` });
    process.exitCode = 1;
  }
}

void main().finally(() => process.disconnect?.());
