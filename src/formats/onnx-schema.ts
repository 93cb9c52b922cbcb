/**
 * The ONNX messages the importer reads, as a protobufjs JSON descriptor written for this project
 * (no generated code), and `decodeOnnxProto`, which decodes a file's bytes into those messages.
 *
 * Field numbers are onnx.proto's (github.com/onnx/onnx, onnx/onnx.proto, proto2, read at IR_VERSION 7;
 * the numbers below are unchanged in later IR versions, which only add fields). Fields the importer
 * does not need are left out and skipped as unknown fields, except those that change what a file
 * means (external data, segments, sparse initializers, model-local functions): they are declared so
 * that the reader can refuse them (src/formats/onnx.ts).
 *
 * Enums (TensorProto.DataType, AttributeProto.AttributeType, DataLocation) are read as plain int32,
 * so an unknown value is a number the reader reports, not a decoder failure.
 */
import protobuf from 'protobufjs/light.js';

const repeated = (type: string, id: number, packed = false) => ({ rule: 'repeated', type, id, ...(packed ? { options: { packed: true } } : {}) });
const field = (type: string, id: number) => ({ type, id });

/** onnx.proto, the subset edgec reads. */
export const ONNX_DESCRIPTOR = {
  nested: {
    onnx: {
      nested: {
        ModelProto: {
          fields: {
            irVersion: field('int64', 1),
            producerName: field('string', 2),
            producerVersion: field('string', 3),
            domain: field('string', 4),
            modelVersion: field('int64', 5),
            docString: field('string', 6),
            graph: field('GraphProto', 7),
            opsetImport: repeated('OperatorSetIdProto', 8),
            metadataProps: repeated('StringStringEntryProto', 14),
            // FunctionProto messages, kept as bytes: a node calling one is refused by its domain.
            functions: repeated('bytes', 25),
          },
        },
        StringStringEntryProto: { fields: { key: field('string', 1), value: field('string', 2) } },
        OperatorSetIdProto: { fields: { domain: field('string', 1), version: field('int64', 2) } },
        GraphProto: {
          fields: {
            node: repeated('NodeProto', 1),
            name: field('string', 2),
            initializer: repeated('TensorProto', 5),
            docString: field('string', 10),
            input: repeated('ValueInfoProto', 11),
            output: repeated('ValueInfoProto', 12),
            valueInfo: repeated('ValueInfoProto', 13),
            // SparseTensorProto messages, kept as bytes: refused.
            sparseInitializer: repeated('bytes', 15),
          },
        },
        NodeProto: {
          fields: {
            input: repeated('string', 1),
            output: repeated('string', 2),
            name: field('string', 3),
            opType: field('string', 4),
            attribute: repeated('AttributeProto', 5),
            docString: field('string', 6),
            domain: field('string', 7),
          },
        },
        AttributeProto: {
          fields: {
            name: field('string', 1),
            f: field('float', 2),
            i: field('int64', 3),
            s: field('bytes', 4),
            t: field('TensorProto', 5),
            g: field('GraphProto', 6),
            floats: repeated('float', 7, true),
            ints: repeated('int64', 8, true),
            strings: repeated('bytes', 9),
            tensors: repeated('TensorProto', 10),
            graphs: repeated('GraphProto', 11),
            docString: field('string', 13),
            type: field('int32', 20),
            refAttrName: field('string', 21),
          },
        },
        TensorProto: {
          fields: {
            dims: repeated('int64', 1, true),
            dataType: field('int32', 2),
            segment: field('Segment', 3),
            floatData: repeated('float', 4, true),
            int32Data: repeated('int32', 5, true),
            stringData: repeated('bytes', 6),
            int64Data: repeated('int64', 7, true),
            name: field('string', 8),
            rawData: field('bytes', 9),
            doubleData: repeated('double', 10, true),
            uint64Data: repeated('uint64', 11, true),
            docString: field('string', 12),
            externalData: repeated('StringStringEntryProto', 13),
            dataLocation: field('int32', 14),
          },
          nested: { Segment: { fields: { begin: field('int64', 1), end: field('int64', 2) } } },
        },
        ValueInfoProto: { fields: { name: field('string', 1), type: field('TypeProto', 2), docString: field('string', 3) } },
        TypeProto: {
          fields: {
            tensorType: field('Tensor', 1),
            // Sequence and map types, kept as bytes: a graph input or output of these kinds is refused.
            sequenceType: field('bytes', 4),
            mapType: field('bytes', 5),
            denotation: field('string', 6),
          },
          nested: { Tensor: { fields: { elemType: field('int32', 1), shape: field('TensorShapeProto', 2) } } },
        },
        TensorShapeProto: {
          fields: { dim: repeated('Dimension', 1) },
          nested: { Dimension: { fields: { dimValue: field('int64', 1), dimParam: field('string', 2), denotation: field('string', 3) } } },
        },
      },
    },
  },
};

/** int64 fields decode as numbers or as `long` objects (protobufjs uses `long` when it is installed). */
export type Int64 = number | { toNumber(): number; toString(): string; high: number; low: number };

export interface PbStringEntry {
  key?: string;
  value?: string;
}

export interface PbTensor {
  dims?: Int64[];
  dataType?: number;
  segment?: { begin?: Int64; end?: Int64 };
  floatData?: number[];
  int32Data?: number[];
  stringData?: Uint8Array[];
  int64Data?: Int64[];
  name?: string;
  rawData?: Uint8Array;
  doubleData?: number[];
  uint64Data?: Int64[];
  externalData?: PbStringEntry[];
  dataLocation?: number;
}

export interface PbAttribute {
  name?: string;
  f?: number;
  i?: Int64;
  s?: Uint8Array;
  t?: PbTensor;
  g?: PbGraph;
  floats?: number[];
  ints?: Int64[];
  strings?: Uint8Array[];
  tensors?: PbTensor[];
  graphs?: PbGraph[];
  type?: number;
  refAttrName?: string;
}

export interface PbNode {
  input?: string[];
  output?: string[];
  name?: string;
  opType?: string;
  attribute?: PbAttribute[];
  domain?: string;
}

export interface PbValueInfo {
  name?: string;
  type?: {
    tensorType?: { elemType?: number; shape?: { dim?: { dimValue?: Int64; dimParam?: string }[] } };
    sequenceType?: Uint8Array;
    mapType?: Uint8Array;
  };
}

export interface PbGraph {
  node?: PbNode[];
  name?: string;
  initializer?: PbTensor[];
  input?: PbValueInfo[];
  output?: PbValueInfo[];
  valueInfo?: PbValueInfo[];
  sparseInitializer?: Uint8Array[];
}

export interface PbModel {
  irVersion?: Int64;
  producerName?: string;
  producerVersion?: string;
  graph?: PbGraph;
  opsetImport?: { domain?: string; version?: Int64 }[];
  metadataProps?: PbStringEntry[];
  functions?: Uint8Array[];
}

const root = protobuf.Root.fromJSON(ONNX_DESCRIPTOR);
export const ModelProto = root.lookupType('onnx.ModelProto');

/** Decodes a ModelProto (throws protobufjs's errors: the reader turns them into diagnostics). */
export function decodeOnnxProto(bytes: Uint8Array): PbModel {
  return ModelProto.decode(bytes) as unknown as PbModel;
}

/** Encodes a ModelProto written as plain objects (tests build their models with it). */
export function encodeOnnxProto(model: PbModel): Uint8Array {
  return ModelProto.encode(ModelProto.fromObject(model as Record<string, unknown>)).finish();
}

/** TensorProto.DataType codes. */
export const ONNX_TYPES: Readonly<Record<number, string>> = {
  0: 'undefined',
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  14: 'complex64',
  15: 'complex128',
  16: 'bfloat16',
};

/** AttributeProto.AttributeType codes. */
export const ATTRIBUTE_TYPES = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7, STRINGS: 8, TENSORS: 9, GRAPHS: 10 } as const;
