/**
 * What a model file is, from its bytes (never its name): a .tflite renamed .bin is still a TFLite
 * flatbuffer, and a README given by mistake is named as text instead of failing as bad JSON.
 *
 *   'tflite'  a FlatBuffer with file identifier "TFL3" at bytes 4..8
 *   'tfjs'    a JSON object with modelTopology, weightsManifest or a tfjs `format` (or text opening
 *             with '{' that does not parse: the tfjs reader says where)
 *   'onnx'    a protobuf ModelProto: first byte 0x08 (field 1, ir_version, a varint), top-level
 *             fields that parse, and a graph (field 7, length-delimited)
 *
 * Anything else is E-FORMAT-UNKNOWN, naming what the bytes look like when that is recognisable
 * (Keras HDF5 or .keras, PyTorch, TensorFlow SavedModel, text, an empty file), located at the file.
 */
import { extname } from 'node:path';
import { fail } from '../support/diagnostics.ts';

export type ModelFormat = 'tflite' | 'tfjs' | 'onnx';

const READS = 'edgec reads TFLite flatbuffers (.tflite), TensorFlow.js layers models (model.json) and ONNX models (.onnx)';

const startsWith = (b: Uint8Array, magic: readonly number[], at = 0) => b.length >= at + magic.length && magic.every((v, i) => b[at + i] === v);
const ascii = (s: string) => Array.from(s, (c) => c.charCodeAt(0));

/** Wire types of the top-level fields of a protobuf message, or null when the bytes are not one. */
function protobufFields(b: Uint8Array): Map<number, number> | null {
  const fields = new Map<number, number>();
  let p = 0;
  const varint = (): number | null => {
    let v = 0;
    for (let shift = 0; shift < 64; shift += 7) {
      if (p >= b.length) return null;
      const byte = b[p++]!;
      v += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return v;
    }
    return null;
  };
  while (p < b.length) {
    const tag = varint();
    if (tag === null || tag < 8) return null;
    const wire = tag % 8;
    const skip = wire === 0 ? (varint() === null ? -1 : 0) : wire === 1 ? 8 : wire === 5 ? 4 : wire === 2 ? (varint() ?? -1) : -1;
    if (skip < 0 || p + skip > b.length) return null;
    p += skip;
    fields.set(Math.floor(tag / 8), wire);
  }
  return fields;
}

/** The first entries' names of a zip archive tell a Keras 3 .keras file from a PyTorch checkpoint. */
function describeZip(b: Uint8Array): string {
  const head = new TextDecoder('latin1').decode(b.subarray(0, 1 << 16));
  if (/data\.pkl|\.data\/|byteorder/.test(head)) return 'a zip archive holding a pickle: a PyTorch checkpoint (.pt/.pth); export it to ONNX (torch.onnx.export)';
  if (/metadata\.json|config\.json|model\.weights\.h5/.test(head))
    return 'a zip archive holding config.json and weights: a Keras 3 .keras file; convert it to .tflite (TFLite converter) or TensorFlow.js';
  return 'a zip archive (a Keras .keras or PyTorch .pt file?); edgec reads the converted model, not the archive';
}

/** JSON text: a tfjs model.json, or a short description of what else it holds. */
function describeJson(text: string): ModelFormat | string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // Broken JSON that opens like an object: most likely a damaged model.json; its reader says where.
    return text.trimStart().startsWith('{') ? 'tfjs' : 'text that opens like JSON but does not parse';
  }
  if (typeof json === 'object' && json !== null && !Array.isArray(json)) {
    const o = json as Record<string, unknown>;
    if ('modelTopology' in o || 'weightsManifest' in o || (typeof o.format === 'string' && /model/.test(o.format))) return 'tfjs';
    return 'a JSON object without modelTopology (not a TensorFlow.js model.json)';
  }
  if (Array.isArray(json) && json.length > 0 && json.every((r) => Array.isArray(r) && r.every((v) => typeof v === 'number')))
    return 'a JSON array of number arrays: calibration windows? (pass them with --calib)';
  return 'JSON that is not a TensorFlow.js model.json';
}

/** Text (UTF-8 without control characters other than whitespace), or null. */
function asText(b: Uint8Array): string | null {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(b.subarray(0, 1 << 20));
  } catch {
    // A multi-byte character cut at the 1 MiB mark is still text.
    if (b.length <= 1 << 20) return null;
    text = new TextDecoder('utf-8').decode(b.subarray(0, 1 << 20));
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what tells binary from text
  return /[\u0000-\u0008\u000e-\u001f\u007f]/.test(text) ? null : text;
}

function describeText(text: string): string {
  const first = text.trimStart().split('\n')[0]!.trim();
  const quoted = JSON.stringify(first.length > 40 ? `${first.slice(0, 40)}...` : first);
  if (/^#{1,6} |^```|^\[.*\]\(.*\)/m.test(text)) return `a Markdown text file (starting ${quoted})`;
  return `a text file (starting ${quoted})`;
}

/** What the bytes are, when recognisable: a model format edgec reads, or a phrase naming something else. */
function classify(b: Uint8Array): ModelFormat | string {
  if (b.length === 0) return 'an empty file (0 bytes)';
  if (startsWith(b, ascii('TFL3'), 4)) return 'tflite';
  if (startsWith(b, [0x89, ...ascii('HDF\r\n'), 0x1a, 0x0a]))
    return 'an HDF5 file: a Keras .h5 model; convert it to .tflite (TFLite converter) or TensorFlow.js (tensorflowjs_converter --input_format keras)';
  if (startsWith(b, ascii('PK\u0003\u0004'))) return describeZip(b);
  if (startsWith(b, [0x1f, 0x8b])) return 'gzip-compressed data: decompress it first';
  if (startsWith(b, [0x93, ...ascii('NUMPY')])) return 'a NumPy .npy array (data, not a model)';
  if (b[0] === 0x80 && b[1] !== undefined && b[1] >= 2 && b[1] <= 5) return 'a Python pickle (a PyTorch checkpoint in the legacy format?); export it to ONNX (torch.onnx.export)';
  if (startsWith(b, [0x7f, ...ascii('ELF')])) return 'an ELF executable or object file';
  const text = asText(b);
  if (text !== null) return /^\s*[[{]/.test(text) ? describeJson(new TextDecoder().decode(b)) : describeText(text);
  const fields = protobufFields(b);
  if (fields && b[0] === 0x08 && fields.get(7) === 2) return 'onnx';
  if (fields && b[0] === 0x08 && fields.get(2) === 2) return 'a protobuf that looks like a TensorFlow SavedModel (saved_model.pb); convert the SavedModel folder to .tflite (TFLite converter)';
  if (fields && b[0] === 0x0a) return 'a protobuf (a frozen TensorFlow GraphDef .pb?); convert it to .tflite (TFLite converter)';
  if (fields && b[0] === 0x08) return 'a protobuf with no ONNX graph (field 7): not an ONNX model';
  const hex = Array.from(b.subarray(0, 8), (v) => v.toString(16).padStart(2, '0')).join(' ');
  return `unrecognised binary data (first bytes ${hex})`;
}

/** The model format of `bytes`, read from `file` (for the location and the name in messages). */
export function detectModelFormat(bytes: Uint8Array, file: string): ModelFormat {
  const what = classify(bytes);
  if (what === 'tflite' || what === 'tfjs' || what === 'onnx') return what;
  // A name that promises a model is not what the bytes are: say so.
  const ext = extname(file).toLowerCase();
  const named = ['.tflite', '.json', '.onnx', '.bin'].includes(ext) ? `named ${ext}, but ` : '';
  return fail('E-FORMAT-UNKNOWN', 'import', `not a model edgec reads: ${named}${what}. ${READS}`, { file });
}
