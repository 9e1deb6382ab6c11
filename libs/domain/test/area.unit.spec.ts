import { decideDefineArea, evolveArea, initialAreaState, type AreaEvent, type AreaKind } from '../src/index.js';
import { expectRefusal, given } from './spec-helpers.js';

const defined = (areaId: string, kind: AreaKind, parentId: string | null = null) =>
  given(evolveArea, initialAreaState, [{ type: 'AreaDefined', data: { areaId, kind, name: areaId, parentId } } as AreaEvent]);
const define = (areaId: string, kind: AreaKind, parentId?: string) => ({ type: 'DefineArea' as const, areaId, kind, name: areaId, parentId });

describe('DefineArea', () => {
  it('defines a district at the top and areas below their parents', () => {
    expect(decideDefineArea(define('LG', 'district'), initialAreaState, undefined)).toEqual([
      { type: 'AreaDefined', data: { areaId: 'LG', kind: 'district', name: 'LG', parentId: null } },
    ]);
    expect(decideDefineArea(define('BJ', 'subdistrict', 'LG'), initialAreaState, defined('LG', 'district'))).toHaveLength(1);
    expect(decideDefineArea(define('NK', 'community', 'BJ'), initialAreaState, defined('BJ', 'subdistrict'))).toHaveLength(1);
    expect(decideDefineArea(define('P', 'park', 'NK'), initialAreaState, defined('NK', 'community'))).toHaveLength(1);
    expect(decideDefineArea(define('B', 'building', 'P'), initialAreaState, defined('P', 'park'))).toHaveLength(1);
    expect(decideDefineArea(define('S', 'commercial', 'NK'), initialAreaState, defined('NK', 'community'))).toHaveLength(1);
  });
  it('refuses an area defined twice, an unknown parent, a district with a parent, and a parent of the wrong kind', () => {
    expectRefusal(() => decideDefineArea(define('LG', 'district'), defined('LG', 'district'), undefined), 'AREA_ALREADY_DEFINED');
    expectRefusal(() => decideDefineArea(define('BJ', 'subdistrict', 'XX'), initialAreaState, initialAreaState), 'UNKNOWN_AREA');
    expectRefusal(() => decideDefineArea(define('LG', 'district', 'GD'), initialAreaState, defined('GD', 'district')), 'AREA_HIERARCHY_VIOLATION');
    expectRefusal(() => decideDefineArea(define('NK', 'community', 'LG'), initialAreaState, defined('LG', 'district')), 'AREA_HIERARCHY_VIOLATION', /community cannot sit in a district/);
    expectRefusal(() => decideDefineArea(define('P', 'park', 'BJ'), initialAreaState, defined('BJ', 'subdistrict')), 'AREA_HIERARCHY_VIOLATION');
  });
});
