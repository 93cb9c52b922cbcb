/** The dataset loaders: WFDB records and MIT annotations, MIT-BIH beats, numeric CSV, NumPy .npy, WISDM. */
export { AAMI_CLASSES, aamiClass, type BeatOptions, type Beats, DS1, DS2, loadBeats, RR_FEATURES } from './mitbih.ts';
export { type CsvOptions, type CsvTable, type CsvWindowOptions, type CsvWindows, csvWindows, type Delimiter, parseCsv, readCsv } from './csv.ts';
export { MAX_ELEMENTS, type NpyArray, type NpyData, npyToFloat32, parseNpy, readNpy, writeNpy } from './npy.ts';
export { MAX_SAMPLES, type MitAnnotation, parseWfdbHeader, readMitAnnotations, readWfdbRecord, toPhysical, type WfdbHeader, type WfdbRecord, type WfdbSignal } from './wfdb.ts';
export { fitNormalization, loadRecordings, makeWindows, normalize, splitBySubject } from './wisdm.ts';
