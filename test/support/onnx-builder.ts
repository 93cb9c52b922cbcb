/**
 * Builds ONNX models in tests, with the project's own protobufjs descriptor (src/formats/onnx-schema.ts),
 * and runs them in onnxruntime (the oracle). Weights are seeded random numbers; nothing is downloaded.
 *
 *   const m = new OnnxBuilder('cnn');
 *   m.input('x', [1, 6, 64]);
 *   m.node('Conv', ['x', m.weight('w', [8, 6, 5]), m.weight('b', [8])], ['y'], { pads: ints([2, 2]) });
 *   m.output('y');
 *   const bytes = m.encode();          // opset 17 unless given
 */
import * as ort from 'onnxruntime-node';
import { encodeOnnxProto, type PbAttribute, type PbNode, type PbTensor, type PbValueInfo } from '../../src/formats/onnx-schema.ts';
import { seededRandom } from '../../src/train/shuffle.ts';

export type Attr = { f: number } | { i: number } | { s: string } | { ints: number[] } | { floats: number[] } | { t: PbTensor };

export const int = (i: number): Attr => ({ i });
export const float = (f: number): Attr => ({ f });
export const ints = (v: number[]): Attr => ({ ints: v });
export const str = (s: string): Attr => ({ s });

const TYPE_CODES = { float32: 1, uint8: 2, int8: 3, int16: 5, int32: 6, int64: 7 } as const;
export type ElemType = keyof typeof TYPE_CODES;

/** xorshift32 in [-1, 1): seeded weights and inputs. */
export function seeded(seed: number): () => number {
  const next = seededRandom(seed);
  return () => next() * 2 - 1;
}

export function randomArray(n: number, rand: () => number, scale = 1): Float32Array {
  return Float32Array.from({ length: n }, () => rand() * scale);
}

function attribute(name: string, a: Attr): PbAttribute {
  if ('f' in a) return { name, type: 1, f: a.f };
  if ('i' in a) return { name, type: 2, i: a.i };
  if ('s' in a) return { name, type: 3, s: new TextEncoder().encode(a.s) };
  if ('t' in a) return { name, type: 4, t: a.t };
  if ('floats' in a) return { name, type: 6, floats: a.floats };
  return { name, type: 7, ints: a.ints };
}

export function tensorProto(name: string, dims: number[], data: ArrayLike<number>, type: ElemType = 'float32'): PbTensor {
  const raw = (() => {
    if (type === 'float32') return new Uint8Array(Float32Array.from(data).buffer);
    if (type === 'int8') return new Uint8Array(Int8Array.from(data).buffer);
    if (type === 'uint8') return Uint8Array.from(data);
    if (type === 'int16') return new Uint8Array(Int16Array.from(data).buffer);
    if (type === 'int32') return new Uint8Array(Int32Array.from(data).buffer);
    return new Uint8Array(BigInt64Array.from(Array.from(data), (v) => BigInt(v)).buffer);
  })();
  return { name, dims, dataType: TYPE_CODES[type], rawData: raw };
}

function valueInfo(name: string, dims: (number | string)[] | null, type: ElemType = 'float32'): PbValueInfo {
  return {
    name,
    type: { tensorType: { elemType: TYPE_CODES[type], ...(dims ? { shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } : {}) } },
  };
}

export class OnnxBuilder {
  readonly nodes: PbNode[] = [];
  readonly initializers: PbTensor[] = [];
  readonly inputs: PbValueInfo[] = [];
  readonly outputs: PbValueInfo[] = [];
  private count = 0;

  constructor(
    readonly name: string,
    private readonly rand: () => number = seeded(1),
  ) {}

  input(name: string, dims: (number | string)[] | null, type: ElemType = 'float32'): string {
    this.inputs.push(valueInfo(name, dims, type));
    return name;
  }

  output(name: string, dims: (number | string)[] | null = null, type: ElemType = 'float32'): string {
    this.outputs.push(valueInfo(name, dims, type));
    return name;
  }

  /** An initializer with the given values. */
  init(name: string, dims: number[], data: ArrayLike<number>, type: ElemType = 'float32'): string {
    this.initializers.push(tensorProto(name, dims, data, type));
    return name;
  }

  /** A float initializer of seeded random values in [-scale, scale). */
  weight(name: string, dims: number[], scale = 0.5): string {
    return this.init(
      name,
      dims,
      randomArray(
        dims.reduce((a, b) => a * b, 1),
        this.rand,
        scale,
      ),
    );
  }

  /** Adds a node; returns its first output's name. */
  node(opType: string, inputs: string[], outputs: string[] | number = 1, attrs: Record<string, Attr> = {}, name?: string): string {
    const id = this.count++;
    const outs = typeof outputs === 'number' ? Array.from({ length: outputs }, (_, k) => `${opType.toLowerCase()}${id}_out${k}`) : outputs;
    this.nodes.push({ name: name ?? `${opType.toLowerCase()}${id}`, opType, input: inputs, output: outs, attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)) });
    return outs[0]!;
  }

  encode(opset = 17, irVersion = 8): Uint8Array {
    return encodeOnnxProto({
      irVersion,
      producerName: 'edgec-test',
      opsetImport: [{ domain: '', version: opset }],
      graph: { name: this.name, node: this.nodes, initializer: this.initializers, input: this.inputs, output: this.outputs },
    });
  }
}

/** Runs a model in onnxruntime on one float input; returns every output's values. */
export async function runOrt(bytes: Uint8Array, inputs: Record<string, { data: Float32Array; dims: number[] }>): Promise<Float32Array[]> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const feeds = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, new ort.Tensor('float32', v.data, v.dims)]));
    const out = await session.run(feeds);
    return session.outputNames.map((n) => Float32Array.from(out[n]!.data as Float32Array));
  } finally {
    await session.release();
  }
}

/** One session for many inputs (faster than runOrt per window). */
export async function ortSession(bytes: Uint8Array): Promise<{ run(data: Float32Array, dims: number[]): Promise<Float32Array>; release(): Promise<void> }> {
  const session = await ort.InferenceSession.create(bytes);
  const input = session.inputNames[0]!;
  const output = session.outputNames[0]!;
  return {
    async run(data, dims) {
      const out = await session.run({ [input]: new ort.Tensor('float32', data, dims) });
      return Float32Array.from(out[output]!.data as Float32Array);
    },
    release: () => session.release(),
  };
}

/** [C, T] (ONNX [1, C, T]) windows -> the channels-last [T, C] the compiled model takes. */
export function toChannelsLast(x: Float32Array, channels: number): Float32Array {
  const t = x.length / channels;
  const out = new Float32Array(x.length);
  for (let c = 0; c < channels; c++) for (let s = 0; s < t; s++) out[s * channels + c] = x[c * t + s]!;
  return out;
}
