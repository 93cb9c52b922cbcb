/** Malformed conformance cases give a diagnostic naming the file and the field, never a stack trace. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { EdgecError } from '../../src/support/diagnostics.ts';
import { CaseReader, parseCase } from '../../src/formats/conformance-case.ts';
import { DEFAULT_SUITE_DIR, PACKAGE_ROOT } from '../../src/support/paths.ts';

const padCase = () => JSON.parse(readFileSync(join(DEFAULT_SUITE_DIR, 'pad_int8_1.json'), 'utf8'));

function diagnosticOf(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(EdgecError);
    return (e as EdgecError).diagnostics[0]!;
  }
  throw new Error('expected an EdgecError');
}

describe('case file validation', () => {
  it('names the field of a tensor whose data length does not match its shape', () => {
    const c = padCase();
    c.tensors.input.data.pop();
    const d = diagnosticOf(() => parseCase(JSON.stringify(c), 'bad.json'));
    expect(d.location).toEqual({ file: 'bad.json', field: 'tensors.input.data' });
  });
  it('names an out-of-range value', () => {
    const c = padCase();
    c.tensors.input.data[3] = 300;
    expect(diagnosticOf(() => parseCase(JSON.stringify(c), 'bad.json')).location?.field).toBe('tensors.input.data[3]');
  });
  it('names a missing param on access', () => {
    const c = padCase();
    delete c.params.pre_pad;
    const r = new CaseReader(parseCase(JSON.stringify(c), 'bad.json'));
    expect(diagnosticOf(() => r.dims('pre_pad')).location?.field).toBe('params.pre_pad');
  });
  it('rejects a file that is not JSON', () => {
    expect(diagnosticOf(() => parseCase('{ nope', 'bad.json')).code).toBe('E-CONF-JSON');
  });
  it('the CLI prints one error line with file and field and exits non-zero', () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgec-case-'));
    const c = padCase();
    delete c.tensors.expected_output;
    writeFileSync(join(dir, 'broken.json'), JSON.stringify(c));
    const r = spawnSync('node', [join(PACKAGE_ROOT, 'bin/edgec.js'), 'conformance', '--suite', dir], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('broken.json');
    expect(r.stderr).toContain("field 'tensors.expected_output'");
    expect(r.stderr).not.toContain('    at ');
  });
});
