export * from './membership.js';
export * from './lifecycle.js';
export * from './cards.js';
export * from './spells.js';
export * from './erasure.js';
