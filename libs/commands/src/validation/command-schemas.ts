import { getMetadataStorage } from 'class-validator';
import { DECLARATIONS } from '../declarations/index.js';

type Schema = Record<string, unknown>;

const CUSTOM: Record<string, Schema> = {
  isCreditCode: {
    type: 'string',
    pattern: '^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$',
    description: 'unified social credit code (统一社会信用代码), GB 32100-2015, check character verified',
    example: '914403001922038216',
  },
  isResidentId: {
    type: 'string',
    pattern: '^[0-9]{17}[0-9X]$',
    description: 'resident identity number (公民身份号码), GB 11643-1999: real birth date, check digit verified; never stored in clear',
  },
  isIsoDate: { type: 'string', format: 'date', description: 'calendar date YYYY-MM-DD' },
};

/**
 * JSON Schemas of the commands, read from the class-validator decorators of
 * their declarations' DTOs — one source of truth for validation and for the OpenAPI
 * document served at /api/docs.
 */
export function commandSchemas(): Record<string, Schema> {
  const storage = getMetadataStorage();
  const schemas: Record<string, Schema> = {};
  for (const { type, dto } of DECLARATIONS) {
    const properties: Record<string, Schema> = {};
    const optional = new Set<string>();
    for (const m of storage.getTargetValidationMetadatas(dto, '', true, false)) {
      const p = (properties[m.propertyName] ??= {});
      const constraint = m.constraints?.[0];
      if (m.name === 'isOptional' || m.type === 'conditionalValidation') optional.add(m.propertyName);
      const target = m.each ? ((p['items'] as Schema | undefined) ?? (p['items'] = {})) as Schema : p;
      switch (m.name) {
        case 'isString': target['type'] = 'string'; break;
        case 'isNotEmpty': if (!m.each) p['minLength'] = 1; break;
        case 'maxLength': target['maxLength'] = constraint; break;
        case 'isInt': p['type'] = 'integer'; break;
        case 'min': p['minimum'] = constraint; break;
        case 'max': p['maximum'] = constraint; break;
        case 'isBoolean': p['type'] = 'boolean'; break;
        case 'isIn': p['enum'] = constraint; break;
        case 'isArray': p['type'] = 'array'; break;
        case 'arrayMaxSize': p['maxItems'] = constraint; break;
        case 'matches': target['pattern'] = (constraint as RegExp).source; break;
        default: if (m.name && CUSTOM[m.name]) Object.assign(p, CUSTOM[m.name]);
      }
    }
    properties['type'] = { type: 'string', enum: [type] };
    properties['commandId'] = { ...properties['commandId'], description: 'client-chosen id: the same command sent again records nothing and answers as the first time' };
    properties['actor'] = { ...properties['actor'], description: 'who is recording it; kept in the event metadata' };
    schemas[type] = {
      type: 'object',
      additionalProperties: false,
      required: Object.keys(properties).filter((k) => !optional.has(k)),
      properties,
    };
  }
  return schemas;
}
