/**
 * Checks real REST answers against host/rest/openapi.json with ajv (JSON Schema 2020-12, OpenAPI 3.1's dialect): the
 * operation must be described, the status documented for it, and a JSON body must match the documented schema. It
 * remembers which operations it saw, so a test can require every described operation to have been exercised.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { OPENAPI_FILE } from '../../host/rest/openapi.ts';

interface Response {
  description: string;
  content?: Record<string, { schema: unknown }>;
}

/** A response, or a reference to one of components.responses. */
type ResponseOrRef = Response | { $ref: string };

interface Operation {
  operationId: string;
  responses: Record<string, ResponseOrRef>;
}

export interface OpenApiDoc {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; responses?: Record<string, Response> };
}

export const openapiDoc = (): OpenApiDoc => JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')) as OpenApiDoc;

const escape = (s: string): string => s.replace(/~/g, '~0').replace(/\//g, '~1');

export class OpenApiChecker {
  readonly doc = openapiDoc();
  readonly seen = new Set<string>();
  readonly #ajv = new Ajv2020({ allErrors: true, strict: false });
  readonly #templates = Object.keys(this.doc.paths).map((t) => ({ t, re: new RegExp(`^${t.replace(/\{[^}]+\}/g, '[^/]+')}$`), literal: t.replace(/\{[^}]+\}/g, '').length }));

  constructor() {
    this.#ajv.addSchema(this.doc, 'openapi.json');
  }

  /** The described path a request path matches (the most literal one when several do). */
  template(path: string): string {
    const bare = path.split('?')[0] ?? path;
    const found = this.#templates.filter((x) => x.re.test(bare)).sort((a, b) => b.literal - a.literal)[0];
    assert.ok(found !== undefined, `${bare} is described in openapi.json`);
    return found.t;
  }

  /** Asserts the answer is one the description allows (its Content-Type too, unless undefined); returns the operation's id. */
  check(method: string, path: string, status: number, contentType: string | null | undefined, text: string): string {
    const template = this.template(path);
    const m = method.toLowerCase();
    const op = this.doc.paths[template]?.[m];
    assert.ok(op !== undefined, `${method} ${template} is described`);
    const documented = op.responses[String(status)];
    assert.ok(documented !== undefined, `${method} ${path}: status ${status} is documented for ${op.operationId} (body ${text.slice(0, 200)})`);
    // The schema's place in the document: under the operation, or under the shared response it refers to.
    let at = `/paths/${escape(template)}/${m}/responses/${status}`;
    let response: Response | undefined;
    if ('$ref' in documented) {
      const name = documented.$ref.replace('#/components/responses/', '');
      response = this.doc.components.responses?.[name];
      at = `/components/responses/${escape(name)}`;
    } else response = documented;
    assert.ok(response !== undefined, `${op.operationId} ${status}: ${JSON.stringify(documented)} resolves`);
    this.seen.add(op.operationId);
    const json = response.content?.['application/json'];
    if (json === undefined) {
      if (response.content === undefined) assert.equal(text, '', `${method} ${path} ${status} has no body`);
      return op.operationId;
    }
    if (status < 300 && contentType !== undefined) assert.match(contentType ?? '', /^application\/json/, `${method} ${path} answers JSON`);
    const pointer = `openapi.json#${at}/content/application~1json/schema`;
    const validate = this.#ajv.getSchema(pointer) ?? this.#ajv.compile({ $ref: pointer });
    const body: unknown = JSON.parse(text);
    assert.ok(validate(body), `${method} ${path} ${status}: ${this.#ajv.errorsText(validate.errors)} in ${text.slice(0, 500)}`);
    return op.operationId;
  }

  /** Every operation the description lists, by id. */
  operations(): string[] {
    return Object.values(this.doc.paths).flatMap((p) => Object.values(p).map((o) => o.operationId));
  }
}
