import { randomUUID } from 'node:crypto';
import type { BatchEvent, NewEvent, RecordedEvent } from '#event-store';
import { fieldsOfRecord, JSON_CONTENT_TYPE, recordMetadata } from '../record-format.js';
import { invalidArgument } from './errors.js';
import {
  ReadResp,
  SchemaFormat,
  StreamIdentifier,
  UUID,
  type AppendRecord,
  type ProposedMessage,
  type StreamIdentifierMessage,
  type UUIDMessage,
} from './protocol.js';

/** How the reader asked for event ids: a string, or two 64-bit halves. */
export type UuidFormat = 'string' | 'structured';

/** .NET ticks (100 ns) per millisecond: `created` travels in ticks since the Unix epoch, as the clients decode it. */
const TICKS_PER_MS = 10_000n;

/** An event of the log as a ReadResp carrying a KurrentDB record (JSON data, its metadata as the record's custom metadata). */
export function readRespOf(event: RecordedEvent, uuid: UuidFormat): ReadResp {
  const record = new ReadResp.ReadEvent.RecordedEvent();
  record.setId(uuidMessage(event.eventId, uuid));
  record.setStreamIdentifier(streamIdentifier(event.streamId));
  record.setStreamRevision(String(event.streamRevision));
  // The log has one position per event: it is both the commit and the prepare position.
  record.setCommitPosition(event.globalPosition.toString());
  record.setPreparePosition(event.globalPosition.toString());
  const metadata = record.getMetadataMap();
  metadata.set('type', event.type);
  metadata.set('content-type', JSON_CONTENT_TYPE);
  metadata.set('created', (BigInt(event.recordedAt.getTime()) * TICKS_PER_MS).toString());
  const custom = recordMetadata(event);
  // No metadata reads back as none, as it was appended.
  if (Object.keys(custom).length > 0) record.setCustomMetadata(utf8(JSON.stringify(custom)));
  record.setData(utf8(JSON.stringify(event.data ?? null)));
  const readEvent = new ReadResp.ReadEvent();
  readEvent.setEvent(record);
  readEvent.setCommitPosition(event.globalPosition.toString());
  return new ReadResp().setEvent(readEvent);
}

/** A v1 proposed message as an event to append; `index` (from 1) names it in errors, which never quote its content. */
export function newEventOf(message: ProposedMessage, index: number): NewEvent {
  const eventId = uuidOf(message.getId());
  if (!eventId) throw invalidArgument(`event ${index} has no id`);
  const metadata = message.getMetadataMap();
  const type = metadata.get('type');
  if (!type) throw invalidArgument(`event ${index} has no type`);
  if (metadata.get('content-type') !== JSON_CONTENT_TYPE) {
    throw invalidArgument(`event ${index}: only ${JSON_CONTENT_TYPE} events are taken (the log holds JSON data)`);
  }
  const data = jsonOf(message.getData_asU8(), `event ${index}: its data is not valid JSON`);
  const custom = message.getCustomMetadata_asU8();
  const fields = fieldsOfRecord(custom.length ? jsonOf(custom, `event ${index}: its custom metadata is not valid JSON`) : undefined);
  return { eventId, type, data, ...fields };
}

/** A v2 record as an event of a batch append; `index` (from 1) names it in errors. */
export function batchEventOf(record: AppendRecord, index: number): BatchEvent {
  const streamId = record.getStream();
  if (!streamId) throw invalidArgument(`record ${index} names no stream`);
  const schema = record.getSchema();
  if (!schema?.getName()) throw invalidArgument(`record ${index} has no schema name (its event type)`);
  if (schema.getFormat() !== SchemaFormat.SCHEMA_FORMAT_JSON) {
    throw invalidArgument(`record ${index}: only JSON records are taken (the log holds JSON data)`);
  }
  const data = jsonOf(record.getData_asU8(), `record ${index}: its data is not valid JSON`);
  // The properties are the record's custom metadata (strings from the official client).
  const properties: Record<string, unknown> = {};
  record.getPropertiesMap().forEach((value, key) => (properties[key] = value.toJavaScript()));
  const fields = fieldsOfRecord(Object.keys(properties).length ? properties : undefined);
  const eventId = record.hasRecordId() ? record.getRecordId()! : randomUUID();
  return { streamId, eventId, type: schema.getName(), data, ...fields };
}

export function streamIdOf(identifier: StreamIdentifierMessage | undefined): string {
  return identifier ? Buffer.from(identifier.getStreamName_asU8()).toString('utf8') : '';
}

export function streamIdentifier(streamId: string): StreamIdentifierMessage {
  return new StreamIdentifier().setStreamName(utf8(streamId));
}

/** A UUID message's value as a lowercase string; the structured form holds two signed 64-bit halves. */
export function uuidOf(message: UUIDMessage | undefined): string | undefined {
  if (!message) return undefined;
  if (!message.hasStructured()) return message.getString().toLowerCase() || undefined;
  const halves = message.getStructured()!;
  const hex = [halves.getMostSignificantBits(), halves.getLeastSignificantBits()]
    .map((half) => BigInt.asUintN(64, BigInt(half)).toString(16).padStart(16, '0'))
    .join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function uuidMessage(id: string, format: UuidFormat): UUIDMessage {
  if (format === 'string') return new UUID().setString(id);
  const hex = id.replace(/-/g, '');
  const half = (part: string) => BigInt.asIntN(64, BigInt(`0x${part}`)).toString();
  return new UUID().setStructured(new UUID.Structured().setMostSignificantBits(half(hex.slice(0, 16))).setLeastSignificantBits(half(hex.slice(16))));
}

/** Empty data is JSON null (a record may carry no data). */
function jsonOf(bytes: Uint8Array, refusal: string): unknown {
  if (bytes.length === 0) return null;
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw invalidArgument(refusal);
  }
}

function utf8(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'utf8'));
}
