/** The rows of the organizing read model, as the projection and its fold both write them. */

/** A campaign's row (its target occupations as JSON text). */
export const campaignRow = (d: Record<string, any>) => ({
  campaign_id: d.campaignId as string,
  name: d.name as string,
  area_id: d.areaId as string,
  target_joins: d.targetJoins as number,
  starts_on: d.startsOn as string,
  ends_on: d.endsOn as string,
  target_occupations: JSON.stringify(d.targetOccupations ?? []),
});

/** A ceremony's row. */
export const ceremonyRow = (d: Record<string, any>) => ({ ceremony_id: d.ceremonyId, area_id: d.areaId, campaign_id: d.campaignId ?? null, held_on: d.occurredOn });

/** The row of a join attributed to a campaign or a ceremony (not left yet). */
export const attributedJoinRow = (d: Record<string, any>) => ({
  member_id: d.memberId,
  campaign_id: d.campaignId ?? null,
  ceremony_id: d.ceremonyId ?? null,
  union_id: d.unionId,
  area_id: d.areaId ?? null,
  occupation: d.occupation ?? null,
  channel: d.channel ?? null,
  new_form: d.newForm,
  joined_on: d.occurredOn,
  left_on: null,
});
