/**
 * The generated gRPC classes and service definitions KurrentDB's official
 * Node client ships (`@kurrent/kurrentdb-client/generated`): the endpoint
 * serves exactly the protocol the clients were generated from, and writes no
 * protobuf code of its own.
 *
 * Default imports: the generated files are CommonJS modules whose exports
 * Node's ESM loader cannot list statically (they are copied in at run time).
 */
import sharedPb from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/shared_pb.js';
import statusPb from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/status_pb.js';
import streamsPb from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/streams_pb.js';
import streamsGrpc from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/streams_grpc_pb.js';
import serverFeaturesPb from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/serverfeatures_pb.js';
import serverFeaturesGrpc from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/serverfeatures_grpc_pb.js';
import streamsV2Pb from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v2/streams/streams_pb.js';
import streamsV2Grpc from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v2/streams/streams_grpc_pb.js';
import streamsV2ErrorsPb from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v2/streams/errors_pb.js';
import type { IStreamsServer } from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/streams_grpc_pb.js';
import type { IServerFeaturesServer } from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/serverfeatures_grpc_pb.js';
import type { IStreamsServiceServer } from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v2/streams/streams_grpc_pb.js';
// The well-known types the generated classes are built on (google-protobuf, a dependency of the client).
import anyPb from 'google-protobuf/google/protobuf/any_pb.js';
import timestampPb from 'google-protobuf/google/protobuf/timestamp_pb.js';

export const { Empty, UUID, StreamIdentifier } = sharedPb;
export const { Status } = statusPb;
export const { ReadReq, ReadResp, AppendReq, AppendResp } = streamsPb;
export const { DeleteResp, TombstoneResp } = streamsPb;
export const { StreamsService } = streamsGrpc;
export const { SupportedMethods, SupportedMethod } = serverFeaturesPb;
export const { ServerFeaturesService } = serverFeaturesGrpc;
export const { AppendRecordsResponse, StreamRevision, SchemaFormat } = streamsV2Pb;
export const { StreamsServiceService } = streamsV2Grpc;
export const { AppendConsistencyViolationErrorDetails, AppendTransactionSizeExceededErrorDetails, ConsistencyViolation } = streamsV2ErrorsPb;
export const { Any } = anyPb;
export const { Timestamp } = timestampPb;

export type ReadReq = InstanceType<typeof ReadReq>;
export type ReadReqOptions = InstanceType<typeof ReadReq.Options>;
export type ReadResp = InstanceType<typeof ReadResp>;
export type RecordedEventMessage = InstanceType<typeof ReadResp.ReadEvent.RecordedEvent>;
export type AppendReq = InstanceType<typeof AppendReq>;
export type AppendReqOptions = InstanceType<typeof AppendReq.Options>;
export type AppendResp = InstanceType<typeof AppendResp>;
export type ProposedMessage = InstanceType<typeof AppendReq.ProposedMessage>;
export type UUIDMessage = InstanceType<typeof UUID>;
export type StreamIdentifierMessage = InstanceType<typeof StreamIdentifier>;
export type AppendRecordsRequest = InstanceType<typeof streamsV2Pb.AppendRecordsRequest>;
export type AppendRecordsResponse = InstanceType<typeof AppendRecordsResponse>;
export type AppendRecord = InstanceType<typeof streamsV2Pb.AppendRecord>;
export type ConsistencyCheck = InstanceType<typeof streamsV2Pb.ConsistencyCheck>;
export type DeleteReq = InstanceType<typeof streamsPb.DeleteReq>;
export type DeleteResp = InstanceType<typeof DeleteResp>;
export type TombstoneReq = InstanceType<typeof streamsPb.TombstoneReq>;
export type TombstoneResp = InstanceType<typeof TombstoneResp>;
export type BatchAppendReq = InstanceType<typeof streamsPb.BatchAppendReq>;
export type BatchAppendResp = InstanceType<typeof streamsPb.BatchAppendResp>;
export type EmptyMessage = InstanceType<typeof Empty>;
export type SupportedMethods = InstanceType<typeof SupportedMethods>;

/** The handlers of the services served (the v2 service without AppendSession: grpc-js answers UNIMPLEMENTED for it). */
export type StreamsServer = IStreamsServer;
export type ServerFeaturesServer = IServerFeaturesServer;
export type StreamsV2Server = Pick<IStreamsServiceServer, 'appendRecords'>;
