import { IsIn, ValidateIf } from 'class-validator';
import * as d from '#domain';
import { declareCommand, key } from '../declaration.js';
import { CommandDto, Id, Text } from '../validation/fields.js';

class DefineAreaDto extends CommandDto {
  @Id() areaId!: string;
  @IsIn(d.AREA_KINDS) kind!: string;
  @Text() name!: string;
  @ValidateIf((o: DefineAreaDto) => o.kind !== 'district' || o.parentId !== undefined) @Id() parentId?: string;
}

export const defineArea = declareCommand<d.DefineArea>({
  type: 'DefineArea',
  dto: DefineAreaDto,
  streams: (c) => [d.areaStream(c.areaId)],
  async decide(c, uow, { areas }) {
    const state = await uow.load(d.areaStream(c.areaId), d.evolveArea, d.initialAreaState);
    const parent = c.parentId ? await areas.get(c.parentId) : undefined;
    uow.append(d.areaStream(c.areaId), d.decideDefineArea(c, state, parent));
  },
  keys: (raw) => ({ writes: key('area', raw['areaId']), reads: key('area', raw['parentId']) }),
  subjects: (c) => [{ area: c.parentId ?? c.areaId }],
  personal: [],
});
