import { randomUUID } from 'node:crypto';
import { convertGrpcEvent } from '@kurrent/kurrentdb-client/dist/utils/convertGrpcEvent.js';
import { createUUID, parseUUID } from '@kurrent/kurrentdb-client/dist/utils/grpcUUID.js';
import type { RecordedEvent } from '#event-store';
import { readRespOf, uuidMessage, uuidOf } from '../src/endpoint/events-as-records.js';

/** The endpoint's records, decoded by the official client's own code. */
describe('events as KurrentDB records', () => {
  const ids = ['00000000-0000-0001-ffff-ffffffffffff', 'ffffffff-ffff-ffff-0000-000000000000', '8f2b4c1e-9a7d-4e3f-b6c5-d4e3f2a1b0c9', randomUUID()];

  it.each(ids)('writes the id %s in the structured form the client decodes, and reads it back', (id) => {
    expect(parseUUID(uuidMessage(id, 'structured'))).toBe(id);
    expect(uuidOf(uuidMessage(id, 'structured'))).toBe(id);
  });

  it('reads an id the client sends as a string', () => {
    const id = randomUUID();
    expect(uuidOf(createUUID(id))).toBe(id);
  });

  it('serves an event with its type, data, metadata, revision, position and creation time as the client decodes them', () => {
    const event: RecordedEvent = {
      eventId: randomUUID(),
      type: 'MembershipRecorded',
      data: { members: 12 },
      streamId: 'enterprise-42',
      streamRevision: 7,
      globalPosition: 1234n,
      occurredOn: '2025-03-01',
      recordedAt: new Date('2025-03-02T10:11:12.345Z'),
      metadata: { actor: 'organiser-7' },
      schemaVersion: 2,
    };

    const decoded = convertGrpcEvent(readRespOf(event, 'string').getEvent()!).event!;

    expect(decoded).toEqual({
      streamId: 'enterprise-42',
      id: event.eventId,
      revision: 7n,
      type: 'MembershipRecorded',
      data: { members: 12 },
      metadata: { actor: 'organiser-7', $occurredOn: '2025-03-01', $schemaVersion: '2' },
      isJson: true,
      created: new Date('2025-03-02T10:11:12.345Z'),
      position: { commit: 1234n, prepare: 1234n },
    });
  });
});
