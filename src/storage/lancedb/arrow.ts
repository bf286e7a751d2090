import { createRequire } from 'node:module';
import type * as ArrowModule from 'apache-arrow';
import type { StoredDocument } from '../types.js';

// LanceDB requires apache-arrow through CommonJS; building tables with the ESM copy fails its instanceof checks.
const arrow = createRequire(import.meta.url)('apache-arrow') as typeof ArrowModule;

/**
 * The Arrow layout of a collection table. `doc` keeps the exact JSON text of the data (what get returns);
 * `data` is the same JSON as Lance's JSON type (JSONB), which the where-clause functions read.
 * Timestamps are Float64 milliseconds (exact up to 2^53), vectors FixedSizeList<Float32>.
 */
export function tableSchema(dimension: number | undefined): ArrowModule.Schema {
  const fields: ArrowModule.Field[] = [
    new arrow.Field('id', new arrow.Utf8(), false),
    new arrow.Field('doc', new arrow.Utf8(), false),
    new arrow.Field('data', new arrow.Utf8(), false, new Map([['ARROW:extension:name', 'arrow.json']])),
    new arrow.Field('created_at', new arrow.Float64(), false),
    new arrow.Field('updated_at', new arrow.Float64(), false),
    new arrow.Field('expires_at', new arrow.Float64(), true),
  ];
  if (dimension !== undefined) {
    fields.push(new arrow.Field('vector', new arrow.FixedSizeList(dimension, new arrow.Field('item', new arrow.Float32(), true)), true));
  }
  return new arrow.Schema(fields);
}

export function vectorDimension(schema: ArrowModule.Schema): number | undefined {
  const field = schema.fields.find((f) => f.name === 'vector');
  return field ? (field.type as ArrowModule.FixedSizeList).listSize : undefined;
}

export function documentsToTable(documents: StoredDocument[], dimension: number | undefined): ArrowModule.Table {
  const schema = tableSchema(dimension);
  const column = <T extends ArrowModule.DataType>(values: unknown[], type: T) => arrow.vectorFromArray(values, type).data[0]!;
  const json = documents.map((d) => JSON.stringify(d.data));
  const children: ArrowModule.Data[] = [
    column(
      documents.map((d) => d.id),
      new arrow.Utf8(),
    ),
    column(json, new arrow.Utf8()),
    column(json, new arrow.Utf8()),
    column(
      documents.map((d) => d.createdAt),
      new arrow.Float64(),
    ),
    column(
      documents.map((d) => d.updatedAt),
      new arrow.Float64(),
    ),
    column(
      documents.map((d) => d.expiresAt ?? null),
      new arrow.Float64(),
    ),
  ];
  if (dimension !== undefined) children.push(vectorColumn(documents, schema.fields[6]!.type as ArrowModule.FixedSizeList, dimension));
  const data = arrow.makeData({ type: new arrow.Struct(schema.fields), length: documents.length, nullCount: 0, children });
  return new arrow.Table([new arrow.RecordBatch(schema, data)]);
}

/** vectorFromArray cannot build a FixedSizeList with null rows, so the buffers are laid out here. */
function vectorColumn(documents: StoredDocument[], type: ArrowModule.FixedSizeList, dimension: number): ArrowModule.Data {
  const values = new Float32Array(documents.length * dimension);
  const validity = new Uint8Array(Math.ceil(documents.length / 8));
  let nullCount = 0;
  documents.forEach((doc, row) => {
    if (!doc.vector) {
      nullCount++;
      return;
    }
    values.set(doc.vector, row * dimension);
    validity[row >> 3]! |= 1 << (row & 7);
  });
  const child = arrow.makeData({ type: new arrow.Float32(), length: values.length, data: values });
  return arrow.makeData({ type, length: documents.length, nullCount, nullBitmap: validity, child });
}
