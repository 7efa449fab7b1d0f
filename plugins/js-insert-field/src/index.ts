import { defineTransform } from '@conveyor/sdk';
import type { ConnectSchema, JsonValue, TransformRecord } from '@conveyor/sdk';

const config = [
  { name: 'static.field', type: 'string', importance: 'high', documentation: 'The field to insert into each value.', validators: [{ kind: 'nonEmpty' }] },
  { name: 'static.value', type: 'string', default: '', importance: 'medium', documentation: 'The value of the inserted field.' },
  { name: 'drop.field', type: 'string', default: '', importance: 'low', documentation: 'Drop a record whose value has this field equal to drop.value; empty disables.' },
  { name: 'drop.value', type: 'string', default: '', importance: 'low', documentation: 'See drop.field.' },
] as const;

type Obj = { [key: string]: JsonValue };

function isObject(v: JsonValue): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A struct schema with the field appended (once per distinct schema: the result is cached by the caller). */
function withField(schema: ConnectSchema, field: string): ConnectSchema {
  const fields = (schema as { fields?: ConnectSchema[] }).fields ?? [];
  return { ...schema, fields: [...fields, { type: 'string', optional: true, field }] } as ConnectSchema;
}

export default defineTransform({
  className: 'JsInsertField',
  aliases: ['io.conveyor.plugins.InsertField$Value'],
  config,
  transform: () => {
    let field = '';
    let value = '';
    let dropField = '';
    let dropValue = '';
    // Schemas arrive as fresh JSON per record: cache by their text, bounded.
    const schemas = new Map<string, ConnectSchema>();
    return {
      start(ctx) {
        field = ctx.config['static.field'];
        value = ctx.config['static.value'];
        dropField = ctx.config['drop.field'];
        dropValue = ctx.config['drop.value'];
      },
      apply(records: TransformRecord[]): (TransformRecord | null)[] {
        return records.map((r) => {
          if (!isObject(r.value)) return r;
          const v = r.value[dropField];
          if (dropField !== '' && (typeof v === 'string' ? v : JSON.stringify(v)) === dropValue) return null;
          const s = r.valueSchema;
          let valueSchema = s;
          if (s !== null && (s as { type?: string }).type === 'struct') {
            const text = JSON.stringify(s);
            valueSchema = schemas.get(text) ?? withField(s, field);
            if (schemas.size > 64) schemas.clear();
            schemas.set(text, valueSchema);
          }
          return { ...r, value: { ...r.value, [field]: value }, valueSchema };
        });
      },
    };
  },
});
