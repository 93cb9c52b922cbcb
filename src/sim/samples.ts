/**
 * Samples as bytes and as the simulator's typed tensors: a sample is every input's bytes back to
 * back (the layout of sample_inputs.bin, `edgec run` input files and the C harness), an output record
 * every output's bytes back to back.
 */
import { folderInputs, ioElementBytes, type Manifest } from '../formats/manifest.ts';
import type { ActivationData } from './steps.ts';

/** A sample's bytes as the simulator's typed inputs. */
export function decodeSample(m: Manifest, sample: Uint8Array): ActivationData[] {
  let p = 0;
  return folderInputs(m).map((io) => {
    const start = p;
    p += io.size * ioElementBytes(io);
    const copy = new Uint8Array(sample.subarray(start, p)).buffer;
    return io.dtype === 'int32' ? new Int32Array(copy) : io.dtype === 'int16' ? new Int16Array(copy) : new Int8Array(copy);
  });
}

/** The simulator's outputs as the bytes the C writes (all outputs back to back). */
export function encodeOutputs(outputs: readonly ActivationData[]): Buffer {
  return Buffer.concat(outputs.map((o) => Buffer.from(o.buffer, o.byteOffset, o.byteLength)));
}
