import { OCCUPATION_GROUPS, occupationGroupOf } from '../src/index.js';

describe('occupations and their aliases', () => {
  it('counts 外卖骑手, 网约送餐员 and "food-delivery rider" as one group', () => {
    for (const written of ['外卖骑手', '网约送餐员', 'food-delivery rider', 'Food Delivery Rider', ' 外卖 骑手 ', 'ＦＯＯＤ－ＤＥＬＩＶＥＲＹ rider']) {
      expect(occupationGroupOf(written)?.id).toBe('food-delivery-rider');
    }
  });

  it('knows the national eight groups and the later ones', () => {
    expect(OCCUPATION_GROUPS.filter((g) => g.eightGroups).map((g) => g.id)).toEqual([
      'truck-driver', 'courier', 'care-worker', 'domestic-worker', 'mall-information-staff', 'food-delivery-rider', 'property-agent', 'security-guard',
    ]);
    expect(occupationGroupOf('网约车司机')?.id).toBe('ride-hailing-driver');
    expect(occupationGroupOf('货运司机')?.id).toBe('truck-driver');
    expect(occupationGroupOf('快递小哥')?.zh).toBe('快递员');
  });

  it('leaves an unknown occupation unmapped (the caller keeps it as written)', () => {
    expect(occupationGroupOf('无人机飞手')).toBeUndefined();
    expect(occupationGroupOf(null)).toBeUndefined();
    expect(occupationGroupOf('')).toBeUndefined();
  });
});
